/**
 * UPDATE codec: golden bytes both ways, End-of-RIB, lossless details, and every real UPDATE of
 * the shared corpus.
 */
import { readFileSync } from 'node:fs';
import {
  AS4_CONTEXT,
  AttributeType,
  createContext,
  DEFAULT_CONTEXT,
  decodeUpdate,
  endOfRib,
  familyKey,
  findAttribute,
  formatPrefix,
  isBgpError,
  isEndOfRib,
  locateUpdateSections,
  type UpdateMessage,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { CORPUS, corpusUpdates, encodeBody, hex, roundTrip, toHex } from './update-fixtures.js';

// RFC 4271 §4.3: withdraw 10.1.2.0/24; ORIGIN IGP, AS_PATH [65000], NEXT_HOP 192.0.2.1;
// announce 172.16.0.0/16 and 192.0.2.1/32.
const GOLDEN = hex('0004 180a0102 0012 40010100 4002040201fde8 400304c0000201 10ac10 20c0000201');
const GOLDEN_MSG: UpdateMessage = {
  type: 'UPDATE',
  withdrawn: [{ prefix: { afi: 1, length: 24, address: Uint8Array.of(10, 1, 2, 0) } }],
  attributes: [
    { typeCode: 1, flags: 0x40, value: 0 },
    { typeCode: 2, flags: 0x40, value: [{ type: 2, asns: [65000] }] },
    { typeCode: 3, flags: 0x40, value: Uint8Array.of(192, 0, 2, 1) },
  ],
  nlri: [
    { prefix: { afi: 1, length: 16, address: Uint8Array.of(172, 16, 0, 0) } },
    { prefix: { afi: 1, length: 32, address: Uint8Array.of(192, 0, 2, 1) } },
  ],
};

describe('UPDATE golden bytes', () => {
  it('decodes', () => {
    expect(decodeUpdate(GOLDEN, DEFAULT_CONTEXT)).toEqual(GOLDEN_MSG);
  });
  it('encodes', () => {
    expect(toHex(encodeBody(GOLDEN_MSG, DEFAULT_CONTEXT))).toBe(toHex(GOLDEN));
  });
  it('locates the three sections before decoding them', () => {
    expect(locateUpdateSections(GOLDEN)).toEqual({
      withdrawnStart: 2,
      withdrawnEnd: 6,
      attributesStart: 8,
      attributesEnd: 26,
    });
  });
  it('carries ADD-PATH path identifiers in both IPv4 fields (RFC 7911 §3)', () => {
    const ctx = createContext({ addPath: new Set([familyKey(1, 1)]) });
    const body = hex(
      '0008 00000005 180a0102 0012 40010100 4002040201fde8 400304c0000201 00000009 10ac10',
    );
    const msg = decodeUpdate(body, ctx);
    expect(msg.withdrawn[0]?.pathId).toBe(5);
    expect(msg.nlri[0]?.pathId).toBe(9);
    expect(toHex(encodeBody(msg, ctx))).toBe(toHex(body));
  });
});

describe('End-of-RIB (RFC 4724 §2)', () => {
  it('IPv4 unicast is the empty UPDATE', () => {
    const eor = endOfRib(1, 1);
    expect(toHex(encodeBody(eor, DEFAULT_CONTEXT))).toBe('00000000');
    expect(isEndOfRib(decodeUpdate(hex('00000000'), DEFAULT_CONTEXT))).toEqual({ afi: 1, safi: 1 });
  });
  for (const [afi, safi] of [
    [2, 1],
    [1, 128],
    [25, 70],
    [16388, 71],
    [1, 133],
  ] as const) {
    it(`AFI ${afi} SAFI ${safi} is a lone empty MP_UNREACH_NLRI`, () => {
      const bytes = encodeBody(endOfRib(afi, safi), DEFAULT_CONTEXT);
      const a = afi.toString(16).padStart(4, '0');
      const s = safi.toString(16).padStart(2, '0');
      expect(toHex(bytes)).toBe(`00000006800f03${a}${s}`);
      expect(isEndOfRib(decodeUpdate(bytes, DEFAULT_CONTEXT))).toEqual({ afi, safi });
    });
  }
  it('is not claimed for an UPDATE carrying routes or other attributes', () => {
    expect(isEndOfRib(GOLDEN_MSG)).toBeUndefined();
    expect(
      isEndOfRib(decodeUpdate(hex('0000 0007 800f0400020100'), DEFAULT_CONTEXT)),
    ).toBeUndefined();
    expect(isEndOfRib(decodeUpdate(hex('0000 0004 40010100'), DEFAULT_CONTEXT))).toBeUndefined();
  });
});

describe('lossless details', () => {
  it('keeps host bits past the prefix length (bgpdump updates.nlri_mask_trailing_bits)', () => {
    // The corpus UPDATE ends with a stray octet that cannot be a prefix (it is flagged malformed);
    // without it, the message holds 11.13.x for a /13 and must come back byte for byte.
    const line = readFileSync(`${CORPUS}/bgpdump/updates.nlri_mask_trailing_bits.gz.hex`, 'utf8')
      .split('\n')
      .find((l) => /^[0-9a-f]/i.test(l))!;
    const whole = hex(line.trim()).subarray(19);
    expect(() => decodeUpdate(whole, DEFAULT_CONTEXT)).toThrow(/runs past/);
    const body = whole.subarray(0, whole.length - 1);
    const msg = decodeUpdate(body, DEFAULT_CONTEXT);
    expect(msg.nlri.map((e) => formatPrefix(e.prefix))).toContain('11.8.0.0/13');
    expect(msg.nlri.find((e) => e.prefix.length === 13)?.wireBytes).toEqual(Uint8Array.of(11, 13));
    expect(toHex(encodeBody(msg, DEFAULT_CONTEXT))).toBe(toHex(body));
  });
  it('ignores wire bytes that do not belong to the prefix any more', () => {
    const msg = decodeUpdate(hex('0003 0d0b0d 0000'), DEFAULT_CONTEXT);
    const changed: UpdateMessage = {
      ...msg,
      withdrawn: [
        {
          ...msg.withdrawn[0]!,
          prefix: { afi: 1, length: 13, address: Uint8Array.of(12, 8, 0, 0) },
        },
      ],
    };
    expect(toHex(encodeBody(changed, DEFAULT_CONTEXT))).toBe('00030d0c080000');
  });
  it('keeps Extended Length on short values and the Partial bit', () => {
    const body = hex('0000 0013 50010001 00 50020006020100000001 e0c80100');
    const msg = decodeUpdate(body, AS4_CONTEXT);
    expect(msg.attributes.map((a) => a.flags)).toEqual([0x50, 0x50, 0xe0]);
    expect(toHex(encodeBody(msg, AS4_CONTEXT))).toBe(toHex(body));
  });
  it('keeps families it does not parse as bytes (flowspec)', () => {
    const body = hex('0000 000c 800e09 000185 00 00 aabbccdd');
    const msg = decodeUpdate(body, DEFAULT_CONTEXT);
    const mp = findAttribute(msg.attributes, AttributeType.MP_REACH_NLRI)!;
    expect(mp.value.afi).toBe(1);
    expect(mp.value.safi).toBe(133);
    expect(toHex(mp.value.rawNlri!)).toBe('aabbccdd');
    expect(toHex(encodeBody(msg, DEFAULT_CONTEXT))).toBe(toHex(body));
  });
});

// Messages the corpus lists as framed correctly that RFC 4271 / RFC 7606 still reject; each
// decodes to the NOTIFICATION given here.
const EXPECTED_ERRORS: Record<string, RegExp> = {
  // ExaBGP's "generic attribute" test sends type 0x99 with flags 0x60 (well-known): RFC 4271 §6.3 3/2.
  'exabgp/encoding.hex:260': /unrecognised well-known attribute 153/,
  'exabgp/encoding.hex:265': /unrecognised well-known attribute 153/,
  // SOURCES.md: crafted, MP_REACH_NLRI flagged well-known and repeated.
  'tcpdump/bgp-addpath.pcap.hex:7': /MP_REACH_NLRI with flags/,
  // Fuzzed capture: attribute types 171 and 114 with the Optional bit clear.
  'tcpdump/bgp-aigp-oobr.pcap.hex:7': /unrecognised well-known attribute 171/,
  'tcpdump/bgp-aigp-oobr.pcap.hex:11': /unrecognised well-known attribute 114/,
};

describe('corpus UPDATEs', () => {
  const all = corpusUpdates();
  const ok = all.filter((u) => u.ok);
  it.skipIf(all.length === 0)('the corpus holds thousands of UPDATEs', () => {
    expect(ok.length).toBeGreaterThan(3000);
  });

  it.skipIf(all.length === 0)(
    'every well-formed UPDATE decodes and re-encodes byte for byte',
    () => {
      const failures: string[] = [];
      let checked = 0;
      for (const u of ok) {
        const expected = EXPECTED_ERRORS[u.where];
        const r = roundTrip(u);
        if (expected !== undefined) {
          expect(r).toMatch(expected);
          continue;
        }
        if (typeof r === 'string') failures.push(`${u.where}: ${r}`);
        else checked++;
      }
      expect(failures).toEqual([]);
      expect(checked).toBe(ok.length - Object.keys(EXPECTED_ERRORS).length);
    },
  );

  it.skipIf(all.length === 0)(
    'malformed UPDATEs only ever raise BgpError or report problems',
    () => {
      const bad = all.filter((u) => !u.ok);
      expect(bad.length).toBeGreaterThan(100);
      let thrown = 0;
      let reported = 0;
      for (const u of bad) {
        for (const ctx of [...u.contexts, DEFAULT_CONTEXT, AS4_CONTEXT]) {
          try {
            const msg = decodeUpdate(u.body, ctx);
            if (msg.action !== undefined) reported++;
          } catch (err) {
            if (!isBgpError(err)) throw new Error(`${u.where}: ${String(err)}`);
            thrown++;
          }
        }
      }
      expect(thrown + reported).toBeGreaterThan(0);
    },
  );
});
