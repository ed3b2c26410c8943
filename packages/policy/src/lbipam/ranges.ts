/**
 * Address ranges of LB-IPAM pools as bigints, and overlap (conflict) detection.
 *
 * @module
 */
import { formatAddress, parseAddress, parsePrefix } from '@bgp/wire';
import type { LoadBalancerIPPool } from '../resources/ip-pools.js';

/** One allocatable range of a pool: inclusive bigint bounds. */
export interface IpRange {
  /** Owning pool. */
  readonly pool: LoadBalancerIPPool;
  /** Index of the block in `spec.blocks`. */
  readonly block: number;
  /** IPv6 range. */
  readonly v6: boolean;
  /** First usable address. */
  readonly first: bigint;
  /** Last usable address. */
  readonly last: bigint;
}

/** Address text to bigint. */
export function ipToBigInt(text: string): bigint {
  let v = 0n;
  for (const b of parseAddress(text)) v = (v << 8n) | BigInt(b);
  return v;
}

/** Bigint to address text (IPv4 when `!v6`), RFC 5952 form for IPv6. */
export function bigIntToIp(v: bigint, v6: boolean): string {
  const bytes = new Uint8Array(v6 ? 16 : 4);
  let x = v;
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = Number(x & 255n);
    x >>= 8n;
  }
  return formatAddress(bytes);
}

/** The ranges of a pool, with `allowFirstLastIPs: No` applied to CIDR blocks. */
export function poolRanges(pool: LoadBalancerIPPool): IpRange[] {
  return pool.blocks.map((b, block) => {
    if (b.cidr !== undefined) {
      const p = parsePrefix(b.cidr);
      const bits = p.afi === 1 ? 32 : 128;
      let first = 0n;
      for (const x of p.address) first = (first << 8n) | BigInt(x);
      let last = first + (1n << BigInt(bits - p.length)) - 1n;
      // `No` reserves the network and broadcast addresses, except where a block has no others.
      if (pool.allowFirstLastIPs === 'No' && p.length < bits - 1) {
        first += 1n;
        last -= 1n;
      }
      return { pool, block, v6: p.afi === 2, first, last };
    }
    // A reversed start/stop is read as the same range (bigints: Math.min/max do not apply).
    const ends = [ipToBigInt(b.start), ipToBigInt(b.stop)].sort((x, y) =>
      x < y ? -1 : x > y ? 1 : 0,
    );
    return { pool, block, v6: b.start.includes(':'), first: ends[0]!, last: ends[1]! };
  });
}

/** Number of addresses in a range. */
export function rangeSize(r: IpRange): bigint {
  return r.last >= r.first ? r.last - r.first + 1n : 0n;
}

/** Formats a range as Cilium's conflict message does: `first - last`. */
export function formatRange(r: IpRange): string {
  return `${bigIntToIp(r.first, r.v6)} - ${bigIntToIp(r.last, r.v6)}`;
}

/** True when two ranges of one family share an address. */
export function overlaps(a: IpRange, b: IpRange): boolean {
  return a.v6 === b.v6 && a.first <= b.last && b.first <= a.last;
}
