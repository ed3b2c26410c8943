/**
 * Confederation segments on a session without 4-octet AS numbers (RFC 6793 with RFC 5065): they
 * travel in AS_PATH only (AS4_PATH carries none, RFC 6793 §3), and the path is rebuilt on
 * receipt from AS_PATH's leading confederation segments plus AS4_PATH.
 */
import { AsPathSegmentType, createContext, decodeAttributeList, parseAddress } from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRouteAttributes } from '../src/attribute-codec.js';
import { type AsPathSegment, routeAttributes } from '../src/route-attributes.js';
import { routeAttributesFrom } from '../src/wire-adapter.js';

const TWO_OCTET = createContext({ fourOctetAs: false });
const NEXT_HOP = parseAddress('192.0.2.1');

/** Encodes `asPath` for a 2-octet session and reads it back as that session's receiver does. */
function throughTwoOctetSession(asPath: AsPathSegment[]): readonly AsPathSegment[] {
  const bytes = encodeRouteAttributes(routeAttributes({ asPath, nextHop: NEXT_HOP }), {
    fourOctetAs: false,
    nextHop: 'attribute',
  });
  const { attributes, problems } = decodeAttributeList(bytes, 0, bytes.length, TWO_OCTET);
  expect(problems).toEqual([]);
  return routeAttributesFrom(attributes, NEXT_HOP, { fourOctetAs: false, peerKind: 'confed-ebgp' })
    .asPath;
}

const asn4 = fc.oneof(
  fc.integer({ min: 1, max: 0xffff }),
  fc.integer({ min: 0x10000, max: 0xfffffffe }),
);
/** Member ASes of a confederation crossing a 2-octet session must fit in 2 octets. */
const asn2 = fc.integer({ min: 1, max: 0xffff }).filter((a) => a !== 23456);
const segment = (types: number[], asn: fc.Arbitrary<number>): fc.Arbitrary<AsPathSegment> =>
  fc.record({
    type: fc.constantFrom(...types),
    asns: fc.array(asn, { minLength: 1, maxLength: 6 }),
  });

/** The same path with adjacent AS_SEQUENCE segments joined (how a merge may write it). */
function joinSequences(path: readonly AsPathSegment[]): AsPathSegment[] {
  const out: AsPathSegment[] = [];
  for (const s of path) {
    const last = out[out.length - 1];
    if (last?.type === AsPathSegmentType.AS_SEQUENCE && s.type === AsPathSegmentType.AS_SEQUENCE)
      out[out.length - 1] = { type: s.type, asns: [...last.asns, ...s.asns] };
    else out.push({ type: s.type, asns: [...s.asns] });
  }
  return out;
}

describe('confederation segments over a 2-octet session', () => {
  it('AS_PATH keeps them, AS4_PATH leaves them out, the receiver rebuilds the path', () => {
    const path: AsPathSegment[] = [
      { type: AsPathSegmentType.AS_CONFED_SEQUENCE, asns: [65010, 65011] },
      { type: AsPathSegmentType.AS_SEQUENCE, asns: [4_200_000_000, 65001] },
    ];
    const bytes = encodeRouteAttributes(routeAttributes({ asPath: path, nextHop: NEXT_HOP }), {
      fourOctetAs: false,
      nextHop: 'attribute',
    });
    const { attributes } = decodeAttributeList(bytes, 0, bytes.length, TWO_OCTET);
    const byType = new Map(attributes.map((a) => [a.typeCode, a.value]));
    expect(byType.get(2)).toEqual([
      { type: AsPathSegmentType.AS_CONFED_SEQUENCE, asns: [65010, 65011] },
      { type: AsPathSegmentType.AS_SEQUENCE, asns: [23456, 65001] },
    ]);
    expect(byType.get(17)).toEqual([
      { type: AsPathSegmentType.AS_SEQUENCE, asns: [4_200_000_000, 65001] },
    ]);
    expect(throughTwoOctetSession(path)).toEqual(path);
  });

  it('ignores confederation segments a 2-octet peer put in AS4_PATH (RFC 6793 §3)', () => {
    // AS_PATH: CONFED_SEQ 65010, SEQ AS_TRANS 65001; AS4_PATH: CONFED_SEQ 65099, SEQ 4.2e9 65001.
    const bytes = Uint8Array.from([
      ...[0x40, 1, 1, 0],
      ...[0x40, 2, 10, 3, 1, 0xfd, 0xf2, 2, 2, 0x5b, 0xa0, 0xfd, 0xe9],
      ...[0x40, 3, 4, 192, 0, 2, 1],
      ...[0xc0, 17, 16, 3, 1, 0, 0, 0xfe, 0x2b, 2, 2, 0xfa, 0x56, 0xea, 0x00, 0, 0, 0xfd, 0xe9],
    ]);
    const { attributes } = decodeAttributeList(bytes, 0, bytes.length, TWO_OCTET);
    const a = routeAttributesFrom(attributes, NEXT_HOP, {
      fourOctetAs: false,
      peerKind: 'confed-ebgp',
    });
    expect(a.asPath).toEqual([
      { type: AsPathSegmentType.AS_CONFED_SEQUENCE, asns: [65010] },
      { type: AsPathSegmentType.AS_SEQUENCE, asns: [4_200_000_000, 65001] },
    ]);
  });

  it('any path with leading confederation segments survives the trip (fast-check)', () => {
    const confed = [AsPathSegmentType.AS_CONFED_SEQUENCE, AsPathSegmentType.AS_CONFED_SET];
    const outer = [AsPathSegmentType.AS_SEQUENCE, AsPathSegmentType.AS_SET];
    fc.assert(
      fc.property(
        fc.array(segment(confed, asn2), { maxLength: 2 }),
        fc.array(segment(outer, asn4), { maxLength: 3 }),
        (lead, rest) => {
          const path = [...lead, ...rest];
          expect(joinSequences(throughTwoOctetSession(path))).toEqual(joinSequences(path));
        },
      ),
    );
  });
});
