/**
 * Datapath plugins that keep BPF maps in step with the RIB.
 *
 * @example
 * ```ts
 * import { lpmKey } from '@bgp/ebpf';
 * import { parsePrefix } from '@bgp/wire';
 * console.log(lpmKey(parsePrefix('10.0.0.0/8'))); // Uint8Array [8, 0, 0, 0, 10, 0, 0, 0]
 * ```
 *
 * @packageDocumentation
 * @module @bgp/ebpf
 */
import type { Prefix } from '@bgp/wire';

/**
 * The key of a BPF LPM trie for a prefix: `struct bpf_lpm_trie_key` (a host-order u32 prefix
 * length, then the address bytes in network order).
 */
export function lpmKey(prefix: Prefix): Uint8Array {
  const key = new Uint8Array(4 + prefix.address.length);
  new DataView(key.buffer).setUint32(0, prefix.length, true);
  key.set(prefix.address, 4);
  return key;
}
