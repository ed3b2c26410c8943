/**
 * The protocol's own export rules: what may be advertised to a neighbour, and how the attributes
 * change on the way out. Policy (an export hook) runs after these; it cannot override them.
 *
 * - Never back to the peer it came from; NO_ADVERTISE to nobody; NO_EXPORT and
 *   NO_EXPORT_SUBCONFED not to eBGP peers (RFC 1997).
 * - eBGP (RFC 4271 §5.1): prepend our AS, next hop self by default, LOCAL_PREF removed (§5.1.5),
 *   MED only for our own routes (§5.1.4), ORIGINATOR_ID / CLUSTER_LIST and other non-transitive
 *   optional attributes removed; not sent to the AS it came from unless configured.
 * - iBGP: LOCAL_PREF always present (§5.1.5); a route learned over iBGP is not sent to another
 *   iBGP peer (§9.2) unless we reflect it (RFC 4456 §6: from a client to everyone, from a
 *   non-client to clients), in which case ORIGINATOR_ID is set if absent and our cluster id is
 *   prepended to CLUSTER_LIST (§8); a route is not reflected to its originator. Routes learned
 *   from a confederation eBGP peer are not iBGP-learned: they go to every iBGP peer.
 * - Confederations (RFC 5065): towards a peer outside the confederation the confederation
 *   segments are removed and the confederation identifier, not our member AS, is prepended
 *   (§4.1 c, §5). Towards a peer in another member AS (confederation eBGP) our member AS is
 *   prepended in an AS_CONFED_SEQUENCE (§4.1 b); NEXT_HOP (by default), MED and LOCAL_PREF are
 *   kept (§5.1, §5.2); NO_EXPORT is sent but NO_EXPORT_SUBCONFED is not (RFC 1997); a route is
 *   not sent back to the member AS it came from unless configured; ORIGINATOR_ID, CLUSTER_LIST
 *   and non-transitive optional attributes are removed as for eBGP, since reflection clusters do
 *   not span member ASes.
 *
 * @module
 */
import { AttributeFlag, WellKnownCommunity } from '@bgp/wire';
import { type Confederation, confedNeighborAs, prependConfedAs } from './confederation.js';
import type { Peer } from './peer.js';
import type { RibRoute } from './rib.js';
import {
  neighborAs,
  prependAs,
  type RouteAttributes,
  routeAttributes,
} from './route-attributes.js';

/**
 * What crosses an AS boundary unchanged (to a true or a confederation eBGP peer): communities,
 * ATOMIC_AGGREGATE, AGGREGATOR, OTC, and the optional transitive attributes we do not interpret
 * (non-transitive ones stop here, RFC 4271 §5).
 */
function carriedAcrossAses(a: RouteAttributes): Partial<RouteAttributes> {
  return {
    communities: a.communities,
    largeCommunities: a.largeCommunities,
    atomicAggregate: a.atomicAggregate,
    aggregator: a.aggregator,
    otc: a.otc,
    other: a.other.filter((r) => (r.flags & AttributeFlag.TRANSITIVE) !== 0),
  };
}

/** How routes are sent to one neighbour. */
export interface ExportTarget {
  /** The neighbour, as registered in the RIB. */
  readonly peer: Peer;
  /** Our address on the session per family, used for next-hop self. */
  readonly localAddress: {
    /** Our IPv4 address (4 bytes). */
    readonly ipv4?: Uint8Array;
    /** Our IPv6 address (16 bytes, or 32 with a link-local one after it). */
    readonly ipv6?: Uint8Array;
  };
  /**
   * Rewrite the next hop to our address (default: true for eBGP, false for iBGP and
   * confederation eBGP).
   */
  readonly nextHopSelf?: boolean;
  /**
   * Send routes to the neighbour AS they came from (default false); towards a confederation eBGP
   * peer, to the member AS they came from.
   */
  readonly sendToOriginAs?: boolean;
}

/** Local facts the rules need. */
export interface ExportEnvironment {
  /** Our AS (our member AS in a confederation). */
  readonly localAsn: number;
  /**
   * Our confederation (RFC 5065), when we are a member; default: the target peer's
   * {@link Peer.confederation}, which the RIB sets on every peer.
   */
  readonly confederation?: Confederation;
  /** Route-reflection cluster id (RFC 4456). */
  readonly clusterId: number;
  /** LOCAL_PREF sent to iBGP peers for routes that have none (default 100). */
  readonly defaultLocalPref?: number;
}

/** The outcome of the rules for one route and one neighbour. */
export type ExportDecision =
  | {
      /** The route may be sent. */
      readonly send: true;
      /** The attributes to send it with (before the export hook). */
      readonly attributes: RouteAttributes;
    }
  | {
      /** The route must not be sent. */
      readonly send: false;
      /** Which rule stopped it. */
      readonly reason: string;
    };

const isZero = (a: Uint8Array): boolean => a.every((b) => b === 0);

