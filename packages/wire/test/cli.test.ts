import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { corpusAvailable, corpusDir, corpusMissing, repoRoot } from './corpus-listing.js';

interface Run {
  code: number;
  lines: Record<string, unknown>[];
  stderr: string;
}

async function run(argv: string[], stdin = '', tty = false): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await main(argv, { stdin: Readable.from([stdin]), stdout, stderr });
  const text = Buffer.concat(out).toString('utf8');
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, lines, stderr: Buffer.concat(err).toString('utf8') };
}

const MARKER = 'ff'.repeat(16);
const KEEPALIVE = `${MARKER}001304`;
// OPEN from tcpdump's bgp-4byte-asn.pcap: AS_TRANS in My AS, 4-octet AS capability 2764334674.
const OPEN_AS4 = `${MARKER}003701045ba000b4000001011a021801040001000102004002c12c4104a4c46652450400010101`;
// UPDATE with a 2-octet AS_PATH (200 1 23456 23456 23456) and an AS4_PATH (same capture).
const UPDATE_AS2 = `${MARKER}005f020000002f4001010240020c020500c800015ba05ba05ba040030401000201e011120204000000010003640e00051615fffffffa20040404042005050505200101010120020202022003030303`;
// UPDATE: ORIGIN IGP, AS_PATH [65001], NEXT_HOP 192.0.2.1, NLRI 10.0.0.0/24 with path id 7.
const UPDATE_ADDPATH =
  `${MARKER}0033020000001440010100400206020100 00fde9400304c0000201 00000007180a0000`.replace(
    / /g,
    '',
  );

