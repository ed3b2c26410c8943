import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BgpError,
  CAPABILITY_DESCRIPTORS,
  type Capability,
  CapabilityCode,
  capabilityName,
  capabilityReader,
  decodeCapability,
  encodeCapability,
  findCapability,
  isBgpError,
  KNOWN_CAPABILITY_CODES,
  multiprotocol,
  Writer,
} from '../src/index.js';
import { capabilityArb, capabilityArbitraries, hex, thrown, toHex } from './message-arbitraries.js';

function decode(bytes: Uint8Array): Capability {
  const r = capabilityReader(bytes);
  const c = decodeCapability(r);
  expect(r.done).toBe(true);
  return c;
}

function encode(c: Capability): Uint8Array {
  const w = new Writer(8);
  encodeCapability(c, w);
  return w.finish();
}

/** Golden TLVs laid out by hand from each RFC's figure, with the value they must decode to. */
const golden: [string, string, Capability][] = [
  ['multiprotocol IPv4 unicast (RFC 4760 §8)', '01 04 0001 00 01', multiprotocol(1, 1)],
  [
    'multiprotocol with a non-zero reserved octet kept',
    '01 04 0002 7f 80',
    { code: 1, name: 'MULTIPROTOCOL', afi: 2, safi: 128, reserved: 0x7f },
  ],
  ['route refresh (RFC 2918 §2)', '02 00', { code: 2, name: 'ROUTE_REFRESH' }],
  ['pre-standard route refresh (Cisco 128)', '80 00', { code: 128, name: 'ROUTE_REFRESH_OLD' }],
  ['extended message (RFC 8654 §3)', '06 00', { code: 6, name: 'EXTENDED_MESSAGE' }],
  ['enhanced route refresh (RFC 7313 §3.1)', '46 00', { code: 70, name: 'ENHANCED_ROUTE_REFRESH' }],
  [
    'extended next hop (RFC 8950 §3)',
    '05 0c 0001 0001 0002 0001 0080 0002',
    {
      code: 5,
      name: 'EXTENDED_NEXT_HOP',
      entries: [
        { afi: 1, safi: 1, nextHopAfi: 2 },
        { afi: 1, safi: 128, nextHopAfi: 2 },
      ],
    },
  ],
  ['BGP role customer (RFC 9234 §4.1)', '09 01 03', { code: 9, name: 'BGP_ROLE', role: 3 }],
  [
    'graceful restart with R and N bits (RFC 4724 §3, RFC 8538 §2)',
    '40 0a c078 0001 01 80 0002 01 00',
    {
      code: 64,
      name: 'GRACEFUL_RESTART',
      restartState: true,
      notification: true,
      restartTime: 120,
      families: [
        { afi: 1, safi: 1, forwardingState: true },
        { afi: 2, safi: 1, forwardingState: false },
      ],
    },
  ],
  [
    'graceful restart, helper only, reserved bits kept',
    '40 06 3fff 0001 01 41',
    {
      code: 64,
      name: 'GRACEFUL_RESTART',
      restartState: false,
      notification: false,
      restartTime: 4095,
      reservedFlags: 3,
      families: [{ afi: 1, safi: 1, forwardingState: false, reservedFlags: 0x41 }],
    },
  ],
  [
    '4-octet AS 65536 (RFC 6793 §3)',
    '41 04 00010000',
    { code: 65, name: 'FOUR_OCTET_AS', asn: 65536 },
  ],
  [
    'ADD-PATH (RFC 7911 §4)',
    '45 08 0001 01 03 0002 01 01',
    {
      code: 69,
      name: 'ADD_PATH',
      families: [
        { afi: 1, safi: 1, mode: 3 },
        { afi: 2, safi: 1, mode: 1 },
      ],
    },
  ],
  [
    'long-lived graceful restart (RFC 9494)',
    '47 0e 0001 01 80 000e10 0002 80 00 ffffff',
    {
      code: 71,
      name: 'LONG_LIVED_GRACEFUL_RESTART',
      families: [
        { afi: 1, safi: 1, forwardingState: true, staleTime: 3600 },
        { afi: 2, safi: 128, forwardingState: false, staleTime: 0xffffff },
      ],
    },
  ],
  [
    'FQDN (draft-walton-bgp-hostname-capability)',
    '49 0a 02 7231 06 65782e636f6d',
    { code: 73, name: 'FQDN', hostname: 'r1', domainName: 'ex.com' },
  ],
  [
    'unknown code 75 kept raw',
    '4b 03 02 4142',
    { code: 75, name: 'UNKNOWN', value: Uint8Array.of(2, 0x41, 0x42) },
  ],
];

