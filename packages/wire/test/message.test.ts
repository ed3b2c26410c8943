import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  type BgpError,
  type BgpMessage,
  checkHeader,
  createContext,
  createNotification,
  createOpen,
  DEFAULT_CONTEXT,
  decodeHeader,
  decodeKeepalive,
  decodeMessage,
  encodeMessage,
  encodeMessageTo,
  endOfRib,
  isBgpError,
  KEEPALIVE,
  keepaliveBytes,
  multiprotocol,
  Writer,
} from '../src/index.js';
import {
  hex,
  MARKER,
  notificationArb,
  plainOpenArb,
  routeRefreshArb,
  thrown,
  toHex,
} from './message-arbitraries.js';

const EXTENDED = createContext({ fourOctetAs: true, extendedMessage: true });

describe('KEEPALIVE (RFC 4271 §4.4)', () => {
  it('golden bytes both ways', () => {
    const bytes = hex(`${MARKER} 0013 04`);
    expect(decodeMessage(bytes, DEFAULT_CONTEXT)).toBe(KEEPALIVE);
    expect(toHex(encodeMessage(KEEPALIVE, DEFAULT_CONTEXT))).toBe(toHex(bytes));
    expect(toHex(keepaliveBytes())).toBe(toHex(bytes));
  });
  it('a KEEPALIVE with a body is 1/2', () => {
    const err = thrown(() => decodeMessage(hex(`${MARKER} 0014 04 00`), DEFAULT_CONTEXT));
    expect([err.code, err.subcode, toHex(err.data)]).toEqual([1, 2, '0014']);
    expect(thrown(() => decodeKeepalive(hex('00'))).subcode).toBe(2);
  });
});

describe('decodeMessage header checks (RFC 4271 §6.1)', () => {
  const cases: [string, string, [number, number], string][] = [
    ['bad marker', `${'ff'.repeat(8)}00${'ff'.repeat(7)} 0013 04`, [1, 1], ''],
    ['length under 19', `${MARKER} 0012 04`, [1, 2], '0012'],
    ['length over 4096', `${MARKER} 1001 02`, [1, 2], '1001'],
    ['unknown type 0', `${MARKER} 0013 00`, [1, 3], '00'],
    ['unknown type 6', `${MARKER} 0013 06`, [1, 3], '06'],
    [
      'length field disagrees with the bytes given',
      `${MARKER} 0017 05 0001 00 01 00`,
      [1, 2],
      '0017',
    ],
    ['OPEN of 28', `${MARKER} 001c 01 ${'00'.repeat(9)}`, [1, 2], '001c'],
    ['UPDATE of 22', `${MARKER} 0016 02 000000`, [1, 2], '0016'],
    ['NOTIFICATION of 20', `${MARKER} 0014 03 06`, [1, 2], '0014'],
    ['ROUTE-REFRESH of 22', `${MARKER} 0016 05 000100`, [1, 2], '0016'],
    ['fewer octets than a header', `${MARKER} 00`, [1, 2], '0011'],
  ];
  for (const [title, bytes, codes, data] of cases) {
    it(`${title} -> ${codes.join('/')}`, () => {
      const err = thrown(() => decodeMessage(hex(bytes), DEFAULT_CONTEXT));
      expect(err.name).toBe('MessageHeaderError');
      expect([err.code, err.subcode, toHex(err.data)]).toEqual([...codes, data]);
    });
  }
  it('decodeHeader and checkHeader apply the same rules', () => {
    expect(decodeHeader(hex(`${MARKER} 0017 05`))).toEqual({ length: 23, type: 5 });
    expect(thrown(() => checkHeader(4097, 3, 4096)).subcode).toBe(2);
    expect(() => checkHeader(4097, 3, 65535)).not.toThrow();
    expect(thrown(() => checkHeader(4097, 1, 65535)).subcode).toBe(2); // RFC 8654 §4: not for OPEN
    expect(thrown(() => checkHeader(20, 4, 65535)).subcode).toBe(2);
  });
});