/** Applies the export rules for `route` (of family `afi`) towards `target`. */
export function exportRoute(
  route: RibRoute,
  afi: 1 | 2,
  target: ExportTarget,
  env: ExportEnvironment,
): ExportDecision {
  const from = route.peer;
  const to = target.peer;
  const a = route.attributes.attributes;
  if (from.id === to.id) return { send: false, reason: 'learned from this peer' };
  if (a.communities.includes(WellKnownCommunity.NO_ADVERTISE)) {
    return { send: false, reason: 'NO_ADVERTISE' };
  }
  const self = afi === 1 ? target.localAddress.ipv4 : target.localAddress.ipv6;
  const confederation = env.confederation ?? to.confederation;
  if (to.kind === 'confed-ebgp') return toConfedPeer(route, target, env, self);
  if (to.kind === 'ebgp') {
    if (a.communities.includes(WellKnownCommunity.NO_EXPORT))
      return { send: false, reason: 'NO_EXPORT' };
    if (a.communities.includes(WellKnownCommunity.NO_EXPORT_SUBCONFED)) {
      return { send: false, reason: 'NO_EXPORT_SUBCONFED' };
    }
    // From elsewhere than an eBGP peer, the AS the route came from is the first one outside the
    // confederation segments (neighborAs skips them).
    const originAs = from.kind === 'ebgp' ? from.asn : neighborAs(a.asPath);
    if (target.sendToOriginAs !== true && originAs === to.asn) {
      return { send: false, reason: 'neighbour AS is the origin AS' };
    }
    const nhSelf = target.nextHopSelf ?? true;
    if ((nhSelf || isZero(a.nextHop)) && self === undefined) {
      return { send: false, reason: 'no local address for next-hop self' };
    }
    return {
      send: true,
      attributes: routeAttributes({
        origin: a.origin,
        // prependAs drops the confederation segments (RFC 5065 §5); outside the confederation our
        // AS is its identifier (§4).
        asPath: prependAs(a.asPath, confederation?.identifier ?? env.localAsn),
        nextHop: nhSelf || isZero(a.nextHop) ? self! : a.nextHop,
        // RFC 4271 §5.1.4: a MED received from a neighbouring AS is not passed to another one.
        ...(from.kind === 'local' && a.med !== undefined ? { med: a.med } : {}),
        ...carriedAcrossAses(a),
      }),
    };
  }
  // iBGP target.
  let originatorId = a.originatorId;
  let clusterList = a.clusterList;
  if (from.kind === 'ibgp') {
    if (!from.routeReflectorClient && !to.routeReflectorClient) {
      return { send: false, reason: 'iBGP-learned route to an iBGP peer without route reflection' };
    }
    originatorId = originatorId ?? from.bgpIdentifier;
    if (originatorId === to.bgpIdentifier)
      return { send: false, reason: 'peer is the ORIGINATOR_ID' };
    clusterList = [env.clusterId, ...clusterList];
  }
  const nhSelf = target.nextHopSelf ?? false;
  const useSelf = nhSelf || isZero(a.nextHop);
  if (useSelf && self === undefined)
    return { send: false, reason: 'no local address for next-hop self' };
  return {
    send: true,
    attributes: routeAttributes({
      ...a,
      nextHop: useSelf ? self! : a.nextHop,
      localPref: a.localPref ?? env.defaultLocalPref ?? 100,
      ...(originatorId !== undefined ? { originatorId } : {}),
      clusterList,
    }),
  };
}

/**
 * RFC 5065 §4.1 b, §5.2: a route towards a peer in another member AS of our confederation. It is
 * advertised as to an eBGP peer (iBGP-learned routes included) but keeps the attributes that are
 * meaningful throughout the confederation.
 */
function toConfedPeer(
  route: RibRoute,
  target: ExportTarget,
  env: ExportEnvironment,
  self: Uint8Array | undefined,
): ExportDecision {
  const from = route.peer;
  const a = route.attributes.attributes;
  // RFC 1997: NO_EXPORT_SUBCONFED stays within our member AS; NO_EXPORT may cross member ASes.
  if (a.communities.includes(WellKnownCommunity.NO_EXPORT_SUBCONFED)) {
    return { send: false, reason: 'NO_EXPORT_SUBCONFED' };
  }
  // The member AS the route came from: the peer's for a confederation eBGP route, else the one
  // that leads the path's AS_CONFED_SEQUENCE (an iBGP-learned route that entered our member AS
  // from another member). Sending it there would only make the neighbour drop it as a loop.
  const originMember = from.kind === 'confed-ebgp' ? from.asn : confedNeighborAs(a.asPath);
  if (target.sendToOriginAs !== true && originMember === target.peer.asn) {
    return { send: false, reason: 'neighbour member AS is the one the route came from' };
  }
  // RFC 5065 §5.1: NEXT_HOP unchanged by default (member ASes may share an IGP).
  const useSelf = (target.nextHopSelf ?? false) || isZero(a.nextHop);
  if (useSelf && self === undefined) {
    return { send: false, reason: 'no local address for next-hop self' };
  }
  return {
    send: true,
    attributes: routeAttributes({
      origin: a.origin,
      asPath: prependConfedAs(a.asPath, env.localAsn),
      nextHop: useSelf ? self! : a.nextHop,
      ...(a.med !== undefined ? { med: a.med } : {}),
      localPref: a.localPref ?? env.defaultLocalPref ?? 100,
      ...carriedAcrossAses(a),
    }),
  };
}
