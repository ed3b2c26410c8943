/**
 * Desired routes and the merge rule for overlapping advertisements.
 *
 * Cilium 1.18 (PR cilium/cilium#36414) merges the statements that several advertisements
 * produce for the same peer, family and prefix: communities and large communities are the union
 * (deduplicated by value, sorted), LOCAL_PREF is the highest, and statements are ordered by
 * prefix length descending so that a /32 wins over an aggregate containing it.
 *
 * @module
 */
import { formatPrefix, type Prefix, parsePrefix } from '@bgp/wire';
import {
  formatCommunity,
  formatLargeCommunity,
  type LargeCommunity,
  unionCommunities,
  unionLargeCommunities,
} from './communities.js';
import type { PathAttributes } from './resources/common.js';

/** Path attributes of a desired route, formatted as bgp-decode prints them. */
export interface RouteAttributes {
  /** ORIGIN: `IGP`, or `INCOMPLETE` for LoadBalancer IPs under `legacyOriginAttribute`. */
  readonly origin: 'IGP' | 'INCOMPLETE';
  /** Standard and well-known communities as `high:low`, sorted by value. */
  readonly communities: readonly string[];
  /** Large communities as `a:b:c`, sorted. */
  readonly largeCommunities: readonly string[];
  /** LOCAL_PREF, present only towards iBGP peers (where it is sent). */
  readonly localPref?: number;
}

/** A route the node advertises to one peer in one family. */
export interface DesiredRoute {
  /** Prefix text. */
  readonly prefix: string;
  /** Attributes. */
  readonly attributes: RouteAttributes;
  /** The advertisement entries (or legacy fields) that produced it, e.g. `CiliumBGPAdvertisement/x[0]`. */
  readonly sources: readonly string[];
}

interface Pending {
  readonly prefix: Prefix;
  communities: number[];
  large: LargeCommunity[];
  localPref: number | undefined;
  origin: 'IGP' | 'INCOMPLETE';
  sources: string[];
}

/** Accumulates routes for one (peer, family), merging overlaps as Cilium 1.18 does. */
export class RouteSet {
  private readonly byPrefix = new Map<string, Pending>();

  /**
   * Adds a route. A prefix seen before is merged: union of communities, highest LOCAL_PREF.
   * `origin` INCOMPLETE wins over IGP (it only comes from the legacy-origin option).
   */
  add(
    prefixText: string,
    attrs: PathAttributes,
    source: string,
    origin: 'IGP' | 'INCOMPLETE' = 'IGP',
  ): void {
    const prefix = parsePrefix(prefixText);
    const key = formatPrefix(prefix);
    const cur = this.byPrefix.get(key);
    if (!cur) {
      this.byPrefix.set(key, {
        prefix,
        communities: unionCommunities(attrs.communities),
        large: unionLargeCommunities(attrs.largeCommunities),
        localPref: attrs.localPreference,
        origin,
        sources: [source],
      });
      return;
    }
    cur.communities = unionCommunities(cur.communities, attrs.communities);
    cur.large = unionLargeCommunities(cur.large, attrs.largeCommunities);
    if (attrs.localPreference !== undefined) {
      cur.localPref =
        cur.localPref === undefined
          ? attrs.localPreference
          : Math.max(cur.localPref, attrs.localPreference);
    }
    if (origin === 'INCOMPLETE') cur.origin = origin;
    if (!cur.sources.includes(source)) cur.sources.push(source);
  }

  /** True when the prefix (any spelling) is in the set. */
  has(prefixText: string): boolean {
    return this.byPrefix.has(formatPrefix(parsePrefix(prefixText)));
  }

  /** The prefixes in the set, in insertion order. */
  prefixes(): Prefix[] {
    return [...this.byPrefix.values()].map((p) => p.prefix);
  }

  /**
   * The routes, longest prefix first then by address. LOCAL_PREF is kept only when `ibgp`
   * (GoBGP never sends it to eBGP peers); an iBGP route without one carries GoBGP's default 100.
   */
  routes(ibgp: boolean): DesiredRoute[] {
    return [...this.byPrefix.values()]
      .sort(
        (a, b) =>
          b.prefix.length - a.prefix.length || compareBytes(a.prefix.address, b.prefix.address),
      )
      .map((p) => ({
        prefix: formatPrefix(p.prefix),
        attributes: {
          origin: p.origin,
          communities: p.communities.map(formatCommunity),
          largeCommunities: p.large.map(formatLargeCommunity),
          ...(ibgp ? { localPref: p.localPref ?? 100 } : {}),
        },
        sources: p.sources,
      }));
  }
}

/** Lexicographic byte comparison (addresses of one family have equal lengths). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

/** The AFI name (`ipv4`/`ipv6`) of an address or prefix text. */
export function afiOf(text: string): 'ipv4' | 'ipv6' {
  return text.includes(':') ? 'ipv6' : 'ipv4';
}

/** A host prefix (`/32` or `/128`) for an address. */
export function hostPrefix(ip: string): string {
  return `${ip.split('%')[0]}/${afiOf(ip) === 'ipv4' ? 32 : 128}`;
}
