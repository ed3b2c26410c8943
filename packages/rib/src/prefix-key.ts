/**
 * Prefixes as fixed-width 32-bit word keys for {@link KeyTable}.
 *
 * IPv4 uses two words (address, length), IPv6 five (four address words, length); an ADD-PATH
 * table appends the path identifier as one more word. No string or object is made per route:
 * the NLRI bytes go straight into the table's scratch key.
 *
 * @module
 */
import type { Prefix } from '@bgp/wire';

/** Key width in words of a prefix of address family `afi` (1 or 2). */
export function prefixWidth(afi: number): number {
  return afi === 1 ? 2 : 5;
}

/** Writes `prefix` as key words into `out` (starting at 0). */
export function prefixToWords(prefix: Prefix, out: Uint32Array): void {
  nlriToWords(prefix.afi, prefix.length, prefix.address, 0, out);
}

/**
 * Writes the prefix whose `length` bits start at `bytes[offset]` (NLRI encoding: only the
 * significant octets need be present) as key words, clearing the host bits.
 */
export function nlriToWords(
  afi: number,
  length: number,
  bytes: Uint8Array,
  offset: number,
  out: Uint32Array,
): void {
  const words = afi === 1 ? 1 : 4;
  const octets = (length + 7) >> 3;
  for (let w = 0; w < words; w++) {
    const i = w * 4;
    // Octets past the prefix length need not be present (NLRI encoding): read them as zero.
    const v =
      ((i < octets ? bytes[offset + i]! << 24 : 0) |
        (i + 1 < octets ? bytes[offset + i + 1]! << 16 : 0) |
        (i + 2 < octets ? bytes[offset + i + 2]! << 8 : 0) |
        (i + 3 < octets ? bytes[offset + i + 3]! : 0)) >>>
      0;
    const keep = length - w * 32;
    // Clear the host bits with a shifted mask (keep is 1..31 inside the word).
    out[w] = keep <= 0 ? 0 : keep >= 32 ? v : (v & ~(0xffffffff >>> keep)) >>> 0;
  }
  out[words] = length;
}

/** Rebuilds the prefix from key words at `words[at]`. */
export function wordsToPrefix(afi: number, words: Uint32Array, at = 0): Prefix {
  const n = afi === 1 ? 1 : 4;
  const address = new Uint8Array(n * 4);
  for (let w = 0; w < n; w++) {
    const v = words[at + w]!;
    address[w * 4] = v >>> 24;
    address[w * 4 + 1] = (v >>> 16) & 0xff;
    address[w * 4 + 2] = (v >>> 8) & 0xff;
    address[w * 4 + 3] = v & 0xff;
  }
  // Key words never carry host bits, so no masking copy (makePrefix) is needed.
  return { afi: afi === 1 ? 1 : 2, length: words[at + n]!, address };
}
