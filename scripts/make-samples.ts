/**
 * Generates the samples that `npm start` (scripts/demo.mjs) decodes, with @bgp/wire's own
 * encoders:
 *   packages/wire/samples/session.hex    one BGP session, one message per line
 *   packages/wire/samples/table.mrt.gz   a small TABLE_DUMP_V2 dump (peer index + RIB records)
 *
 * Run: npx tsx scripts/make-samples.ts
 * The output is deterministic (fixed timestamps), so re-running it changes nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  AS4_CONTEXT,
  AttributeFlag,
  AttributeType,
  type BgpMessage,
  CeaseSubcode,
  type CodecContext,
  ceaseWithShutdownMessage,
  createOpen,
  createRouteRefresh,
  ENHANCED_ROUTE_REFRESH_CAPABILITY,
  encodeAttributes,
  encodeMessage,
  encodeMrtRecord,
  endOfRib,
  fourOctetAs,
  KEEPALIVE,
  MRT_RIB_CONTEXT,
  multiprotocol,
  type NlriEntry,
  type PathAttribute,
  parseAddress,
  parsePrefix,
  ROUTE_REFRESH_CAPABILITY,
  type UpdateMessage,
  Writer,
} from '@bgp/wire';

const out = (p: string): string =>
  fileURLToPath(new URL(`../packages/wire/samples/${p}`, import.meta.url));

const WK = AttributeFlag.TRANSITIVE;
const OPT_T = AttributeFlag.OPTIONAL | AttributeFlag.TRANSITIVE;
const OPT = AttributeFlag.OPTIONAL;

const community = (asn: number, value: number): number => ((asn << 16) | value) >>> 0;
const nlri = (...prefixes: string[]): NlriEntry[] =>
  prefixes.map((p) => ({ prefix: parsePrefix(p) }));
const asPath = (...asns: number[]): PathAttribute => ({
  typeCode: AttributeType.AS_PATH,
  flags: WK,
  value: [{ type: 2, asns }],
});

const LOCAL_AS = 4200000001;
const PEER_AS = 65001;

/** The session as seen from 192.0.2.1 (AS 4200000001) talking to 192.0.2.2 (AS 65001). */
function session(): BgpMessage[] {
  const capabilities = [
    multiprotocol(1, 1),
    multiprotocol(2, 1),
    ROUTE_REFRESH_CAPABILITY,
    ENHANCED_ROUTE_REFRESH_CAPABILITY,
    fourOctetAs(LOCAL_AS),
  ];
  const ipv4: UpdateMessage = {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      { typeCode: AttributeType.ORIGIN, flags: WK, value: 0 },
      asPath(PEER_AS, 64500, 64511),
      { typeCode: AttributeType.NEXT_HOP, flags: WK, value: parseAddress('192.0.2.2') },
      { typeCode: AttributeType.MULTI_EXIT_DISC, flags: OPT, value: 50 },
      {
        typeCode: AttributeType.COMMUNITIES,
        flags: OPT_T,
        value: [community(65001, 100), community(65001, 200)],
      },
      {
        typeCode: AttributeType.LARGE_COMMUNITY,
        flags: OPT_T,
        value: [{ globalAdmin: 65001, localData1: 200, localData2: 300 }],
      },
    ],
    nlri: nlri('198.51.100.0/24', '203.0.113.0/25', '203.0.113.128/25'),
  };
  const ipv6: UpdateMessage = {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        typeCode: AttributeType.MP_REACH_NLRI,
        flags: OPT,
        value: {
          afi: 2,
          safi: 1,
          nextHop: parseAddress('2001:db8::2'),
          linkLocalNextHop: parseAddress('fe80::2'),
          reserved: 0,
          nlri: nlri('2001:db8:100::/48', '2001:db8:200::/48'),
        },
      },
      { typeCode: AttributeType.ORIGIN, flags: WK, value: 0 },
      asPath(PEER_AS, 64500),
      { typeCode: AttributeType.COMMUNITIES, flags: OPT_T, value: [community(65001, 666)] },
    ],
    nlri: [],
  };
  const withdraw: UpdateMessage = {
    type: 'UPDATE',
    withdrawn: nlri('203.0.113.128/25'),
    attributes: [],
    nlri: [],
  };
  return [
    createOpen({ asn: LOCAL_AS, holdTime: 90, bgpIdentifier: 0xc0000201, capabilities }),
    createOpen({
      asn: PEER_AS,
      holdTime: 180,
      bgpIdentifier: 0xc0000202,
      capabilities: [...capabilities.slice(0, 4), fourOctetAs(PEER_AS)],
    }),
    KEEPALIVE,
    KEEPALIVE,
    ipv4,
    ipv6,
    endOfRib(1, 1),
    endOfRib(2, 1),
    withdraw,
    createRouteRefresh(1, 1),
    KEEPALIVE,
    ceaseWithShutdownMessage(
      CeaseSubcode.ADMINISTRATIVE_SHUTDOWN,
      'maintenance window, back at 06:00 UTC',
    ),
  ];
}

