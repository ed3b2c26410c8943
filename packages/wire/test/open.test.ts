import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AS_TRANS,
  AS4_CONTEXT,
  type BgpError,
  checkBgpIdentifier,
  checkHoldTime,
  checkOptionalParameters,
  checkPeerAs,
  createOpen,
  decodeMessage,
  decodeOpen,
  encodeMessage,
  encodeOpen,
  fourOctetAs,
  isBgpError,
  multiprotocol,
  type OpenMessage,
  openAsn,
  ROUTE_REFRESH_CAPABILITY,
  unsupportedCapabilityError,
  Writer,
} from '../src/index.js';
import { corpusAvailable, corpusFiles, corpusMissing, readListing } from './corpus-listing.js';
import { hex, laidOutOpenArb, MARKER, plainOpenArb, thrown, toHex } from './message-arbitraries.js';

function encodeBody(open: OpenMessage): Uint8Array {
  const w = new Writer();
  encodeOpen(open, w);
  return w.finish();
}

// RFC 4271 §4.2 fixed fields, then one Capabilities parameter (RFC 5492 §4) of 14 octets:
// MP IPv4/unicast, route refresh, 4-octet AS 65001.
const CLASSIC = `${MARKER} 002d 01 04 fde9 00b4 c0000201 10 02 0e 010400010001 0200 41040000fde9`;
const CLASSIC_VALUE: OpenMessage = {
  type: 'OPEN',
  version: 4,
  myAutonomousSystem: 65001,
  holdTime: 180,
  bgpIdentifier: 0xc0000201,
  capabilities: [multiprotocol(1, 1), ROUTE_REFRESH_CAPABILITY, fourOctetAs(65001)],
};
// RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, Extended Opt. Parm. Length 17, then a
// Capabilities parameter with a 2-octet length of 14. ASN 4200000000 with AS_TRANS in the field.
const EXTENDED = `${MARKER} 0031 01 04 5ba0 005a 0a000001 ff ff 0011 02 000e 010400010001 0200 41 04 fa56ea00`;

