import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AttributeFlag,
  AttributeType,
  type Bgp4mpMessageRecord,
  decodeMrtMessage,
  decodeRibEntryAttributes,
  detectCompression,
  encodeAttributes,
  encodeMessage,
  encodeMrtRecord,
  MRT_RIB_CONTEXT,
  type MrtRecord,
  type MrtWritableRecord,
  mrtMessageContext,
  parseAddress,
  parsePrefix,
  type RibRecord,
  readMrtRecords,
  readMrtStream,
  type UpdateMessage,
  Writer,
} from '../src/index.js';
import { corpusAvailable, corpusDir, corpusMissing, readListing } from './corpus-listing.js';

async function collect(it: AsyncIterable<MrtRecord>): Promise<MrtRecord[]> {
  const out: MrtRecord[] = [];
  for await (const r of it) out.push(r);
  return out;
}

const peerIndex: MrtWritableRecord = {
  kind: 'PEER_INDEX_TABLE',
  timestamp: 1700000000,
  collectorBgpId: 0xc0000201,
  viewName: 'main',
  peers: [
    { bgpId: 0x0a000001, address: parseAddress('192.0.2.1'), asn: 65001, as4: false },
    { bgpId: 0x0a000002, address: parseAddress('2001:db8::2'), asn: 4200000000, as4: true },
  ],
};
const attrs = Uint8Array.of(0x40, 0x01, 0x01, 0x00, 0x40, 0x02, 0x00);
const rib: MrtWritableRecord = {
  kind: 'RIB',
  timestamp: 1700000000,
  afi: 1,
  safi: 1,
  addPath: false,
  sequence: 7,
  prefix: parsePrefix('10.1.0.0/16'),
  nlri: Uint8Array.of(16, 10, 1),
  entries: [
    { peerIndex: 0, originatedTime: 1699999999, attributes: attrs },
    { peerIndex: 1, originatedTime: 1699999998, attributes: attrs },
  ],
};
const ribAddPath6: MrtWritableRecord = {
  kind: 'RIB',
  timestamp: 1700000001,
  afi: 2,
  safi: 1,
  addPath: true,
  sequence: 8,
  prefix: parsePrefix('2001:db8:1::/48'),
  nlri: Uint8Array.of(48, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01),
  entries: [{ peerIndex: 1, originatedTime: 1, pathId: 42, attributes: attrs }],
};
const keepalive = Uint8Array.from([...new Array(16).fill(0xff), 0, 19, 4]);
const message: MrtWritableRecord = {
  kind: 'MESSAGE',
  timestamp: 1700000002,
  as4: true,
  local: true,
  addPath: true,
  peerAs: 4200000000,
  localAs: 65000,
  interfaceIndex: 3,
  afi: 2,
  peerAddress: parseAddress('2001:db8::1'),
  localAddress: parseAddress('2001:db8::2'),
  message: keepalive,
};
const messageEt: MrtWritableRecord = {
  ...message,
  as4: false,
  local: false,
  addPath: false,
  peerAs: 65001,
  microseconds: 123456,
  afi: 1,
  peerAddress: parseAddress('192.0.2.1'),
  localAddress: parseAddress('192.0.2.2'),
};
const stateChange: MrtWritableRecord = {
  kind: 'STATE_CHANGE',
  timestamp: 1700000003,
  as4: true,
  peerAs: 65001,
  localAs: 65000,
  interfaceIndex: 0,
  afi: 1,
  peerAddress: parseAddress('192.0.2.1'),
  localAddress: parseAddress('192.0.2.2'),
  oldState: 5,
  newState: 6,
};
const written = [peerIndex, rib, ribAddPath6, message, messageEt, stateChange];
const file = Buffer.concat(written.map((r) => encodeMrtRecord(r)));