function sessionHex(ctx: CodecContext): string {
  const lines = [
    '# A BGP session from 192.0.2.1 (AS 4200000001) with 192.0.2.2 (AS 65001), both 4-octet AS',
    '# capable. One whole message per line, hex. Made by scripts/make-samples.ts with @bgp/wire.',
    '# Decode: bgp-decode --hex < session.hex',
  ];
  for (const m of session()) {
    lines.push(`# ${m.type}`);
    lines.push(Buffer.from(encodeMessage(m, ctx)).toString('hex'));
  }
  return `${lines.join('\n')}\n`;
}

function attributes(list: PathAttribute[]): Uint8Array {
  const w = new Writer();
  encodeAttributes(list, MRT_RIB_CONTEXT, w);
  return w.finish();
}

/** A collector's view of four routes from two peers (RFC 6396 TABLE_DUMP_V2). */
function table(): Uint8Array {
  const ts = 1700000000;
  const peers = [
    { bgpId: 0xc0000202, address: parseAddress('192.0.2.2'), asn: 65001, as4: true },
    { bgpId: 0xc0000203, address: parseAddress('2001:db8::3'), asn: 4200000003, as4: true },
  ];
  const v4 = (path: number[], nh: string, comms: number[]): Uint8Array =>
    attributes([
      { typeCode: AttributeType.ORIGIN, flags: WK, value: 0 },
      asPath(...path),
      { typeCode: AttributeType.NEXT_HOP, flags: WK, value: parseAddress(nh) },
      ...(comms.length > 0
        ? [{ typeCode: AttributeType.COMMUNITIES, flags: OPT_T, value: comms } as PathAttribute]
        : []),
    ]);
  const v6 = (path: number[], nh: string): Uint8Array =>
    attributes([
      { typeCode: AttributeType.ORIGIN, flags: WK, value: 0 },
      asPath(...path),
      {
        typeCode: AttributeType.MP_REACH_NLRI,
        flags: OPT,
        // RFC 6396 §4.3.4: in a RIB entry MP_REACH_NLRI holds only the next hop.
        value: {
          afi: 2,
          safi: 1,
          nextHop: parseAddress(nh),
          reserved: 0,
          nlri: [],
          abbreviated: true,
        },
      },
    ]);
  const rib = (
    sequence: number,
    prefix: string,
    entries: { peerIndex: number; attributes: Uint8Array }[],
  ) => {
    const p = parsePrefix(prefix);
    return encodeMrtRecord({
      kind: 'RIB',
      timestamp: ts,
      afi: p.afi,
      safi: 1,
      addPath: false,
      sequence,
      prefix: p,
      entries: entries.map((e) => ({ ...e, originatedTime: ts - 3600 })),
    });
  };
  const records = [
    encodeMrtRecord({
      kind: 'PEER_INDEX_TABLE',
      timestamp: ts,
      collectorBgpId: 0xc0000201,
      viewName: 'sample',
      peers,
    }),
    rib(0, '198.51.100.0/24', [
      { peerIndex: 0, attributes: v4([65001, 64500], '192.0.2.2', [community(65001, 100)]) },
      { peerIndex: 1, attributes: v4([4200000003, 64511, 64500], '192.0.2.3', []) },
    ]),
    rib(1, '203.0.113.0/25', [
      { peerIndex: 0, attributes: v4([65001, 64511], '192.0.2.2', [community(65001, 200)]) },
    ]),
    rib(2, '2001:db8:100::/48', [
      { peerIndex: 1, attributes: v6([4200000003, 64500], '2001:db8::3') },
    ]),
    rib(3, '2001:db8:200::/48', [
      { peerIndex: 0, attributes: v6([65001, 64500], '2001:db8::2') },
      { peerIndex: 1, attributes: v6([4200000003, 64500], '2001:db8::3') },
    ]),
  ];
  return Buffer.concat(records);
}

mkdirSync(out(''), { recursive: true });
writeFileSync(out('session.hex'), sessionHex(AS4_CONTEXT));
// mtime 0 and no file name in the gzip header, so the bytes do not change between runs.
writeFileSync(out('table.mrt.gz'), gzipSync(table(), { level: 9 }));
console.log(`wrote ${out('session.hex')} and ${out('table.mrt.gz')}`);