describe('OPEN golden bytes', () => {
  it('decodes and re-encodes a classic OPEN (RFC 4271 §4.2, RFC 5492 §4)', () => {
    const msg = decodeMessage(hex(CLASSIC), AS4_CONTEXT);
    expect(msg).toStrictEqual(CLASSIC_VALUE);
    expect(toHex(encodeMessage(CLASSIC_VALUE, AS4_CONTEXT))).toBe(toHex(hex(CLASSIC)));
    expect(openAsn(CLASSIC_VALUE)).toBe(65001);
  });
  it('decodes and re-encodes the RFC 9072 extended form even when it was not needed', () => {
    const msg = decodeMessage(hex(EXTENDED), AS4_CONTEXT) as OpenMessage;
    expect(msg.myAutonomousSystem).toBe(AS_TRANS);
    expect(openAsn(msg)).toBe(4200000000);
    expect(msg.layout).toStrictEqual({
      extended: true,
      parameters: [{ kind: 'capabilities', count: 3 }],
    });
    expect(toHex(encodeMessage(msg, AS4_CONTEXT))).toBe(toHex(hex(EXTENDED)));
  });
  it('keeps one-capability-per-parameter grouping (Cisco style)', () => {
    const bytes = hex(`04 fde9 00b4 c0000201 0e 02 06 010400010001 02 02 0200 02 00`);
    const open = decodeOpen(bytes);
    expect(open.capabilities).toHaveLength(2);
    expect(open.layout).toStrictEqual({
      extended: false,
      parameters: [
        { kind: 'capabilities', count: 1 },
        { kind: 'capabilities', count: 1 },
        { kind: 'capabilities', count: 0 },
      ],
    });
    expect(toHex(encodeBody(open))).toBe(toHex(bytes));
  });
  it('keeps a non-capability optional parameter raw, and checkOptionalParameters rejects it with 2/4', () => {
    const bytes = hex(`04 fde9 00b4 c0000201 0a 01 02 aabb 02 04 0200 4600`);
    const open = decodeOpen(bytes);
    expect(open.layout?.parameters[0]).toStrictEqual({ kind: 'raw', type: 1, value: hex('aabb') });
    expect(toHex(encodeBody(open))).toBe(toHex(bytes));
    const err = thrown(() => checkOptionalParameters(open));
    expect([err.code, err.subcode]).toEqual([2, 4]);
    expect(() => checkOptionalParameters(CLASSIC_VALUE)).not.toThrow();
  });
  it('an OPEN without optional parameters', () => {
    const bytes = hex(`04 0001 0000 01020304 00`);
    const open = decodeOpen(bytes);
    expect(open).toStrictEqual({
      type: 'OPEN',
      version: 4,
      myAutonomousSystem: 1,
      holdTime: 0,
      bgpIdentifier: 0x01020304,
      capabilities: [],
    });
    expect(toHex(encodeBody(open))).toBe(toHex(bytes));
  });
  it('uses the RFC 9072 form by default only when capabilities exceed 255 octets', () => {
    const small = createOpen({
      asn: 65001,
      holdTime: 90,
      bgpIdentifier: 1,
      capabilities: Array(40).fill(multiprotocol(1, 1)),
    });
    const smallBytes = encodeBody(small);
    expect(smallBytes[9]).toBe(2 + 40 * 6); // classic: one parameter of 240 octets
    const big = { ...small, capabilities: Array(50).fill(multiprotocol(1, 1)) };
    const bigBytes = encodeBody(big);
    expect(toHex(bigBytes.subarray(9, 16))).toBe('ffff012f02012c'); // 255, 255, 303, type 2, length 300
    expect(decodeOpen(bigBytes)).toStrictEqual(big);
    expect(decodeOpen(smallBytes)).toStrictEqual(small);
  });
  it('an explicit classic layout that does not fit is a RangeError', () => {
    const open: OpenMessage = {
      ...createOpen({
        asn: 1,
        holdTime: 90,
        bgpIdentifier: 1,
        capabilities: Array(50).fill(multiprotocol(1, 1)),
      }),
      layout: { extended: false, parameters: [{ kind: 'capabilities', count: 50 }] },
    };
    expect(() => encodeBody(open)).toThrow(RangeError);
  });
  it('ignores a layout whose counts do not match the capabilities', () => {
    const open: OpenMessage = {
      ...CLASSIC_VALUE,
      layout: { extended: true, parameters: [{ kind: 'capabilities', count: 1 }] },
    };
    expect(toHex(encodeBody(open))).toBe(toHex(hex(CLASSIC).subarray(19)));
  });
});