describe('capability golden bytes', () => {
  for (const [title, bytes, value] of golden) {
    it(`${title}: decodes and encodes`, () => {
      expect(decode(hex(bytes))).toStrictEqual(value);
      expect(toHex(encode(value))).toBe(
        hex(bytes).reduce((s, b) => s + b.toString(16).padStart(2, '0'), ''),
      );
    });
  }
  it('the table covers every capability kind named in the contract', () => {
    expect([...KNOWN_CAPABILITY_CODES].sort((a, b) => a - b)).toEqual([
      1, 2, 5, 6, 9, 64, 65, 69, 70, 71, 73, 128,
    ]);
    for (const [code, d] of CAPABILITY_DESCRIPTORS) {
      expect(d.code).toBe(code);
      expect(capabilityName(code)).toBe(d.name);
    }
    expect(capabilityName(200)).toBe('CODE_200');
  });
  it('findCapability narrows by name', () => {
    const caps = [decode(hex('01 04 0001 00 01')), decode(hex('41 04 00010000'))];
    expect(findCapability(caps, 'FOUR_OCTET_AS')?.asn).toBe(65536);
    expect(findCapability(caps, 'ADD_PATH')).toBeUndefined();
  });
});

describe('malformed capabilities', () => {
  const bad: [string, string][] = [
    ['multiprotocol of length 3', '01 03 0001 00'],
    ['route refresh with a value', '02 01 00'],
    ['extended message with a value', '06 02 0000'],
    ['enhanced route refresh with a value', '46 01 00'],
    ['pre-standard route refresh with a value', '80 01 00'],
    ['extended next hop not a multiple of 6', '05 05 0001 0001 00'],
    ['BGP role of length 0', '09 00'],
    ['BGP role of length 2', '09 02 0303'],
    ['graceful restart of length 1', '40 01 c0'],
    ['graceful restart with a partial family', '40 05 c078 000101'],
    ['4-octet AS of length 2', '41 02 fde9'],
    ['ADD-PATH not a multiple of 4', '45 05 0001 01 03 00'],
    ['long-lived GR not a multiple of 7', '47 08 0001 01 80 000e10 00'],
    ['FQDN hostname overruns', '49 03 05 6162'],
    ['FQDN with trailing octets', '49 04 01 61 00 ff'],
    ['FQDN with invalid UTF-8', '49 03 01 ff 00'],
    ['FQDN without a domain length', '49 02 01 61'],
  ];
  for (const [title, bytes] of bad) {
    it(`${title} is OPEN Message Error 2/0 with the TLV as data`, () => {
      const err = thrown(() => decode(hex(bytes)));
      expect(err.name).toBe('OpenMessageError');
      expect([err.code, err.subcode]).toEqual([2, 0]);
      expect(toHex(err.data)).toBe(toHex(hex(bytes)));
    });
  }
  it('a TLV cut short is 2/0', () => {
    for (const bytes of ['', '01', '01 04 0001']) {
      const err = thrown(() => decodeCapability(capabilityReader(hex(bytes))));
      expect([err.code, err.subcode]).toEqual([2, 0]);
    }
  });
  it('encoding a value over 255 octets is a RangeError (caller error, not wire input)', () => {
    const many = { code: 99, name: 'UNKNOWN' as const, value: new Uint8Array(256) };
    expect(() => encode(many)).toThrow(RangeError);
    expect(() =>
      encode({ code: 73, name: 'FQDN', hostname: 'x'.repeat(256), domainName: '' }),
    ).toThrow(RangeError);
  });
});

describe('capability properties', () => {
  for (const [kind, arb] of Object.entries(capabilityArbitraries)) {
    it(`property: ${kind} decode(encode(x)) deep-equals x`, () => {
      fc.assert(
        fc.property(arb, (c) => {
          expect(decode(encode(c))).toStrictEqual(c);
        }),
      );
    });
  }
  it('property: decode then encode reproduces any well-formed TLV byte for byte', () => {
    fc.assert(
      fc.property(capabilityArb, (c) => {
        const bytes = encode(c);
        expect(toHex(encode(decode(bytes)))).toBe(toHex(bytes));
      }),
    );
  });
  it('property: any value under a known code decodes or throws 2/0, never anything else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KNOWN_CAPABILITY_CODES),
        fc.uint8Array({ maxLength: 40 }),
        (code, value) => {
          const tlv = new Uint8Array([code, value.length, ...value]);
          try {
            const c = decode(tlv);
            expect(c.code).toBe(code);
            expect(toHex(encode(c))).toBe(toHex(tlv));
          } catch (err) {
            expect(isBgpError(err)).toBe(true);
            expect([(err as BgpError).code, (err as BgpError).subcode]).toEqual([2, 0]);
          }
        },
      ),
    );
  });
  it('codes stay those of IANA', () => {
    expect(CapabilityCode.FQDN).toBe(73);
    expect(CapabilityCode.LONG_LIVED_GRACEFUL_RESTART).toBe(71);
  });
});
