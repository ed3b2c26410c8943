import { AsPathSegmentType, AttributeFlag } from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalAttributeBytes, readCanonicalAttributes } from '../src/attribute-codec.js';
import { AttributeStore } from '../src/attribute-store.js';
import { asSequence, type RouteAttributes, routeAttributes } from '../src/route-attributes.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** Every field of the normalized view, including raw attributes the RIB does not interpret. */
const attributesArb: fc.Arbitrary<RouteAttributes> = fc
  .record({
    origin: fc.constantFrom(0 as const, 1 as const, 2 as const),
    asPath: fc.array(
      fc.record({
        type: fc.constantFrom(
          AsPathSegmentType.AS_SET,
          AsPathSegmentType.AS_SEQUENCE,
          AsPathSegmentType.AS_CONFED_SEQUENCE,
          AsPathSegmentType.AS_CONFED_SET,
        ),
        asns: fc.array(u32, { minLength: 1, maxLength: 8 }),
      }),
      { maxLength: 4 },
    ),
    nextHop: fc.constantFrom(4, 16, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
    med: fc.option(u32, { nil: undefined }),
    localPref: fc.option(u32, { nil: undefined }),
    communities: fc.array(u32, { maxLength: 6 }),
    largeCommunities: fc.array(fc.tuple(u32, u32, u32), { maxLength: 3 }),
    originatorId: fc.option(u32, { nil: undefined }),
    clusterList: fc.array(u32, { maxLength: 3 }),
    atomicAggregate: fc.boolean(),
    aggregator: fc.option(
      fc.record({ asn: u32, address: fc.uint8Array({ minLength: 4, maxLength: 4 }) }),
      { nil: undefined },
    ),
    otc: fc.option(u32, { nil: undefined }),
    other: fc
      .uniqueArray(fc.constantFrom(21, 22, 29, 33, 40, 99, 200, 255), { maxLength: 3 })
      .chain((types) =>
        fc.tuple(
          ...types
            .sort((a, b) => a - b)
            .map((typeCode) =>
              fc.record({
                typeCode: fc.constant(typeCode),
                flags: fc.constant(AttributeFlag.OPTIONAL | AttributeFlag.TRANSITIVE),
                value: fc.uint8Array({ maxLength: 300 }),
              }),
            ),
        ),
      ),
  })
  .map((f) => routeAttributes(f));

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('AttributeStore', () => {
  it('property: canonical bytes decode back to attributes with the same canonical bytes', () => {
    fc.assert(
      fc.property(attributesArb, (a) => {
        const bytes = canonicalAttributeBytes(a).slice();
        const back = readCanonicalAttributes(bytes);
        expect(hex(canonicalAttributeBytes(back))).toBe(hex(bytes));
        expect(back.asPath).toEqual(a.asPath);
        expect(back.communities).toEqual(a.communities);
        expect(back.med).toBe(a.med);
        expect(back.localPref).toBe(a.localPref);
        expect([...back.nextHop]).toEqual([...a.nextHop]);
      }),
    );
  });

  it('property: behaves like a map from canonical bytes to a refcounted set, through eviction, id reuse and arena compaction', () => {
    fc.assert(
      fc.property(
        fc.array(attributesArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat()), { maxLength: 200 }),
        (sets, ops) => {
          const store = new AttributeStore();
          // Model: canonical hex -> [id, refs].
          const model = new Map<string, { id: number; refs: number }>();
          for (const [add, k] of ops) {
            const a = sets[k % sets.length]!;
            const key = hex(canonicalAttributeBytes(a));
            const m = model.get(key);
            if (add) {
              const s = store.intern(a);
              if (m) expect(s.id).toBe(m.id);
              store.retain(s.id);
              model.set(key, { id: s.id, refs: (m?.refs ?? 0) + 1 });
            } else if (m) {
              store.release(m.id);
              if (--m.refs === 0) model.delete(key);
            }
          }
          store.collect();
          expect(store.size).toBe(model.size);
          for (const [key, m] of model) {
            const s = store.get(m.id);
            expect(hex(s.key)).toBe(key);
            expect(s.refCount).toBe(m.refs);
            expect(hex(canonicalAttributeBytes(s.attributes))).toBe(key);
          }
          expect([...store].map((s) => s.id).sort()).toEqual(
            [...model.values()].map((m) => m.id).sort(),
          );
        },
      ),
    );
  });

  it('decodes a set again once its cached copy is evicted, and reuses ids and arena space', () => {
    const store = new AttributeStore();
    const nh = Uint8Array.of(192, 0, 2, 1);
    const ids: number[] = [];
    // 20,000 sets: more than the decoded-copy cache holds, and several arena compactions as the
    // first half is freed and replaced.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i++) {
        const s = store.intern(
          routeAttributes({
            nextHop: nh,
            asPath: asSequence(65001, 100_000 + round * 10_000 + i),
            communities: [i],
          }),
        );
        store.retain(s.id);
        ids.push(s.id);
      }
      if (round === 0) for (const id of ids.splice(0, 5_000)) store.release(id);
    }
    expect(store.size).toBe(15_000);
    // Every id in use is distinct, and freed ids were reused.
    expect(new Set(ids).size).toBe(15_000);
    expect(Math.max(...ids)).toBeLessThan(15_000);
    const first = store.get(ids[0]!);
    expect(first.attributes.asPath[0]!.asns).toEqual([65001, 105_000]);
    expect(first.asPathLength).toBe(2);
    expect(first.neighborAs).toBe(65001);
    // An empty path has no neighbouring AS; an ASN above 2^31 survives the column.
    const empty = store.intern(routeAttributes({ nextHop: nh }));
    expect(empty.neighborAs).toBe(-1);
    const big = store.intern(routeAttributes({ nextHop: nh, asPath: asSequence(4_200_000_000) }));
    expect(store.get(big.id).neighborAs).toBe(4_200_000_000);
    expect(() => store.get(999_999)).toThrow(RangeError);
  });
});
