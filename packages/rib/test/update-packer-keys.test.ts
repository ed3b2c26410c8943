import {
  AttributeType,
  createContext,
  decodeMessage,
  familyKey,
  findAttribute,
  formatPrefix,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  makePrefix,
} from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prefixToWords, prefixWidth } from '../src/prefix-key.js';
import { asSequence, routeAttributes } from '../src/route-attributes.js';
import {
  nextHopSendable,
  type PackEntry,
  type PackKeys,
  type PackOptions,
  packAnnouncements,
  packWithdrawals,
} from '../src/update-packer.js';

const entryArb = (afi: 1 | 2): fc.Arbitrary<PackEntry> =>
  fc
    .record({
      bytes: fc.uint8Array({ minLength: afi === 1 ? 4 : 16, maxLength: afi === 1 ? 4 : 16 }),
      length: fc.integer({ min: 0, max: afi === 1 ? 32 : 128 }),
      pathId: fc.nat(),
    })
    .map(({ bytes, length, pathId }) => ({ prefix: makePrefix(bytes, length), pathId }));

const optionsArb: fc.Arbitrary<PackOptions> = fc.record({
  extendedMessage: fc.boolean(),
  fourOctetAs: fc.boolean(),
  addPathSend: fc.subarray([1, 2]).map((a) => new Set(a)),
  extendedNextHop: fc.constant(true),
});

/** The key-word form of `entries`, with the path id word when `withIds`. */
function toKeys(afi: 1 | 2, entries: readonly PackEntry[], withIds: boolean): PackKeys {
  const pw = prefixWidth(afi);
  const stride = pw + (withIds ? 1 : 0);
  const words = new Uint32Array(entries.length * stride);
  const tmp = new Uint32Array(pw);
  entries.forEach((e, i) => {
    prefixToWords(e.prefix, tmp);
    words.set(tmp, i * stride);
    if (withIds) words[i * stride + pw] = e.pathId;
  });
  return { words, stride, count: entries.length };
}

const familyWithEntries = fc
  .constantFrom(1 as const, 2 as const)
  .chain((afi) =>
    fc.tuple(fc.constant(afi), fc.array(entryArb(afi), { maxLength: 1500, size: 'max' })),
  );

describe('update packing from key words', () => {
  it('property: packing key words gives the same bytes as packing PackEntry objects', () => {
    fc.assert(
      fc.property(familyWithEntries, optionsArb, fc.boolean(), ([afi, entries], options, ids) => {
        // Without a path id word the keys carry id 0.
        const norm = entries.map((e) => ({ ...e, pathId: ids ? e.pathId : 0 }));
        const keys = toKeys(afi, norm, ids);
        const attrs = routeAttributes({
          asPath: asSequence(65001, 65002),
          nextHop: afi === 1 ? Uint8Array.of(192, 0, 2, 1) : new Uint8Array(16).fill(0x20),
        });
        const fromObjects = packAnnouncements(afi, attrs, norm, options);
        expect(packAnnouncements(afi, attrs, keys, options)).toEqual(fromObjects);
        expect(packWithdrawals(afi, keys, options)).toEqual(packWithdrawals(afi, norm, options));
      }),
    );
  });

  it('rejects a stride that does not fit the family', () => {
    const attrs = routeAttributes({ nextHop: Uint8Array.of(192, 0, 2, 1) });
    const opts = { extendedMessage: false, fourOctetAs: true, addPathSend: new Set<number>() };
    const keys = { words: new Uint32Array(5), stride: 5, count: 1 };
    expect(() => packAnnouncements(1, attrs, keys, opts)).toThrow(RangeError);
  });
});

describe('RFC 8950: IPv4 NLRI with an IPv6 next hop', () => {
  it('property: MP_REACH_NLRI with AFI 1 / SAFI 1, never over the maximum size, no prefix lost', () => {
    fc.assert(
      fc.property(
        fc.array(entryArb(1), { maxLength: 2500, size: 'max' }),
        optionsArb,
        fc.constantFrom(16, 32),
        fc.array(fc.nat(), { maxLength: 200 }),
        (entries, options, nhLength, communities) => {
          const addPath = options.addPathSend.has(1);
          const norm = entries.map((e) => ({ ...e, pathId: addPath ? e.pathId : 0 }));
          const nextHop = new Uint8Array(nhLength).map((_, i) => (i === 0 ? 0x20 : i));
          const attrs = routeAttributes({ asPath: asSequence(65001), nextHop, communities });
          const max = options.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
          const ctx = createContext({
            fourOctetAs: options.fourOctetAs,
            extendedMessage: options.extendedMessage,
            addPath: new Set([...options.addPathSend].map((afi) => familyKey(afi, 1))),
            extendedNextHop: new Set([familyKey(1, 1)]),
          });
          const seen: string[] = [];
          for (const m of packAnnouncements(1, attrs, norm, options)) {
            expect(m.length).toBeLessThanOrEqual(max);
            const d = decodeMessage(m, ctx);
            if (d.type !== 'UPDATE') throw new Error('not an UPDATE');
            expect(d.nlri).toEqual([]);
            expect(findAttribute(d.attributes, AttributeType.NEXT_HOP)).toBeUndefined();
            const mp = findAttribute(d.attributes, AttributeType.MP_REACH_NLRI)!.value;
            expect([mp.afi, mp.safi]).toEqual([1, 1]);
            expect(mp.nextHop).toEqual(nextHop.subarray(0, 16));
            if (nhLength === 32) expect(mp.linkLocalNextHop).toEqual(nextHop.subarray(16));
            for (const e of mp.nlri) seen.push(`${formatPrefix(e.prefix)}#${e.pathId ?? 0}`);
          }
          expect(seen.sort()).toEqual(
            norm.map((e) => `${formatPrefix(e.prefix)}#${e.pathId}`).sort(),
          );
        },
      ),
    );
  });

  it('without the capability an IPv6 next hop on an IPv4 route is refused, not sent', () => {
    const attrs = routeAttributes({ nextHop: new Uint8Array(16).fill(0x20) });
    const entries = [{ prefix: makePrefix(Uint8Array.of(10, 0, 0, 0), 8), pathId: 0 }];
    const opts = { extendedMessage: false, fourOctetAs: true, addPathSend: new Set<number>() };
    expect(() => packAnnouncements(1, attrs, entries, opts)).toThrow(RangeError);
    expect(nextHopSendable(1, 4, false)).toBe(true);
    expect(nextHopSendable(1, 16, false)).toBe(false);
    expect(nextHopSendable(1, 16, true)).toBe(true);
    expect(nextHopSendable(1, 32, true)).toBe(true);
    expect(nextHopSendable(1, 12, true)).toBe(false);
    expect(nextHopSendable(2, 4, true)).toBe(false);
    expect(nextHopSendable(2, 16, false)).toBe(true);
    expect(nextHopSendable(2, 32, false)).toBe(true);
  });
});