describe('OPEN errors', () => {
  const cases: [string, string, [number, number], string?][] = [
    [
      'version 3 (RFC 4271 §6.2: data = 2-octet version)',
      '03 fde9 00b4 c0000201 00',
      [2, 1],
      '0004',
    ],
    ['version 5', '05 fde9 00b4 c0000201 00', [2, 1], '0004'],
    ['Opt Parm Len past the end', '04 fde9 00b4 c0000201 08 02 02 0200', [2, 0]],
    ['octets after the optional parameters', '04 fde9 00b4 c0000201 04 02 02 0200 00', [2, 0]],
    ['parameter length past Opt Parm Len', '04 fde9 00b4 c0000201 04 02 05 0200', [2, 0]],
    ['parameter header cut short', '04 fde9 00b4 c0000201 01 02', [2, 0]],
    ['capability overruns its parameter', '04 fde9 00b4 c0000201 04 02 02 0204', [2, 0]],
    ['capability header cut short', '04 fde9 00b4 c0000201 03 02 01 02', [2, 0]],
    [
      'extended marker with Opt Parm Len not 255 (RFC 9072 §2)',
      '04 fde9 00b4 c0000201 05 ff 0002 0200',
      [2, 0],
    ],
    ['extended length past the end', '04 fde9 00b4 c0000201 ff ff 0009 02 0002 0200', [2, 0]],
    ['extended length short of the end', '04 fde9 00b4 c0000201 ff ff 0003 02 0002 0200', [2, 0]],
    [
      'extended parameter length past its region',
      '04 fde9 00b4 c0000201 ff ff 0005 02 0009 0200',
      [2, 0],
    ],
    [
      'malformed graceful restart inside',
      '04 fde9 00b4 c0000201 05 02 03 40 01 c0',
      [2, 0],
      '4001c0',
    ],
    ['fixed fields cut short (1/2, data = length 27)', '04 fde9 00b4 c00002', [1, 2], '001b'],
  ];
  for (const [title, body, codes, data] of cases) {
    it(`${title} -> ${codes.join('/')}`, () => {
      const err = thrown(() => decodeOpen(hex(body)));
      expect([err.code, err.subcode]).toEqual(codes);
      if (data !== undefined) expect(toHex(err.data)).toBe(data);
    });
  }
  it('an OPEN of length 28 is 1/2 at the header', () => {
    const err = thrown(() =>
      decodeMessage(hex(`${MARKER} 001c 01 04 fde9 00b4 c0000201`), AS4_CONTEXT),
    );
    expect([err.code, err.subcode, toHex(err.data)]).toEqual([1, 2, '001c']);
  });
  it('corpus OPENs marked malformed give 2/x errors', () => {
    // tcpdump's bgp_capabilities_print-oobr-1: version 0xff.
    const bytes = hex(
      'ffffffffffffffffffffffffffffffff003b01fffff810e4900820041d000002084000000041040000000202020202e80302070400080080004000',
    );
    const err = thrown(() => decodeMessage(bytes, AS4_CONTEXT));
    expect([err.code, err.subcode]).toEqual([2, 1]);
  });
});

describe('OPEN validators (for the session)', () => {
  it('checkHoldTime rejects 1 and 2 with 2/6 (RFC 4271 §6.2) and honours a local minimum', () => {
    for (const h of [1, 2])
      expect([thrown(() => checkHoldTime(h)).code, thrown(() => checkHoldTime(h)).subcode]).toEqual(
        [2, 6],
      );
    for (const h of [0, 3, 180, 65535]) expect(() => checkHoldTime(h)).not.toThrow();
    expect(thrown(() => checkHoldTime(5, 10)).subcode).toBe(6);
    expect(() => checkHoldTime(0, 10)).not.toThrow();
  });
  it('checkBgpIdentifier rejects zero and an internal peer using our identifier with 2/3', () => {
    expect(thrown(() => checkBgpIdentifier(0)).subcode).toBe(3);
    expect(
      thrown(() => checkBgpIdentifier(0xc0000201, { bgpIdentifier: 0xc0000201, internal: true }))
        .subcode,
    ).toBe(3);
    expect(() =>
      checkBgpIdentifier(0xc0000201, { bgpIdentifier: 0xc0000201, internal: false }),
    ).not.toThrow();
    expect(() => checkBgpIdentifier(0xffffffff)).not.toThrow();
  });
  it('checkPeerAs uses the 4-octet capability and rejects AS_TRANS in it (RFC 6793 §4.1) with 2/2', () => {
    const open = createOpen({
      asn: 4200000000,
      holdTime: 90,
      bgpIdentifier: 1,
      capabilities: [fourOctetAs(4200000000)],
    });
    expect(open.myAutonomousSystem).toBe(AS_TRANS);
    expect(() => checkPeerAs(open, 4200000000)).not.toThrow();
    expect(thrown(() => checkPeerAs(open, 65001)).subcode).toBe(2);
    const trans = createOpen({
      asn: AS_TRANS,
      holdTime: 90,
      bgpIdentifier: 1,
      capabilities: [fourOctetAs(AS_TRANS)],
    });
    expect(thrown(() => checkPeerAs(trans, AS_TRANS)).subcode).toBe(2);
    expect(openAsn(createOpen({ asn: 65001, holdTime: 90, bgpIdentifier: 1 }))).toBe(65001);
  });
  it('unsupportedCapabilityError is 2/7 with the capability TLVs as data (RFC 5492 §5)', () => {
    const err = unsupportedCapabilityError([multiprotocol(2, 1), ROUTE_REFRESH_CAPABILITY]);
    expect([err.code, err.subcode, toHex(err.data)]).toEqual([2, 7, '0104000200010200']);
  });
});