describe('bgp-decode --hex', () => {
  it('decodes good lines, skips comments and blank lines, and reports bad ones without failing', async () => {
    const input = [
      '# a comment',
      '',
      KEEPALIVE,
      'not hex at all',
      `${MARKER}0015030604`,
      // Length field 0x0020 but 19 bytes: a header error (1/2), not a crash.
      `${MARKER}002004`,
      // Marker broken: connection not synchronised (1/1).
      `${'00'.repeat(16)}001304`,
      `${MARKER}002b0106`,
    ].join('\n');
    const r = await run(['--hex'], input);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(6);
    expect(r.lines[0]).toEqual({ type: 'KEEPALIVE' });
    expect(r.lines[1]).toMatchObject({ error: { code: 0, name: 'BAD_HEX' } });
    expect(r.lines[2]).toMatchObject({
      type: 'NOTIFICATION',
      code: 6,
      subcode: 4,
      name: 'CEASE/ADMINISTRATIVE_RESET',
      data: '',
    });
    expect(r.lines[3]).toMatchObject({
      error: { code: 1, subcode: 2, name: 'MESSAGE_HEADER_ERROR/BAD_MESSAGE_LENGTH' },
    });
    expect(r.lines[4]).toMatchObject({ error: { code: 1, subcode: 1 } });
    expect((r.lines[5] as { error: { code: number } }).error.code).toBeGreaterThan(0);
  });

  it('prints OPEN with the real 4-octet ASN, dotted identifier and named capabilities', async () => {
    const r = await run(['--hex'], OPEN_AS4);
    expect(r.lines[0]).toMatchObject({
      type: 'OPEN',
      version: 4,
      myAsn: 2764334674,
      myAutonomousSystem: 23456,
      holdTime: 180,
      bgpId: '0.0.1.1',
    });
    const caps = (r.lines[0] as { capabilities: { code: number; name: string }[] }).capabilities;
    expect(caps.map((c) => c.name)).toEqual([
      'MULTIPROTOCOL',
      'ROUTE_REFRESH',
      'GRACEFUL_RESTART',
      'FOUR_OCTET_AS',
      'ADD_PATH',
    ]);
  });

  it('--as4 no / yes / auto pick the AS_PATH width', async () => {
    const no = await run(['--hex', '--as4', 'no'], UPDATE_AS2);
    expect(no.lines[0]).toMatchObject({
      type: 'UPDATE',
      attributes: {
        origin: 'incomplete',
        asPath: [{ type: 'sequence', asns: [200, 1, 23456, 23456, 23456] }],
        as4Path: [{ type: 'sequence', asns: [1, 222222, 333333, 4294967290] }],
        nextHop: '1.0.2.1',
      },
      nlri: ['4.4.4.4/32', '5.5.5.5/32', '1.1.1.1/32', '2.2.2.2/32', '3.3.3.3/32'],
    });
    // Read as 4-octet, the 10-byte AS_PATH segment (5 ASNs) overruns: an RFC 7606 finding.
    const yes = await run(['--hex', '--as4=yes'], UPDATE_AS2);
    expect(yes.lines[0]).toHaveProperty('problems');
    // auto: the AS_PATH adds up only with 2-octet numbers.
    const auto = await run(['--hex'], UPDATE_AS2);
    expect(auto.lines[0]).toMatchObject({
      as4: false,
      attributes: { asPath: [{ asns: [200, 1, 23456, 23456, 23456] }] },
    });
    expect(auto.lines[0]).not.toHaveProperty('problems');
  });

  it('--as4 auto follows the OPENs seen earlier in the input', async () => {
    // An OPEN without the 4-octet AS capability: later UPDATEs are read with 2-octet ASNs.
    const open2 = `${MARKER}001d0104fde900b4c0000201 00`.replace(/ /g, '');
    const r = await run(['--hex'], [open2, UPDATE_AS2].join('\n'));
    expect(r.lines[0]).toMatchObject({ type: 'OPEN', myAsn: 65001, capabilities: [] });
    expect(r.lines[1]).toMatchObject({ type: 'UPDATE', as4: false });
  });

  it('--addpath reads path identifiers for the named families', async () => {
    const plain = await run(['--hex', '--as4', 'yes'], UPDATE_ADDPATH);
    // Without ADD-PATH the same bytes read as junk prefixes (0.0.0.0/0 three times, …).
    expect(plain.lines[0]).toMatchObject({
      nlri: ['0.0.0.0/0', '0.0.0.0/0', '0.0.0.0/0', '24.0.0.0/7', '0.0.0.0/10'],
    });
    for (const fam of ['ipv4-unicast', '1/1', 'all', 'ipv6-unicast,ipv4-unicast']) {
      const r = await run(['--hex', '--as4', 'yes', '--addpath', fam], UPDATE_ADDPATH);
      expect(r.lines[0], fam).toMatchObject({
        type: 'UPDATE',
        attributes: {
          origin: 'igp',
          asPath: [{ type: 'sequence', asns: [65001] }],
          nextHop: '192.0.2.1',
        },
        nlri: [{ prefix: '10.0.0.0/24', pathId: 7 }],
      });
    }
  });

  it('rejects bad usage with status 2 and prints help with status 0', async () => {
    expect((await run(['--as4', 'maybe', '--hex'])).code).toBe(2);
    expect((await run(['--hex', '--addpath', 'ipv9-unicast'])).code).toBe(2);
    expect((await run([])).code).toBe(2);
    expect((await run(['--bogus'])).code).toBe(2);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.lines).toEqual([]);
  });

  it('decodes the bundled sample session', async () => {
    const { readFileSync } = await import('node:fs');
    const hex = readFileSync(join(repoRoot, 'packages/wire/samples/session.hex'), 'utf8');
    const r = await run(['--hex'], hex);
    expect(r.lines.map((l) => l.type)).toEqual([
      'OPEN',
      'OPEN',
      'KEEPALIVE',
      'KEEPALIVE',
      'UPDATE',
      'UPDATE',
      'UPDATE',
      'UPDATE',
      'UPDATE',
      'ROUTE-REFRESH',
      'KEEPALIVE',
      'NOTIFICATION',
    ]);
    expect(r.lines.some((l) => 'error' in l || 'problems' in l)).toBe(false);
    expect(r.lines[6]).toMatchObject({ endOfRib: { afi: 1, safi: 1 } });
    expect(r.lines[11]).toMatchObject({ shutdownMessage: 'maintenance window, back at 06:00 UTC' });
  });
});

