/**
 * The seam between the speaker's JSON-ready view of routes and `@bgp/rib`.
 *
 * Each instance of the {@link Speaker} keeps its routes in a `@bgp/rib` {@link Rib}: the accepted
 * routes of every peer (its Adj-RIB-In after the import hook), the locally originated ones (the
 * RIB's local pseudo-peer), and the Loc-RIB chosen by the RIB's RFC 4271 §9.1 decision process,
 * which also explains why each candidate lost. This file only converts: the speaker reports
 * attributes as text (`bgp-decode -o json` names, communities as `high:low`) while the RIB interns
 * them in wire form, and the speaker names a route's source by its configured address.
 *
 * @module
 */
import {
  asSequence,
  type DecisionStep,
  type Peer,
  type RibRoute,
  type RouteAttributes,
  routeAttributes,
} from '@bgp/rib';
import { formatAddress, type Prefix, parseAddress } from '@bgp/wire';
import { type OriginName, parseCommunityText, type SpeakerRouteAttributes } from './attributes.js';

/** Where a path came from. */
export interface PathSource {
  /** Peer address, or null for a locally originated route. */
  readonly address: string | null;
  /** Peer AS (the local AS for local routes). */
  readonly asn: number;
  /** Peer BGP Identifier (ours for local routes). */
  readonly bgpIdentifier: number;
  /** iBGP, eBGP or local. */
  readonly kind: 'ibgp' | 'ebgp' | 'confed-ebgp' | 'local';
}

/** One path of a prefix, as the speaker reports it. */
export interface RibPath {
  /** The prefix. */
  readonly prefix: Prefix;
  /** Its source. */
  readonly source: PathSource;
  /** Attributes as received (or originated). */
  readonly attributes: SpeakerRouteAttributes;
  /** Kept through a peer's graceful restart and not refreshed yet (RFC 4724 §4.2). */
  readonly stale: boolean;
}

/**
 * The decision step at which a path lost: the steps of `@bgp/rib`'s decision process
 * (RFC 4271 §9.1.2.2 and RFC 4456 §9), e.g. `local-pref`, `as-path-length`, `bgp-identifier`.
 */
export type LosingStep = DecisionStep;

const ORIGINS: readonly OriginName[] = ['IGP', 'EGP', 'INCOMPLETE'];

function isZero(a: Uint8Array): boolean {
  for (const b of a) if (b !== 0) return false;
  return true;
}

/**
 * The RIB form of speaker attributes for a route of family `afi`. A route without a next hop
 * (originated; export sets "self" per peer) gets the unspecified address, which
 * {@link fromRibAttributes} maps back to no next hop.
 */
export function toRibAttributes(a: SpeakerRouteAttributes, afi: 1 | 2): RouteAttributes {
  return routeAttributes({
    origin: ORIGINS.indexOf(a.origin) as 0 | 1 | 2,
    asPath: asSequence(...a.asPath),
    nextHop: a.nextHop !== undefined ? parseAddress(a.nextHop) : new Uint8Array(afi === 1 ? 4 : 16),
    ...(a.med !== undefined ? { med: a.med } : {}),
    ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
    communities: a.communities.map(parseCommunityText),
    largeCommunities: a.largeCommunities.map((t) => {
      const [g, l1, l2] = t.split(':').map(Number);
      return [g!, l1!, l2!] as const;
    }),
  });
}

/** The speaker form of RIB attributes (inverse of {@link toRibAttributes}). */
export function fromRibAttributes(r: RouteAttributes): SpeakerRouteAttributes {
  // IPv6 next hops may carry a link-local address after the global one; report the global one.
  const nh = r.nextHop.subarray(0, r.nextHop.length >= 16 ? 16 : 4);
  return {
    origin: ORIGINS[r.origin] ?? 'INCOMPLETE',
    asPath: r.asPath.flatMap((s) => s.asns),
    ...(!isZero(nh) ? { nextHop: formatAddress(nh) } : {}),
    ...(r.med !== undefined ? { med: r.med } : {}),
    ...(r.localPref !== undefined ? { localPref: r.localPref } : {}),
    communities: r.communities.map((c) => `${c >>> 16}:${c & 0xffff}`),
    largeCommunities: r.largeCommunities.map(([g, l1, l2]) => `${g}:${l1}:${l2}`),
  };
}

/**
 * The speaker's view of a RIB peer. The speaker registers each peer under its configured address
 * as the RIB peer's `name`, so that status shows the address exactly as configured.
 */
export function sourceOf(peer: Peer): PathSource {
  return {
    address: peer.kind === 'local' ? null : peer.name,
    asn: peer.asn,
    bgpIdentifier: peer.bgpIdentifier,
    kind: peer.kind,
  };
}

/** A RIB path of `prefix` as the speaker reports it. */
export function ribPathOf(prefix: Prefix, route: RibRoute): RibPath {
  return {
    prefix,
    source: sourceOf(route.peer),
    attributes: fromRibAttributes(route.attributes.attributes),
    stale: route.stale,
  };
}
