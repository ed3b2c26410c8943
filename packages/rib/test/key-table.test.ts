import { formatPrefix, makePrefix } from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyTable } from '../src/key-table.js';
import { nlriToWords, prefixToWords, wordsToPrefix } from '../src/prefix-key.js';

describe('KeyTable', () => {
  it('property: behaves like a Map under any sequence of sets and removes', () => {
    const op = fc.record({
      remove: fc.boolean(),
      a: fc.nat(40),
      b: fc.constantFrom(0, 1, 0xffffffff),
      v: fc.nat(1000),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400, size: 'max' }), (ops) => {
        const t = new KeyTable(2, 4);
        const m = new Map<string, number>();
        for (const o of ops) {
          t.scratch[0] = o.a;
          t.scratch[1] = o.b;
          const k = `${o.a}/${o.b}`;
          if (o.remove) {
            expect(t.remove()).toBe(m.get(k) ?? -1);
            m.delete(k);
          } else {
            expect(t.set(o.v)).toBe(m.get(k) ?? -1);
            m.set(k, o.v);
          }
          expect(t.size).toBe(m.size);
        }
        for (const [k, v] of m) {
          const [a, b] = k.split('/').map(Number);
          t.scratch[0] = a!;
          t.scratch[1] = b!;
          expect(t.get()).toBe(v);
        }
        const seen = new Map<string, number>();
        const key = new Uint32Array(2);
        t.forEach((slot, v) => {
          t.keyAt(slot, key);
          seen.set(`${key[0]}/${key[1]}`, v);
        });
        expect(seen).toEqual(m);
      }),
    );
  });

  it('capacityFor(n) holds n keys without growing', () => {
    for (const n of [0, 1, 3, 4, 100, 12_345]) {
      const t = new KeyTable(1, KeyTable.capacityFor(n));
      const cap = t.capacity;
      for (let i = 0; i < n; i++) {
        t.scratch[0] = i;
        t.set(i);
      }
      expect(t.capacity).toBe(cap);
      t.scratch[0] = n;
      t.set(n);
      // One more than asked for may grow, but only for a table filled to the limit.
      expect(t.capacity === cap || n + 1 > cap * 0.8).toBe(true);
    }
  });

  it('keeps lookups working across growth and heavy deletion (backward shift)', () => {
    const t = new KeyTable(1, 4);
    for (let i = 0; i < 50_000; i++) {
      t.scratch[0] = i * 7919;
      t.set(i);
    }
    for (let i = 0; i < 50_000; i += 2) {
      t.scratch[0] = i * 7919;
      expect(t.remove()).toBe(i);
    }
    for (let i = 0; i < 50_000; i++) {
      t.scratch[0] = i * 7919;
      expect(t.get()).toBe(i % 2 === 0 ? -1 : i);
    }
  });
});

describe('prefix keys', () => {
  it('property: prefix -> words -> prefix round-trips, and NLRI bytes with host bits give the same key', () => {
    fc.assert(
      fc.property(
        fc.boolean().chain((v6) =>
          fc.record({
            bytes: fc.uint8Array({ minLength: v6 ? 16 : 4, maxLength: v6 ? 16 : 4 }),
            length: fc.integer({ min: 0, max: v6 ? 128 : 32 }),
          }),
        ),
        ({ bytes, length }) => {
          const p = makePrefix(bytes, length);
          const w = new Uint32Array(5);
          prefixToWords(p, w);
          expect(formatPrefix(wordsToPrefix(p.afi, w))).toBe(formatPrefix(p));
          const w2 = new Uint32Array(5);
          nlriToWords(p.afi, length, bytes, 0, w2); // unmasked bytes
          expect([...w2]).toEqual([...w]);
        },
      ),
    );
  });
});