describe('bgp-decode FILE (MRT)', () => {
  it("decodes the bundled TABLE_DUMP_V2 sample, naming each entry's peer", async () => {
    const r = await run([join(repoRoot, 'packages/wire/samples/table.mrt.gz')]);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l.record)).toEqual([
      'TABLE_DUMP_V2/PEER_INDEX_TABLE',
      'TABLE_DUMP_V2/RIB_IPV4_UNICAST',
      'TABLE_DUMP_V2/RIB_IPV4_UNICAST',
      'TABLE_DUMP_V2/RIB_IPV6_UNICAST',
      'TABLE_DUMP_V2/RIB_IPV6_UNICAST',
    ]);
    expect(r.lines[1]).toMatchObject({
      prefix: '198.51.100.0/24',
      entries: [
        { peer: { address: '192.0.2.2', asn: 65001 }, attributes: { communities: ['65001:100'] } },
        { peer: { address: '2001:db8::3', asn: 4200000003 } },
      ],
    });
    expect(r.stderr).toBe('');
  });

  it('reads MRT from stdin when the file is -', async () => {
    const { readFileSync } = await import('node:fs');
    const stdout = new PassThrough();
    const out: Buffer[] = [];
    stdout.on('data', (c: Buffer) => out.push(c));
    const bytes = readFileSync(join(repoRoot, 'packages/wire/samples/table.mrt.gz'));
    const code = await main(['-'], {
      stdin: Readable.from([bytes]),
      stdout,
      stderr: new PassThrough(),
    });
    expect(code).toBe(0);
    expect(Buffer.concat(out).toString('utf8').trim().split('\n')).toHaveLength(5);
  });

  it('exits 1 with a message for a file that does not exist', async () => {
    const r = await run(['/nonexistent/file.mrt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nonexistent/);
  });

  it('draws a progress bar on stderr only when stderr is a TTY', async () => {
    const file = join(repoRoot, 'packages/wire/samples/table.mrt.gz');
    expect((await run([file], '', false)).stderr).toBe('');
    // The bar redraws at most every 100 ms; a tiny file still clears its line at the end.
    expect((await run([file], '', true)).stderr).toMatch(/\r/);
  });
});

describe.skipIf(!corpusAvailable)(`bgp-decode on corpus MRT files (${corpusDir})`, () => {
  it("reads a gzip BGP4MP file: one JSON line per record, messages decoded with the subtype's AS width", async () => {
    const r = await run([join(corpusDir, 'bgpdump/updates.20020722.2238.gz')]);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(1121);
    const states = r.lines.filter((l) => (l.record as string).endsWith('STATE_CHANGE'));
    expect(states).toHaveLength(93);
    expect(states[0]).toMatchObject({
      peerAddress: '193.203.0.69',
      peerAs: 15737,
      oldState: 'Active',
      newState: 'Connect',
    });
    const first = r.lines.find(
      (l) => (l.message as { type?: string } | undefined)?.type === 'UPDATE',
    );
    expect(first).toMatchObject({ record: 'BGP4MP/MESSAGE', message: { type: 'UPDATE' } });
    expect(r.lines.some((l) => 'error' in l)).toBe(false);
  });

  it('reads a bzip2 BGP4MP_ET file with microsecond timestamps', async () => {
    const r = await run([join(corpusDir, 'bgpkit-parser/local_only-updates.bz2')]);
    expect(r.lines).toHaveLength(85);
    expect(r.lines[0]).toMatchObject({
      record: 'BGP4MP_ET/MESSAGE_AS4',
      message: { type: 'UPDATE' },
    });
    expect(typeof r.lines[0]!.microseconds).toBe('number');
    expect(r.lines.some((l) => 'error' in l)).toBe(false);
  });

  it('reports torn and short records as error lines and keeps going', async () => {
    const r = await run([join(corpusDir, 'bgpkit-parser/rrc01-updates.20001104.0124.gz')]);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(1286);
    const errors = r.lines.filter((l) => 'error' in l);
    expect(errors).toHaveLength(21);
    expect(errors[0]).toMatchObject({ error: { name: 'MRT_FORMAT_ERROR' }, fatal: false });
    const torn = await run([join(corpusDir, 'bgpkit-parser/rrc00-updates.20000325.0345.gz')]);
    expect(torn.lines.at(-1)).toMatchObject({ error: { name: 'MRT_FORMAT_ERROR' }, fatal: true });
  });

  it("decodes ADD-PATH RIB entries and flags BIRD's mislabelled ADD-PATH messages", async () => {
    const rib = await run([join(corpusDir, 'bgpdump/bview.ipv4_unicast_add_path.gz')]);
    expect(rib.lines[1]).toMatchObject({
      record: 'TABLE_DUMP_V2/RIB_IPV4_UNICAST_ADDPATH',
      prefix: '10.0.10.0/24',
      entries: [{ pathId: 36, attributes: { origin: 'igp' } }, { pathId: 38 }],
    });
    const bird = await run([join(corpusDir, 'mrtparse/bird_bgp')]);
    const guessed = bird.lines.filter((l) => l.addPathGuessed === true);
    expect(guessed).toHaveLength(6);
    expect(bird.lines.some((l) => 'error' in l)).toBe(false);
  });
});

if (!corpusAvailable) {
  describe('bgp-decode on corpus MRT files', () => {
    it.skip(`skipped: ${corpusMissing}`, () => {});
  });
}