describe('OPEN properties', () => {
  it('property: decode(encode(x)) deep-equals x for OPENs without a layout', () => {
    fc.assert(
      fc.property(plainOpenArb, (open) => {
        expect(decodeOpen(encodeBody(open))).toStrictEqual(open);
      }),
    );
  });
  it('property: decode(encode(x)) deep-equals x for OPENs with any parameter layout', () => {
    fc.assert(
      fc.property(laidOutOpenArb, (open) => {
        let bytes: Uint8Array;
        try {
          bytes = encodeBody(open);
        } catch (err) {
          // Only an explicit classic layout over 255 octets may refuse to encode.
          expect(err).toBeInstanceOf(RangeError);
          expect(open.layout?.extended).toBe(false);
          return;
        }
        const back = decodeOpen(bytes);
        // A layout equal to the default is left out by the decoder.
        const expected = back.layout === undefined ? { ...open, layout: undefined } : open;
        expect({ ...back, layout: back.layout }).toStrictEqual({
          ...expected,
          layout: expected.layout,
        });
        expect(toHex(encodeBody(back))).toBe(toHex(bytes));
        if (back.layout === undefined)
          expect(toHex(encodeBody({ ...open, layout: undefined }))).toBe(toHex(bytes));
      }),
    );
  });
  it('property: arbitrary OPEN bodies decode or throw a BgpError, and what decodes re-encodes exactly', () => {
    const tail = fc.uint8Array({ maxLength: 80 });
    const body = fc.oneof(
      tail.map((t) => new Uint8Array([4, 0xfd, 0xe9, 0, 180, 1, 2, 3, 4, t.length, ...t])),
      tail.map(
        (t) =>
          new Uint8Array([
            4,
            0xfd,
            0xe9,
            0,
            180,
            1,
            2,
            3,
            4,
            255,
            255,
            t.length >> 8,
            t.length & 0xff,
            ...t,
          ]),
      ),
      fc.uint8Array({ maxLength: 100 }),
    );
    fc.assert(
      fc.property(body, (bytes) => {
        let open: OpenMessage;
        try {
          open = decodeOpen(bytes);
        } catch (err) {
          expect(isBgpError(err)).toBe(true);
          return;
        }
        expect(toHex(encodeBody(open))).toBe(toHex(bytes));
      }),
    );
  });
});

describe.skipIf(!corpusAvailable)(
  `OPENs of the corpus (${corpusAvailable ? 'present' : corpusMissing})`,
  () => {
    const opens = corpusFiles()
      .filter((f) => f.endsWith('.hex'))
      .flatMap(readListing)
      .filter(
        (e) =>
          /\btype=OPEN\b/.test(e.comments.join(' ')) &&
          (e.status === 'ok' || e.status === undefined),
      );
    it('has OPENs to test', () => {
      expect(opens.length).toBeGreaterThan(200);
    });
    it('every OPEN with status ok decodes and re-encodes byte for byte', () => {
      let extended = 0;
      for (const e of opens) {
        const msg = decodeMessage(e.bytes, AS4_CONTEXT) as OpenMessage;
        expect(msg.type, `${e.file}:${e.line}`).toBe('OPEN');
        expect(toHex(encodeMessage(msg, AS4_CONTEXT)), `${e.file}:${e.line}`).toBe(toHex(e.bytes));
        if (msg.layout?.extended) extended++;
      }
      expect(extended).toBeGreaterThan(0); // tcpdump's RFC 9072 capture
    });
  },
);
