/**
 * BGP community values as Cilium accepts them in `attributes.communities`.
 *
 * Standard communities (RFC 1997) are 32-bit values written `a:b` (two 16-bit halves) or as one
 * decimal number; well-known communities are named (the names GoBGP's
 * `WellKnownCommunityValueMap` knows, which Cilium resolves); large communities (RFC 8092) are
 * three 32-bit values `a:b:c`. In output every standard or well-known community is printed by
 * its numeric value as `high:low`, the way bgp-decode prints COMMUNITIES.
 *
 * @module
 */
import { WellKnownCommunity } from '@bgp/wire';

/**
 * Well-known community names accepted in `communities.wellKnown`, with their values
 * (RFC 1997, RFC 3765, RFC 7611, RFC 7999, RFC 8326, RFC 9494, draft-ietf-grow-llgr).
 */
export const WELL_KNOWN_COMMUNITIES: Readonly<Record<string, number>> = {
  internet: 0x00000000,
  'planned-shut': WellKnownCommunity.GRACEFUL_SHUTDOWN,
  'accept-own': WellKnownCommunity.ACCEPT_OWN,
  'route-filter-translated-v4': 0xffff0002,
  'route-filter-v4': 0xffff0003,
  'route-filter-translated-v6': 0xffff0004,
  'route-filter-v6': 0xffff0005,
  'llgr-stale': WellKnownCommunity.LLGR_STALE,
  'no-llgr': WellKnownCommunity.NO_LLGR,
  blackhole: WellKnownCommunity.BLACKHOLE,
  'no-export': WellKnownCommunity.NO_EXPORT,
  'no-advertise': WellKnownCommunity.NO_ADVERTISE,
  'no-export-subconfed': WellKnownCommunity.NO_EXPORT_SUBCONFED,
  'no-peer': WellKnownCommunity.NOPEER,
};

/** A large community as three 32-bit numbers (global administrator, local data 1, local data 2). */
export type LargeCommunity = readonly [number, number, number];

const U32 = 0xffffffff;

function u32(text: string): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= U32 ? n : undefined;
}

/** Parses a standard community (`65001:100` or `4259905636`); undefined when malformed. */
export function parseStandardCommunity(text: string): number | undefined {
  const parts = text.split(':');
  if (parts.length === 1) return u32(parts[0]!);
  if (parts.length !== 2) return undefined;
  const hi = u32(parts[0]!);
  const lo = u32(parts[1]!);
  if (hi === undefined || lo === undefined || hi > 0xffff || lo > 0xffff) return undefined;
  return hi * 0x10000 + lo;
}

/** Parses a large community `a:b:c`; undefined when malformed. */
export function parseLargeCommunity(text: string): LargeCommunity | undefined {
  const parts = text.split(':');
  if (parts.length !== 3) return undefined;
  const [a, b, c] = parts.map(u32);
  if (a === undefined || b === undefined || c === undefined) return undefined;
  return [a, b, c];
}

/** Formats a 32-bit community as `high:low`. */
export function formatCommunity(value: number): string {
  return `${Math.floor(value / 0x10000)}:${value % 0x10000}`;
}

/** Formats a large community as `a:b:c`. */
export function formatLargeCommunity(value: LargeCommunity): string {
  return `${value[0]}:${value[1]}:${value[2]}`;
}

/** Sorts and deduplicates community values by number. */
export function unionCommunities(...lists: readonly (readonly number[])[]): number[] {
  return [...new Set(lists.flat())].sort((a, b) => a - b);
}

/** Sorts and deduplicates large communities by value. */
export function unionLargeCommunities(
  ...lists: readonly (readonly LargeCommunity[])[]
): LargeCommunity[] {
  const seen = new Map<string, LargeCommunity>();
  for (const lc of lists.flat()) seen.set(formatLargeCommunity(lc), lc);
  return [...seen.values()].sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
}
