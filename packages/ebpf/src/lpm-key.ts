/**
 * Keys of BPF LPM tries.
 *
 * `struct bpf_lpm_trie_key` (include/uapi/linux/bpf.h) is a prefix length in host byte order
 * followed by the address in network byte order:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                  prefixlen (u32, host order)                  |
 * +---------------------------------------------------------------+
 * |        address (4 bytes IPv4 / 16 bytes IPv6, network order)  |
 * +---------------------------------------------------------------+
 * ```
 *
 * @module
 */
import { endianness } from 'node:os';
import { formatPrefix, makePrefix, type Prefix } from '@bgp/wire';

/** True on little-endian hosts: the kernel reads `prefixlen` in host order. */
export const HOST_LITTLE_ENDIAN = endianness() === 'LE';

/** Key size of the IPv4 trie (4 + 4) and of the IPv6 trie (4 + 16). */
export const LPM_KEY_SIZE = { ipv4: 8, ipv6: 20 } as const;

/** Writes the LPM key of `prefix` into `out` at `offset`; returns the bytes written. */
export function writeLpmKey(out: Uint8Array, offset: number, prefix: Prefix): number {
  // Lengths fit in one byte (at most 128): write the u32 bytewise rather than build a DataView
  // per key, which dominated the cost of encoding a million keys.
  out[offset] = HOST_LITTLE_ENDIAN ? prefix.length : 0;
  out[offset + 1] = 0;
  out[offset + 2] = 0;
  out[offset + 3] = HOST_LITTLE_ENDIAN ? 0 : prefix.length;
  const a = prefix.address;
  if (a.length === 4) {
    out[offset + 4] = a[0]!;
    out[offset + 5] = a[1]!;
    out[offset + 6] = a[2]!;
    out[offset + 7] = a[3]!;
  } else {
    out.set(a, offset + 4);
  }
  return 4 + a.length;
}

/**
 * The prefix text ("10.0.0.0/24") of an LPM key, without building a {@link Prefix}: snapshots of
 * a million-entry trie format every key.
 */
export function lpmKeyText(key: Uint8Array, offset: number, size: number): string {
  if (size === 8) {
    const len = HOST_LITTLE_ENDIAN ? key[offset]! : key[offset + 3]!;
    return `${key[offset + 4]}.${key[offset + 5]}.${key[offset + 6]}.${key[offset + 7]}/${len}`;
  }
  return formatPrefix(prefixFromLpmKey(key, offset, size));
}

/**
 * The key of a BPF LPM trie for a prefix.
 *
 * @example
 * ```ts
 * lpmKey(parsePrefix('10.0.0.0/8')); // Uint8Array [8, 0, 0, 0, 10, 0, 0, 0] on x86-64
 * ```
 */
export function lpmKey(prefix: Prefix): Uint8Array {
  const key = new Uint8Array(4 + prefix.address.length);
  writeLpmKey(key, 0, prefix);
  return key;
}

/** The key that looks an address up (full-length prefix): the trie answers its longest match. */
export function lpmLookupKey(address: Uint8Array): Uint8Array {
  return lpmKey({ afi: address.length === 4 ? 1 : 2, length: address.length * 8, address });
}

/** Reads the prefix back from an LPM key (8 bytes for IPv4, 20 for IPv6). */
export function prefixFromLpmKey(key: Uint8Array, offset = 0, size = key.length - offset): Prefix {
  const dv = new DataView(key.buffer, key.byteOffset + offset, 4);
  const length = dv.getUint32(0, HOST_LITTLE_ENDIAN);
  return makePrefix(key.subarray(offset + 4, offset + size), length);
}