describe('MRT record round trip', () => {
  it('decodes what it encodes: peer index, RIB (plain, IPv6 ADD-PATH), BGP4MP(_ET) message, state change', () => {
    const back = [...readMrtRecords(file)];
    expect(back.map((r) => r.kind)).toEqual([
      'PEER_INDEX_TABLE',
      'RIB',
      'RIB',
      'MESSAGE',
      'MESSAGE',
      'STATE_CHANGE',
    ]);
    back.forEach((r, i) => {
      const {
        offset: _o,
        type: _t,
        subtype: _s,
        ...rest
      } = r as Exclude<MrtRecord, { kind: 'ERROR' }>;
      expect(rest).toEqual(written[i]);
    });
    const types = back.map((r) => [r.type, r.subtype]);
    expect(types).toEqual([
      [13, 1],
      [13, 2],
      [13, 10],
      [16, 11],
      [17, 1],
      [16, 5],
    ]);
  });

  it('writes RIB_GENERIC for families without their own subtype', () => {
    const generic: MrtWritableRecord = {
      kind: 'RIB',
      timestamp: 1,
      afi: 1,
      safi: 128,
      addPath: false,
      sequence: 1,
      nlri: Uint8Array.of(112, 0, 0, 1, 0, 0, 0, 100, 0, 0, 0, 1, 10, 0, 0),
      entries: [{ peerIndex: 0, originatedTime: 1, attributes: attrs }],
    };
    const [back] = [...readMrtRecords(encodeMrtRecord(generic))];
    expect(back).toMatchObject({ kind: 'RIB', type: 13, subtype: 6, afi: 1, safi: 128 });
    expect((back as { nlri: Uint8Array }).nlri).toEqual(generic.nlri);
  });

  it('reports a torn body as a non-fatal error and goes on with the next record', () => {
    const bad = encodeMrtRecord(rib);
    // Entry count 2 -> 3: the third entry runs past the record's own length.
    const entryCountAt = 12 + 4 + 3;
    bad[entryCountAt + 1] = 3;
    const recs = [...readMrtRecords(Buffer.concat([bad, encodeMrtRecord(stateChange)]))];
    expect(recs[0]).toMatchObject({ kind: 'ERROR', fatal: false, type: 13, subtype: 2, offset: 0 });
    expect((recs[0] as { error: Error }).error.name).toBe('MrtFormatError');
    expect(recs[1]?.kind).toBe('STATE_CHANGE');
  });

  it('ends with a fatal error record when a length runs past the end of the data', async () => {
    const cut = file.subarray(0, file.length - 3);
    const recs = [...readMrtRecords(cut)];
    expect(recs.at(-1)).toMatchObject({ kind: 'ERROR', fatal: true, type: 16, subtype: 5 });
    expect(recs.length).toBe(written.length);
    const streamed = await collect(readMrtStream(Readable.from([cut])));
    expect(streamed).toEqual(recs);
  });

  it('ends at once on a length field beyond maxRecordLength instead of buffering the rest', async () => {
    const junk = Buffer.concat([
      encodeMrtRecord(stateChange),
      Buffer.from('00000001000d0002ffffff00', 'hex'),
    ]);
    const recs = await collect(
      readMrtStream(Readable.from([junk, new Uint8Array(1000)]), { maxRecordLength: 1 << 20 }),
    );
    expect(recs.map((r) => r.kind)).toEqual(['STATE_CHANGE', 'ERROR']);
    expect(recs[1]).toMatchObject({ fatal: true, type: 13, subtype: 2 });
    expect((recs[1] as { error: Error }).error.message).toMatch(/exceeds the 1048576-byte limit/);
  });

  it('reports a gzip stream that stops short as a fatal error record', async () => {
    const gz = gzipSync(file);
    const recs = await collect(readMrtStream(Readable.from([gz.subarray(0, gz.length - 10)])));
    expect(recs.at(-1)).toMatchObject({ kind: 'ERROR', fatal: true });
  });

  it('detects gzip, bzip2 and plain input by magic bytes', async () => {
    expect(detectCompression(gzipSync(file))).toBe('gzip');
    expect(detectCompression(Buffer.from('BZh91AY'))).toBe('bzip2');
    expect(detectCompression(file)).toBe('none');
    const fromGz = await collect(readMrtStream(Readable.from([gzipSync(file)])));
    expect(fromGz).toEqual([...readMrtRecords(file)]);
  });

  it('property: streaming over arbitrary chunk splits yields the same records as one buffer', async () => {
    const whole = [...readMrtRecords(file)];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: file.length }), { maxLength: 12 }),
        async (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let prev = 0;
          for (const p of [...points, file.length]) {
            chunks.push(new Uint8Array(file.subarray(prev, p)));
            prev = p;
          }
          const streamed = await collect(readMrtStream(Readable.from(chunks)));
          expect(streamed).toEqual(whole);
        },
      ),
    );
  });

  it('property: arbitrary bytes give records or error records, never an exception', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.integer({ min: 0, max: 5 }),
        (junk, which) => {
          // Half the time, splice junk into a valid record body so that the decoders get deep.
          const base = encodeMrtRecord(written[which]!);
          const bytes = which % 2 === 0 ? junk : Buffer.concat([base.subarray(0, 12), junk]);
          for (const r of readMrtRecords(bytes)) {
            if (r.kind === 'ERROR') expect(r.error.name).toBe('MrtFormatError');
          }
        },
      ),
    );
  });
});

