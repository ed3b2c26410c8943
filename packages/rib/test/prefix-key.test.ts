import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nlriToWords, prefixWidth, wordsToPrefix } from '../src/prefix-key.js';

/** Plain arithmetic reference: big-endian words of the first `length` bits, the rest zero. */
function reference(afi: number, length: number, bytes: Uint8Array): number[] {
  const words = afi === 1 ? 1 : 4;
  const out: number[] = [];
  for (let w = 0; w < words; w++) {
    let v = 0;
    for (let bit = 0; bit < 32; bit++) {
      const at = w * 32 + bit;
      const set = at < length && ((bytes[at >> 3] ?? 0) >> (7 - (at & 7))) & 1;
      v = v * 2 + (set ? 1 : 0);
    }
    out.push(v);
  }
  return [...out, length];
}

describe('prefix keys', () => {
  it('property: NLRI bytes become key words with the host bits cleared, and back', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(1, 2)
          .chain((afi) =>
            fc.tuple(
              fc.constant(afi),
              fc.integer({ min: 0, max: afi === 1 ? 32 : 128 }),
              fc.uint8Array({ minLength: 16, maxLength: 16 }),
              fc.nat(3),
            ),
          ),
        ([afi, length, address, offset]) => {
          // Only the significant octets are present, at an offset in a larger buffer.
          const octets = (length + 7) >> 3;
          const buf = new Uint8Array(offset + octets + 2).fill(0xff);
          buf.set(address.subarray(0, octets), offset);
          const out = new Uint32Array(5);
          nlriToWords(afi, length, buf, offset, out);
          const want = reference(afi, length, address);
          expect([...out.subarray(0, prefixWidth(afi))]).toEqual(want);
          const back = wordsToPrefix(afi, out);
          expect(back.length).toBe(length);
          const again = new Uint32Array(5);
          nlriToWords(afi, length, back.address, 0, again);
          expect([...again]).toEqual([...out]);
        },
      ),
    );
  });
});
