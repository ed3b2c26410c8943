/**
 * Golden bytes for every typed path attribute, checked both ways (decode the hand-built bytes,
 * encode the expected value). The bytes are written from the RFC layouts cited beside each case.
 */
import {
  AS4_CONTEXT,
  AttributeType,
  attributeDescriptors,
  attributeName,
  attributesForForwarding,
  type CodecContext,
  createContext,
  DEFAULT_CONTEXT,
  decodeAttributes,
  decodeExtendedCommunity,
  encodeAttributes,
  encodeExtendedCommunity,
  familyKey,
  findAttribute,
  makeCommunity,
  type PathAttribute,
  WellKnownCommunity,
  Writer,
  wellKnownCommunityName,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from './update-fixtures.js';

function enc(attrs: readonly PathAttribute[], ctx: CodecContext): string {
  const w = new Writer();
  encodeAttributes(attrs, ctx, w);
  return toHex(w.finish());
}

interface Golden {
  name: string;
  bytes: string;
  attr: PathAttribute;
  ctx?: CodecContext;
}

const ip = (a: number, b: number, c: number, d: number): Uint8Array => Uint8Array.of(a, b, c, d);

const goldens: Golden[] = [
  // RFC 4271 §4.3 (a): well-known transitive (0x40), type 1, length 1, EGP.
  { name: 'ORIGIN', bytes: '40 01 01 01', attr: { typeCode: 1, flags: 0x40, value: 1 } },
  // RFC 4271 §4.3 (b): one AS_SEQUENCE of two 2-octet ASNs.
  {
    name: 'AS_PATH 2-octet',
    bytes: '40 02 06 02 02 fd e8 00 64',
    attr: { typeCode: 2, flags: 0x40, value: [{ type: 2, asns: [65000, 100] }] },
  },
  // RFC 6793 §3: AS_PATH with 4-octet ASNs, a SEQUENCE then a SET.
  {
    name: 'AS_PATH 4-octet SEQUENCE + SET',
    bytes: '40 02 10 02 01 00 01 00 00 01 02 00 00 00 07 00 00 00 08',
    attr: {
      typeCode: 2,
      flags: 0x40,
      value: [
        { type: 2, asns: [65536] },
        { type: 1, asns: [7, 8] },
      ],
    },
    ctx: AS4_CONTEXT,
  },
  // RFC 5065 §3: confederation segments (3 = CONFED_SEQUENCE, 4 = CONFED_SET).
  {
    name: 'AS_PATH confederation segments',
    bytes: '40 02 0a 03 01 fd e9 04 02 fd ea fd eb',
    attr: {
      typeCode: 2,
      flags: 0x40,
      value: [
        { type: 3, asns: [65001] },
        { type: 4, asns: [65002, 65003] },
      ],
    },
  },
  // Empty AS_PATH (iBGP-originated), with the Extended Length bit on a zero-length value.
  {
    name: 'AS_PATH empty, ext-len',
    bytes: '50 02 00 00',
    attr: { typeCode: 2, flags: 0x50, value: [] },
  },
  // RFC 4271 §4.3 (c).
  {
    name: 'NEXT_HOP',
    bytes: '40 03 04 c0 00 02 01',
    attr: { typeCode: 3, flags: 0x40, value: ip(192, 0, 2, 1) },
  },
  // RFC 4271 §4.3 (d): optional non-transitive.
  {
    name: 'MULTI_EXIT_DISC',
    bytes: '80 04 04 00 00 01 00',
    attr: { typeCode: 4, flags: 0x80, value: 256 },
  },
  // RFC 4271 §4.3 (e).
  {
    name: 'LOCAL_PREF',
    bytes: '40 05 04 ff ff ff ff',
    attr: { typeCode: 5, flags: 0x40, value: 0xffffffff },
  },
  // RFC 4271 §4.3 (f): no value.
  { name: 'ATOMIC_AGGREGATE', bytes: '40 06 00', attr: { typeCode: 6, flags: 0x40, value: true } },
  // RFC 4271 §4.3 (g): 2-octet AS + IPv4 address.
  {
    name: 'AGGREGATOR 2-octet',
    bytes: 'c0 07 06 fd e8 0a 00 00 01',
    attr: { typeCode: 7, flags: 0xc0, value: { asn: 65000, address: ip(10, 0, 0, 1) } },
  },
  // RFC 6793 §3: 4-octet AS AGGREGATOR.
  {
    name: 'AGGREGATOR 4-octet',
    bytes: 'c0 07 08 00 01 00 00 0a 00 00 01',
    attr: { typeCode: 7, flags: 0xc0, value: { asn: 65536, address: ip(10, 0, 0, 1) } },
    ctx: AS4_CONTEXT,
  },
  // RFC 1997: 65000:100 and NO_EXPORT.
  {
    name: 'COMMUNITIES',
    bytes: 'c0 08 08 fd e8 00 64 ff ff ff 01',
    attr: {
      typeCode: 8,
      flags: 0xc0,
      value: [makeCommunity(65000, 100), WellKnownCommunity.NO_EXPORT],
    },
  },
  // RFC 4456 §8.
  {
    name: 'ORIGINATOR_ID',
    bytes: '80 09 04 01 02 03 04',
    attr: { typeCode: 9, flags: 0x80, value: 0x01020304 },
  },
  {
    name: 'CLUSTER_LIST',
    bytes: '80 0a 08 01 01 01 01 02 02 02 02',
    attr: { typeCode: 10, flags: 0x80, value: [0x01010101, 0x02020202] },
  },
  // RFC 4760 §3 + RFC 2545 §3: IPv6 unicast, 32-octet next hop (global + link-local), 2001:db8::/32.
  {
    name: 'MP_REACH_NLRI IPv6 global + link-local',
    bytes:
      '80 0e 2a 00 02 01 20 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02 00 20 20 01 0d b8',
    attr: {
      typeCode: 14,
      flags: 0x80,
      value: {
        afi: 2,
        safi: 1,
        nextHop: hex('20010db8000000000000000000000001'),
        linkLocalNextHop: hex('fe800000000000000000000000000002'),
        reserved: 0,
        nlri: [
          { prefix: { afi: 2, length: 32, address: hex('20010db8000000000000000000000000') } },
        ],
      },
    },
  },
  // RFC 8950 §3: IPv4 unicast NLRI with a 16-octet IPv6 next hop; 10.0.0.0/8.
  {
    name: 'MP_REACH_NLRI IPv4 NLRI, IPv6 next hop',
    bytes: '80 0e 17 00 01 01 10 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 00 08 0a',
    attr: {
      typeCode: 14,
      flags: 0x80,
      value: {
        afi: 1,
        safi: 1,
        nextHop: hex('20010db8000000000000000000000001'),
        reserved: 0,
        nlri: [{ prefix: { afi: 1, length: 8, address: ip(10, 0, 0, 0) } }],
      },
    },
  },
  // RFC 4760 §3 for a family kept raw (VPNv4, SAFI 128): next hop and NLRI bytes unchanged.
  {
    name: 'MP_REACH_NLRI VPNv4 raw',
    bytes: '80 0e 0b 00 01 80 04 0a 00 00 01 00 aa bb',
    attr: {
      typeCode: 14,
      flags: 0x80,
      value: {
        afi: 1,
        safi: 128,
        nextHop: ip(10, 0, 0, 1),
        reserved: 0,
        nlri: [],
        rawNlri: hex('aabb'),
      },
    },
  },
  // RFC 4760 §4: IPv6 withdraw of 2001:db8::/32.
  {
    name: 'MP_UNREACH_NLRI IPv6',
    bytes: '80 0f 08 00 02 01 20 20 01 0d b8',
    attr: {
      typeCode: 15,
      flags: 0x80,
      value: {
        afi: 2,
        safi: 1,
        withdrawn: [
          { prefix: { afi: 2, length: 32, address: hex('20010db8000000000000000000000000') } },
        ],
      },
    },
  },
  // RFC 4360 §4 / RFC 5668: RT 2-octet AS, RT IPv4, RO 4-octet AS, one raw (link bandwidth 0x40 0x04).
  {
    name: 'EXTENDED_COMMUNITIES',
    bytes:
      'c0 10 20 00 02 fd e8 00 00 00 64 01 02 c0 00 02 01 00 07 02 03 00 01 00 00 00 09 40 04 fd e8 49 98 96 80',
    attr: {
      typeCode: 16,
      flags: 0xc0,
      value: [
        { kind: 'route-target', form: 'as2', global: 65000, local: 100 },
        { kind: 'route-target', form: 'ipv4', global: 0xc0000201, local: 7 },
        { kind: 'route-origin', form: 'as4', global: 65536, local: 9 },
        { kind: 'raw', bytes: hex('4004fde849989680') },
      ],
    },
  },
  // RFC 6793 §3: AS4_PATH (always 4-octet) on a 2-octet session.
  {
    name: 'AS4_PATH',
    bytes: 'c0 11 0a 02 02 00 01 00 00 00 00 00 64',
    attr: { typeCode: 17, flags: 0xc0, value: [{ type: 2, asns: [65536, 100] }] },
  },
  {
    name: 'AS4_AGGREGATOR',
    bytes: 'c0 12 08 00 01 00 00 0a 00 00 01',
    attr: { typeCode: 18, flags: 0xc0, value: { asn: 65536, address: ip(10, 0, 0, 1) } },
  },
  // RFC 8092 §3.
  {
    name: 'LARGE_COMMUNITY',
    bytes: 'c0 20 0c 00 00 fd e8 00 00 00 01 00 00 00 02',
    attr: {
      typeCode: 32,
      flags: 0xc0,
      value: [{ globalAdmin: 65000, localData1: 1, localData2: 2 }],
    },
  },
  // RFC 9234 §5.
  { name: 'OTC', bytes: 'c0 23 04 00 00 fd e8', attr: { typeCode: 35, flags: 0xc0, value: 65000 } },
  // An unknown optional transitive attribute (type 200) keeps flags (Partial set) and bytes.
  {
    name: 'unknown optional transitive',
    bytes: 'e0 c8 03 01 02 03',
    attr: { typeCode: 200, flags: 0xe0, value: hex('010203'), raw: true },
  },
];

describe('path attribute golden bytes', () => {
  for (const g of goldens) {
    const ctx = g.ctx ?? DEFAULT_CONTEXT;
    it(`${g.name}: decodes`, () => {
      const { attributes, problems } = decodeAttributes(hex(g.bytes), ctx);
      expect(problems).toEqual([]);
      expect(attributes).toEqual([g.attr]);
    });
    it(`${g.name}: encodes`, () => {
      expect(enc([g.attr], ctx)).toBe(toHex(hex(g.bytes)));
    });
  }

  it('keeps the wire order of a whole attribute field, duplicates included', () => {
    const field = goldens
      .filter((g) => g.ctx === undefined)
      .map((g) => g.bytes)
      .join(' ');
    const { attributes, problems } = decodeAttributes(hex(field), DEFAULT_CONTEXT);
    // The table repeats AS_PATH, AGGREGATOR and MP_REACH/MP_UNREACH: RFC 7606 §3.g findings only.
    expect(problems.map((p) => [p.attributeType, p.action, p.error.subcode])).toEqual([
      [2, 'discard', 1],
      [2, 'discard', 1],
      [14, 'reset', 1],
      [14, 'reset', 1],
    ]);
    expect(enc(attributes, DEFAULT_CONTEXT)).toBe(toHex(hex(field)));
  });

  it('sets the Extended Length bit when a value outgrows one octet', () => {
    const communities = Array.from({ length: 70 }, (_, i) => i);
    const out = hex(enc([{ typeCode: 8, flags: 0xc0, value: communities }], DEFAULT_CONTEXT));
    expect(out[0]).toBe(0xd0);
    expect((out[2]! << 8) | out[3]!).toBe(280);
    expect(decodeAttributes(out, DEFAULT_CONTEXT).attributes[0]).toEqual({
      typeCode: 8,
      flags: 0xd0,
      value: communities,
    });
  });

  it('decodes ADD-PATH NLRI in MP_REACH_NLRI when the family negotiated it (RFC 7911 §3)', () => {
    const ctx = createContext({ addPath: new Set([familyKey(2, 1)]) });
    const bytes = hex(
      '80 0e 1e 00 02 01 10 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 07 20 20 01 0d b8',
    );
    const mp = findAttribute(decodeAttributes(bytes, ctx).attributes, AttributeType.MP_REACH_NLRI);
    expect(mp?.value.nlri).toEqual([
      {
        prefix: { afi: 2, length: 32, address: hex('20010db8000000000000000000000000') },
        pathId: 7,
      },
    ]);
    expect(enc([mp!], ctx)).toBe(toHex(bytes));
  });

  it('reads the abbreviated MP_REACH_NLRI of MRT RIB entries (RFC 6396 §4.3.4)', () => {
    const bytes = hex('80 0e 11 10 20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01');
    const { attributes, problems } = decodeAttributes(bytes, DEFAULT_CONTEXT, {
      mrtAbbreviatedMpReach: true,
    });
    expect(problems).toEqual([]);
    const mp = findAttribute(attributes, AttributeType.MP_REACH_NLRI);
    expect(mp?.value).toMatchObject({ afi: 2, abbreviated: true, nlri: [] });
    expect(toHex(mp!.value.nextHop)).toBe('20010db8000000000000000000000001');
    expect(enc(attributes, DEFAULT_CONTEXT)).toBe(toHex(bytes));
  });

  it('names well-known communities from the IANA registry', () => {
    expect(wellKnownCommunityName(0xffffff01)).toBe('NO_EXPORT');
    expect(wellKnownCommunityName(0xffff029a)).toBe('BLACKHOLE');
    expect(wellKnownCommunityName(makeCommunity(65000, 1))).toBeUndefined();
  });

  it('round-trips each typed extended community form alone', () => {
    for (const b of [
      '0002fde800000064',
      '0103c000020100ff',
      '0202000100000009',
      '0302000000000000',
    ]) {
      expect(toHex(encodeExtendedCommunity(decodeExtendedCommunity(hex(b))))).toBe(b);
    }
  });
});

describe('descriptor table', () => {
  it('names every typed attribute as the IANA registry does, with its RFC 7606 outcome', () => {
    const table = [...attributeDescriptors.values()].map((d) => [
      d.typeCode,
      d.name,
      d.flags,
      d.malformedAction,
    ]);
    for (const [code, name] of table) expect(attributeName(code as number)).toBe(name);
    expect(Object.fromEntries(table.map(([, name, , action]) => [name, action]))).toEqual({
      ORIGIN: 'withdraw',
      AS_PATH: 'withdraw',
      NEXT_HOP: 'withdraw',
      MULTI_EXIT_DISC: 'withdraw',
      LOCAL_PREF: 'withdraw',
      ATOMIC_AGGREGATE: 'discard',
      AGGREGATOR: 'discard',
      COMMUNITIES: 'withdraw',
      ORIGINATOR_ID: 'withdraw',
      CLUSTER_LIST: 'withdraw',
      MP_REACH_NLRI: 'reset',
      MP_UNREACH_NLRI: 'reset',
      EXTENDED_COMMUNITIES: 'withdraw',
      AS4_PATH: 'discard',
      AS4_AGGREGATOR: 'discard',
      LARGE_COMMUNITY: 'withdraw',
      OTC: 'withdraw',
    });
    expect(attributeName(250)).toBe('ATTR_250');
  });
});

describe('extended next hop (RFC 8950)', () => {
  // IPv6 unicast NLRI with a 4-octet (IPv4) next hop, as ExaBGP sends with "nexthop true".
  const bytes = hex(
    '80 0e 1a 00 02 01 04 aa aa aa aa 00 80 de ad be ef de ad be ef de ad be ef de ad be ef',
  );
  it('accepts an IPv4 next hop for IPv6 NLRI when the family negotiated it', () => {
    const ctx = createContext({ extendedNextHop: new Set([familyKey(2, 1)]) });
    const { attributes, problems } = decodeAttributes(bytes, ctx);
    expect(problems).toEqual([]);
    expect(findAttribute(attributes, AttributeType.MP_REACH_NLRI)?.value.nextHop).toEqual(
      Uint8Array.of(0xaa, 0xaa, 0xaa, 0xaa),
    );
    expect(enc(attributes, ctx)).toBe(toHex(bytes));
  });
  it('rejects it otherwise (RFC 7606 §7.11: session reset)', () => {
    const { problems } = decodeAttributes(bytes, DEFAULT_CONTEXT);
    expect(problems.map((p) => [p.action, p.error.subcode])).toEqual([['reset', 9]]);
  });
});

describe('forwarding unknown attributes (RFC 4271 §5)', () => {
  it('sets Partial on unknown optional transitive, drops unknown optional non-transitive and malformed', () => {
    const field = hex('40 01 01 00 c0 c8 01 aa 80 c9 01 bb 40 06 01 00');
    const { attributes, problems } = decodeAttributes(field, DEFAULT_CONTEXT);
    expect(problems.map((p) => [p.attributeType, p.action])).toEqual([[6, 'discard']]);
    const fwd = attributesForForwarding(attributes);
    expect(fwd.map((a) => [a.typeCode, a.flags])).toEqual([
      [1, 0x40],
      [200, 0xe0],
    ]);
    expect(enc(fwd, DEFAULT_CONTEXT)).toBe('40010100e0c801aa');
  });
});