describe('MRT records carrying decoded messages and attributes', () => {
  it('round-trips an UPDATE through a BGP4MP MESSAGE_AS4_ADDPATH record and RIB entry attributes through TABLE_DUMP_V2', () => {
    const update: UpdateMessage = {
      type: 'UPDATE',
      withdrawn: [],
      attributes: [
        { typeCode: AttributeType.ORIGIN, flags: AttributeFlag.TRANSITIVE, value: 0 },
        {
          typeCode: AttributeType.AS_PATH,
          flags: AttributeFlag.TRANSITIVE,
          value: [{ type: 2, asns: [4200000001, 65001] }],
        },
        {
          typeCode: AttributeType.NEXT_HOP,
          flags: AttributeFlag.TRANSITIVE,
          value: parseAddress('192.0.2.1'),
        },
      ],
      nlri: [{ prefix: parsePrefix('10.0.0.0/24'), pathId: 9 }],
    };
    const rec: MrtWritableRecord = {
      ...(message as Extract<MrtWritableRecord, { kind: 'MESSAGE' }>),
      local: false,
      message: encodeMessage(update, mrtMessageContext({ as4: true, addPath: true })),
    };
    const [back] = [...readMrtRecords(encodeMrtRecord(rec))];
    expect(back).toMatchObject({ kind: 'MESSAGE', type: 16, subtype: 9, as4: true, addPath: true });
    expect(decodeMrtMessage(back as Bgp4mpMessageRecord)).toEqual(update);

    const w = new Writer();
    encodeAttributes(
      [
        ...update.attributes.slice(0, 2),
        {
          typeCode: AttributeType.MP_REACH_NLRI,
          flags: AttributeFlag.OPTIONAL,
          value: {
            afi: 2,
            safi: 1,
            nextHop: parseAddress('2001:db8::1'),
            reserved: 0,
            nlri: [],
            abbreviated: true,
          },
        },
      ],
      MRT_RIB_CONTEXT,
      w,
    );
    const entryAttrs = w.finish();
    const [ribBack] = [
      ...readMrtRecords(
        encodeMrtRecord({
          ...(ribAddPath6 as Extract<MrtWritableRecord, { kind: 'RIB' }>),
          entries: [{ peerIndex: 0, originatedTime: 5, pathId: 3, attributes: entryAttrs }],
        }),
      ),
    ];
    const entry = (ribBack as RibRecord).entries[0]!;
    expect(entry.pathId).toBe(3);
    const decoded = decodeRibEntryAttributes(entry);
    expect(decoded.problems).toEqual([]);
    expect(decoded.attributes[1]).toEqual(update.attributes[1]);
    expect(decoded.attributes[2]).toMatchObject({ value: { afi: 2, safi: 1, abbreviated: true } });
  });
});

/** Record counts per corpus MRT file, from the per-file tables of the corpus's SOURCES.md. */
const corpusCounts: Record<string, { records: number; errors?: number; fatal?: boolean }> = {
  'bgp-rs/updates.20190101.0000.gz': { records: 54514 },
  'bgpdump/bview.64k_stream_overflow.gz': { records: 2 },
  'bgpdump/bview.ipv4_unicast_add_path.gz': { records: 32 },
  'bgpdump/bview.ipv6_unicast_add_path.gz': { records: 32 },
  'bgpdump/updates.20020722.2238.gz': { records: 1121 },
  'bgpdump/updates.20070211.0141.gz': { records: 23394 },
  'bgpdump/updates.20100722.2015.gz': { records: 2193 },
  'bgpdump/updates.20160811.1600.gz': { records: 17406 },
  'bgpdump/updates.long_withdrawal.gz': { records: 1 },
  'bgpdump/updates.nlri_mask_trailing_bits.gz': { records: 1 },
  'bgpkit-parser/local_only-updates.bz2': { records: 85 },
  'bgpkit-parser/rrc00-updates.20000102.2014.gz': { records: 3957 },
  // Torn in 2000 (two short writes): 6 records, then a length that runs past the end.
  'bgpkit-parser/rrc00-updates.20000325.0345.gz': { records: 6, fatal: true },
  // 21 shortened Zebra BGP4MP MESSAGE records (AFI 65535, no message bytes).
  'bgpkit-parser/rrc01-updates.20001104.0124.gz': { records: 1286, errors: 21 },
  'bgpkit-parser/rrc03-updates.20100227.1600.first-796-records.gz': { records: 796 },
  'libbgpstream/ris.rrc06.updates.1427846400.gz': { records: 795 },
  'libbgpstream/routeviews.route-views.jinx.updates.1427846400.bz2': { records: 1756 },
  'mrtparse/bird-mrtdump_bgp': { records: 27 },
  'mrtparse/bird-mrtdump_rib': { records: 14 },
  'mrtparse/bird6-mrtdump_bgp': { records: 27 },
  'mrtparse/bird6-mrtdump_rib': { records: 9 },
  'mrtparse/bird6_bgp': { records: 29 },
  'mrtparse/bird_bgp': { records: 29 },
  'mrtparse/openbgpd_bgp': { records: 87 },
  'mrtparse/openbgpd_rib_table': { records: 31 },
  'mrtparse/openbgpd_rib_table-mp': { records: 31 }, // deprecated BGP4MP_ENTRY
  'mrtparse/openbgpd_rib_table-v2': { records: 24 },
  'mrtparse/quagga_bgp': { records: 67 },
  'mrtparse/quagga_rib': { records: 7 },
};