describe('encodeMessage', () => {
  it('delegates UPDATE to the UPDATE codec (End-of-RIB)', () => {
    const bytes = hex(`${MARKER} 0017 02 0000 0000`);
    const msg = decodeMessage(bytes, AS4_CONTEXT);
    expect(msg.type).toBe('UPDATE');
    expect(toHex(encodeMessage(msg, AS4_CONTEXT))).toBe(toHex(bytes));
    expect(toHex(encodeMessage(endOfRib(1, 1), AS4_CONTEXT))).toBe(toHex(bytes));
  });
  it('refuses a message over the negotiated maximum with 1/2, and allows it once extended', () => {
    const big = createNotification(6, 0, new Uint8Array(5000));
    const err = thrown(() => encodeMessage(big, AS4_CONTEXT));
    expect([err.code, err.subcode, toHex(err.data)]).toEqual([1, 2, '139d']);
    const bytes = encodeMessage(big, EXTENDED);
    expect(bytes.length).toBe(5021);
    expect(decodeMessage(bytes, EXTENDED)).toStrictEqual(big);
    expect(thrown(() => decodeMessage(bytes, AS4_CONTEXT)).subcode).toBe(2);
  });
  it('never encodes an OPEN over 4096 octets, even with extended messages (RFC 8654 §4)', () => {
    const caps = Array.from({ length: 700 }, () => multiprotocol(1, 1));
    const open = createOpen({ asn: 65001, holdTime: 90, bgpIdentifier: 1, capabilities: caps });
    expect(thrown(() => encodeMessage(open, EXTENDED)).subcode).toBe(2);
  });
  it('encodeMessageTo batches messages and leaves the writer intact after a refusal', () => {
    const w = new Writer();
    encodeMessageTo(KEEPALIVE, AS4_CONTEXT, w);
    expect(() =>
      encodeMessageTo(createNotification(6, 0, new Uint8Array(5000)), AS4_CONTEXT, w),
    ).toThrow();
    encodeMessageTo(KEEPALIVE, AS4_CONTEXT, w);
    expect(toHex(w.finish())).toBe(toHex(keepaliveBytes()).repeat(2));
  });
});

const messageArb: fc.Arbitrary<BgpMessage> = fc.oneof(
  plainOpenArb,
  notificationArb,
  routeRefreshArb,
  fc.constant(KEEPALIVE),
);

describe('message properties', () => {
  it('property: decodeMessage(encodeMessage(x)) deep-equals x for non-UPDATE messages', () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        expect(decodeMessage(encodeMessage(m, AS4_CONTEXT), AS4_CONTEXT)).toStrictEqual(m);
      }),
    );
  });
  const framed = (types: fc.Arbitrary<number>) =>
    fc
      .tuple(types, fc.uint8Array({ maxLength: 120 }))
      .map(([type, body]) =>
        hex(
          `${MARKER}${(19 + body.length).toString(16).padStart(4, '0')}${type.toString(16).padStart(2, '0')}${toHex(body)}`,
        ),
      );
  const check = (bytes: Uint8Array, ctx = AS4_CONTEXT) => {
    try {
      decodeMessage(bytes, ctx);
    } catch (err) {
      if (!isBgpError(err)) throw err;
    }
  };
  it('property: arbitrary bytes into decodeMessage only ever throw a BgpError', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 60 }), framed(fc.nat(7))),
        fc.boolean(),
        (bytes, ext) => check(bytes, ext ? EXTENDED : AS4_CONTEXT),
      ),
    );
  });
  it('property: well-framed random OPEN/NOTIFICATION/KEEPALIVE/ROUTE-REFRESH bodies only ever throw a BgpError', () => {
    fc.assert(fc.property(framed(fc.constantFrom(1, 3, 4, 5)), (bytes) => check(bytes)));
  });
  it('property: well-framed random UPDATE bodies only ever throw a BgpError', () => {
    fc.assert(
      fc.property(framed(fc.constant(2)), fc.boolean(), (bytes, as4) =>
        check(bytes, as4 ? AS4_CONTEXT : DEFAULT_CONTEXT),
      ),
    );
  });
});
