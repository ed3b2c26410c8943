/**
 * The allocation-free prefix walk: what it visits, in which order, and the errors it raises.
 */
import {
  createContext,
  DEFAULT_CONTEXT,
  familyKey,
  isBgpError,
  walkUpdatePrefixes,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { hex } from './update-fixtures.js';

type Visit = [string, number, number, string, number | undefined];

function walk(body: Uint8Array, ctx = DEFAULT_CONTEXT): Visit[] {
  const out: Visit[] = [];
  const n = walkUpdatePrefixes(body, ctx, (kind, afi, length, bytes, offset, pathId) => {
    const octets = Buffer.from(bytes.subarray(offset, offset + ((length + 7) >> 3))).toString(
      'hex',
    );
    out.push([kind, afi, length, octets, pathId]);
  });
  expect(n).toBe(out.length);
  return out;
}

function errorOf(run: () => unknown): [number, number] | undefined {
  try {
    run();
  } catch (err) {
    if (!isBgpError(err)) throw err;
    return [err.code, err.subcode];
  }
  return undefined;
}

const IPV6_NH = '20010db8000000000000000000000001';

describe('walkUpdatePrefixes', () => {
  it('visits withdrawn, MP_UNREACH, MP_REACH and NLRI prefixes in wire order', () => {
    const body = hex(
      `0004 180a0102 0038 40010100 400200 ` +
        `800f08 000201 20 20010db8 ` +
        `800e1c 000201 10 ${IPV6_NH} 00 30 20010db80001 ` +
        `400304c0000201 ` +
        `10ac10 00`,
    );
    expect(walk(body)).toEqual([
      ['withdraw', 1, 24, '0a0102', undefined],
      ['withdraw', 2, 32, '20010db8', undefined],
      ['announce', 2, 48, '20010db80001', undefined],
      ['announce', 1, 16, 'ac10', undefined],
      ['announce', 1, 0, '', undefined],
    ]);
  });

  it('says which field each prefix came from', () => {
    // IPv4 in MP_REACH_NLRI (next hop 198.51.100.7) and in the NLRI field (NEXT_HOP).
    const body = hex(
      `0004 180a0302 001e 40010100 400200 400304c0000201 ` +
        `800e0d 000101 04 c6336407 00 180a0200 ` +
        `180a0100`,
    );
    const sources: string[] = [];
    walkUpdatePrefixes(body, DEFAULT_CONTEXT, (kind, _afi, _length, bytes, offset, _id, source) => {
      sources.push(`${kind} ${bytes[offset + 1]} ${source}`);
    });
    expect(sources).toEqual(['withdraw 3 field', 'announce 2 mp', 'announce 1 field']);
  });

  it('reads ADD-PATH path identifiers per family', () => {
    const ctx = createContext({ addPath: new Set([familyKey(1, 1)]) });
    const body = hex('0000 0000 00000007 180a0102');
    expect(walk(body, ctx)).toEqual([['announce', 1, 24, '0a0102', 7]]);
  });

  it('skips MP families other than IPv4/IPv6 unicast', () => {
    const body = hex('0000 000c 800e09 000185 00 00 aabbccdd');
    expect(walk(body)).toEqual([]);
  });

  it('hands over host bits as received', () => {
    expect(walk(hex('0003 0d0b0d 0000'))).toEqual([['withdraw', 1, 13, '0b0d', undefined]]);
  });

  const errors: [string, string, [number, number]][] = [
    ['body shorter than 4', '000000', [3, 1]],
    ['withdrawn length overruns', '0009 0000', [3, 1]],
    ['attribute length overruns', '0000 0009 0000', [3, 1]],
    ['NLRI prefix length 33', '0000 0000 21 0a010203 04', [3, 10]],
    ['NLRI prefix runs past the end', '0000 0000 18 0a01', [3, 10]],
    ['attribute overruns the attribute field', '0000 0004 c0080800', [3, 5]],
    ['MP_REACH next hop overruns', '0000 0007 800e04 00020110', [3, 9]],
    ['MP_UNREACH IPv6 prefix length 129', '0000 0007 800f04 00020181', [3, 9]],
  ];
  for (const [name, bytes, expected] of errors) {
    it(`throws UpdateMessageError ${expected.join('/')} when ${name}`, () => {
      expect(errorOf(() => walk(hex(bytes)))).toEqual(expected);
    });
  }
});