describe.skipIf(!corpusAvailable)(`MRT corpus files (${corpusDir})`, () => {
  const names = Object.keys(corpusCounts);
  const total = Object.values(corpusCounts).reduce((n, c) => n + c.records, 0);

  it(`reads all ${names.length} MRT files to the end: ${total.toLocaleString('en-US')} records, counts as SOURCES.md gives them`, async () => {
    for (const name of names) {
      const want = corpusCounts[name]!;
      const recs = await collect(readMrtStream(join(corpusDir, name)));
      const fatal = recs.filter((r) => r.kind === 'ERROR' && r.fatal);
      const errors = recs.filter((r) => r.kind === 'ERROR' && !r.fatal);
      expect({
        name,
        records: recs.length - fatal.length,
        errors: errors.length,
        fatal: fatal.length,
      }).toEqual({
        name,
        records: want.records,
        errors: want.errors ?? 0,
        fatal: want.fatal ? 1 : 0,
      });
    }
  });

  const listed = names
    .filter((n) => existsSync(join(corpusDir, `${n}.hex`)))
    .map((n) => ({ name: n, entries: readListing(join(corpusDir, `${n}.hex`)) }));
  const listedCount = listed.reduce((k, l) => k + l.entries.length, 0);

  it(`finds all ${listedCount} messages of the ${listed.length} MRT listings at their record index, byte for byte (type 5 headers synthesised alike)`, async () => {
    let checked = 0;
    for (const { name, entries } of listed) {
      const recs = await collect(readMrtStream(join(corpusDir, name)));
      for (const e of entries) {
        const text = e.comments.join(' ');
        const index = Number(/\brecord=(\d+)/.exec(text)?.[1]);
        const ts = Number(/\bts=(\d+)/.exec(text)?.[1]);
        const rec = recs[index - 1];
        const where = `${name} record ${index}`;
        expect(rec?.kind, where).toBe('MESSAGE');
        if (rec?.kind !== 'MESSAGE') continue;
        expect(rec.timestamp, where).toBe(ts);
        expect(Buffer.from(rec.message).equals(e.bytes), where).toBe(true);
        expect(rec.headerSynthesised === true, where).toBe(text.includes('header-synthesised'));
        checked++;
      }
    }
    expect(checked).toBe(listedCount);
  });

  it.skipIf(!existsSync('/proc/self/fd'))(
    'closes the file when a reader stops early (gzip and bzip2)',
    async () => {
      const fds = (): number => readdirSync('/proc/self/fd').length;
      const before = fds();
      for (const name of [
        'bgp-rs/updates.20190101.0000.gz',
        'libbgpstream/routeviews.route-views.jinx.updates.1427846400.bz2',
      ]) {
        for (let i = 0; i < 10; i++) {
          for await (const r of readMrtStream(join(corpusDir, name))) if (r.offset > 1000) break;
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(fds()).toBeLessThanOrEqual(before);
    },
  );

  it('re-encodes every TABLE_DUMP_V2 and BGP4MP(_ET) record of the corpus byte for byte', () => {
    let checked = 0;
    for (const name of names) {
      const raw = readFileSync(join(corpusDir, name));
      const bytes = raw[0] === 0x1f ? gunzipSync(raw) : raw;
      if (name.endsWith('.bz2')) continue; // covered by the streaming count test
      for (const r of readMrtRecords(bytes)) {
        if (
          r.kind === 'ERROR' ||
          r.kind === 'UNKNOWN' ||
          r.kind === 'TABLE_DUMP' ||
          r.kind === 'BGP4MP_ENTRY'
        ) {
          continue;
        }
        if (r.kind === 'MESSAGE' && r.headerSynthesised) continue;
        if (r.kind === 'STATE_CHANGE' && (r.afi === 0 || r.type === 5)) continue;
        const len = bytes.readUInt32BE(r.offset + 8) + 12;
        const original = bytes.subarray(r.offset, r.offset + len);
        expect(Buffer.from(encodeMrtRecord(r)).equals(original)).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100_000);
  });
});

if (!corpusAvailable) {
  describe('MRT corpus files', () => {
    it.skip(`skipped: ${corpusMissing}`, () => {});
  });
}
