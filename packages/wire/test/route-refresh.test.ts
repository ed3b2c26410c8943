import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  type BgpError,
  createRouteRefresh,
  decodeMessage,
  decodeRouteRefresh,
  encodeMessage,
  encodeRouteRefresh,
  isBgpError,
  type RouteRefreshMessage,
  RouteRefreshSubtype,
  Writer,
} from '../src/index.js';
import { hex, MARKER, routeRefreshArb, thrown, toHex } from './message-arbitraries.js';

function body(m: RouteRefreshMessage): Uint8Array {
  const w = new Writer();
  encodeRouteRefresh(m, w);
  return w.finish();
}

describe('ROUTE-REFRESH golden bytes', () => {
  const golden: [string, string, RouteRefreshMessage][] = [
    [
      'normal request IPv4 unicast (RFC 2918 §3)',
      `${MARKER} 0017 05 0001 00 01`,
      createRouteRefresh(1, 1),
    ],
    [
      'BoRR IPv4 unicast (RFC 7313 §3.2)',
      `${MARKER} 0017 05 0001 01 01`,
      createRouteRefresh(1, 1, RouteRefreshSubtype.BORR),
    ],
    [
      'EoRR IPv6 unicast (RFC 7313 §3.2)',
      `${MARKER} 0017 05 0002 02 01`,
      createRouteRefresh(2, 1, RouteRefreshSubtype.EORR),
    ],
    [
      'unassigned subtype 7 decodes (RFC 7313 §5: the session ignores it)',
      `${MARKER} 0017 05 0001 07 80`,
      createRouteRefresh(1, 128, 7),
    ],
    [
      'ORF prefix-list entries kept raw (RFC 5291 §4, packetlife capture)',
      `${MARKER} 002e 05 0001 00 01 01 80 0013 2000000005181815010100000000000a002000`,
      {
        type: 'ROUTE-REFRESH',
        afi: 1,
        safi: 1,
        subtype: 0,
        entries: hex('01 80 0013 2000000005181815010100000000000a002000'),
      },
    ],
  ];
  for (const [title, bytes, value] of golden) {
    it(title, () => {
      expect(decodeMessage(hex(bytes), AS4_CONTEXT)).toStrictEqual(value);
      expect(toHex(encodeMessage(value, AS4_CONTEXT))).toBe(toHex(hex(bytes)));
    });
  }
});

describe('ROUTE-REFRESH errors', () => {
  it('BoRR or EoRR longer than 23 octets is 7/1 with the whole message as data (RFC 7313 §5)', () => {
    for (const subtype of ['01', '02']) {
      const bytes = hex(`${MARKER} 0018 05 0001 ${subtype} 01 00`);
      const err = thrown(() => decodeMessage(bytes, AS4_CONTEXT));
      expect(err.name).toBe('RouteRefreshMessageError');
      expect([err.code, err.subcode]).toEqual([7, 1]);
      expect(toHex(err.data)).toBe(toHex(bytes));
      // Called on the body alone, the message is rebuilt for the data field.
      expect(toHex(thrown(() => decodeRouteRefresh(bytes.subarray(19))).data)).toBe(toHex(bytes));
    }
  });
  it('shorter than 23 octets is 1/2 (header) and a short body is 1/2 too', () => {
    const err = thrown(() => decodeMessage(hex(`${MARKER} 0016 05 0001 00`), AS4_CONTEXT));
    expect([err.code, err.subcode, toHex(err.data)]).toEqual([1, 2, '0016']);
    expect([
      thrown(() => decodeRouteRefresh(hex('0001 00'))).code,
      thrown(() => decodeRouteRefresh(hex('0001 00'))).subcode,
    ]).toEqual([1, 2]);
  });
});

describe('ROUTE-REFRESH properties', () => {
  it('property: decode(encode(x)) deep-equals x', () => {
    fc.assert(
      fc.property(routeRefreshArb, (m) => {
        expect(decodeRouteRefresh(body(m))).toStrictEqual(m);
        expect(decodeMessage(encodeMessage(m, AS4_CONTEXT), AS4_CONTEXT)).toStrictEqual(m);
      }),
    );
  });
  it('property: arbitrary bodies decode or throw 7/1 or 1/2', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          const m = decodeRouteRefresh(bytes);
          expect(toHex(body(m))).toBe(toHex(bytes));
        } catch (err) {
          expect(isBgpError(err)).toBe(true);
          expect([
            [7, 1],
            [1, 2],
          ]).toContainEqual([(err as BgpError).code, (err as BgpError).subcode]);
        }
      }),
    );
  });
});
