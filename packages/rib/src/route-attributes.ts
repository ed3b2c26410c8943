/**
 * The normalized view of a path attribute set that the RIB decides on and re-advertises.
 *
 * The decision process reads a handful of attributes (ORIGIN, AS_PATH, MED, LOCAL_PREF,
 * ORIGINATOR_ID, CLUSTER_LIST, the next hop); export rules touch a few more (communities,
 * AGGREGATOR, OTC). Everything else is kept as raw attributes in `other` so that optional
 * transitive attributes the RIB does not understand are passed on unchanged (RFC 4271 §5).
 *
 * @module
 */
import { AsPathSegmentType, type Origin } from '@bgp/wire';

/** One AS_PATH segment (RFC 4271 §4.3, RFC 5065 §3). ASNs are 4-octet values. */
export interface AsPathSegment {
  /** Segment type (`AsPathSegmentType` of `@bgp/wire`: AS_SET 1, AS_SEQUENCE 2, confederation 3, 4). */
  readonly type: number;
  /** Autonomous system numbers, in path order. */
  readonly asns: readonly number[];
}

/** A path attribute the RIB keeps as bytes (flags and value as received). */
export interface RawAttribute {
  /** Attribute type code (IANA BGP Path Attributes). */
  readonly typeCode: number;
  /** Attribute flags as on the wire (the extended-length bit is recomputed on encode). */
  readonly flags: number;
  /** Attribute value. */
  readonly value: Uint8Array;
}

/** A large community (RFC 8092): global administrator, local data part 1, local data part 2. */
export type LargeCommunity = readonly [number, number, number];

/** The attributes of a route, normalized; MP_REACH/MP_UNREACH are not part of it. */
export interface RouteAttributes {
  /** ORIGIN (RFC 4271 §5.1.1): IGP 0, EGP 1, INCOMPLETE 2. */
  readonly origin: (typeof Origin)[keyof typeof Origin];
  /** AS_PATH with 4-octet ASNs (AS4_PATH already merged, RFC 6793 §4.2.3). */
  readonly asPath: readonly AsPathSegment[];
  /** Next hop: 4 bytes (IPv4), 16 (IPv6 global) or 32 (IPv6 global then link-local). */
  readonly nextHop: Uint8Array;
  /** MULTI_EXIT_DISC, when present. */
  readonly med?: number;
  /** LOCAL_PREF, when present. */
  readonly localPref?: number;
  /** COMMUNITIES (RFC 1997) as 32-bit values. */
  readonly communities: readonly number[];
  /** LARGE_COMMUNITY (RFC 8092). */
  readonly largeCommunities: readonly LargeCommunity[];
  /** ORIGINATOR_ID (RFC 4456), a BGP Identifier. */
  readonly originatorId?: number;
  /** CLUSTER_LIST (RFC 4456), nearest cluster first. */
  readonly clusterList: readonly number[];
  /** ATOMIC_AGGREGATE is present. */
  readonly atomicAggregate: boolean;
  /** AGGREGATOR (4-octet ASN, IPv4 address). */
  readonly aggregator?: {
    /** Aggregating AS (4-octet). */
    readonly asn: number;
    /** Aggregating speaker's address (4 bytes). */
    readonly address: Uint8Array;
  };
  /** Only to Customer (RFC 9234 §5). */
  readonly otc?: number;
  /** Every other attribute, raw, in type-code order, for re-advertising. */
  readonly other: readonly RawAttribute[];
}

/**
 * Builds a {@link RouteAttributes}, filling absent fields with their empty values. Every object it
 * makes has the same keys in the same order (absent optional fields are present as `undefined`):
 * one hidden class for every set keeps the decision process's property reads monomorphic, and
 * building it takes no object spreads.
 */
export function routeAttributes(
  fields: Partial<RouteAttributes> & Pick<RouteAttributes, 'nextHop'>,
): RouteAttributes {
  return {
    origin: fields.origin ?? 0,
    asPath: fields.asPath ?? [],
    nextHop: fields.nextHop,
    med: fields.med,
    localPref: fields.localPref,
    communities: fields.communities ?? [],
    largeCommunities: fields.largeCommunities ?? [],
    originatorId: fields.originatorId,
    clusterList: fields.clusterList ?? [],
    atomicAggregate: fields.atomicAggregate ?? false,
    aggregator: fields.aggregator,
    otc: fields.otc,
    other: fields.other ?? [],
  };
}

/** A one-segment AS_SEQUENCE, the common case. */
export function asSequence(...asns: number[]): AsPathSegment[] {
  return asns.length === 0 ? [] : [{ type: AsPathSegmentType.AS_SEQUENCE, asns }];
}

/**
 * AS_PATH length for the decision process (RFC 4271 §9.1.2.2 a): an AS_SET counts as one
 * whatever its size, and confederation segments do not count (RFC 5065 §5.3).
 */
export function asPathLength(asPath: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of asPath) {
    if (s.type === AsPathSegmentType.AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AsPathSegmentType.AS_SET) n += 1;
  }
  return n;
}

/**
 * The neighbouring AS of a route (RFC 4271 §9.1.2.2 c): the leftmost AS of the AS_PATH, ignoring
 * confederation segments (RFC 5065 §5.3). Undefined for an empty path (an internal route).
 */
export function neighborAs(asPath: readonly AsPathSegment[]): number | undefined {
  for (const s of asPath) {
    if (s.type === AsPathSegmentType.AS_SEQUENCE) return s.asns[0];
    if (s.type === AsPathSegmentType.AS_SET) return undefined;
  }
  return undefined;
}

/** True when `asn` appears anywhere in the path (RFC 4271 §9.1.2 loop detection). */
export function asPathContains(asPath: readonly AsPathSegment[], asn: number): boolean {
  for (const s of asPath) if (s.asns.includes(asn)) return true;
  return false;
}

/** A copy of `path` with `asn` prepended to the leading AS_SEQUENCE (RFC 4271 §5.1.2). */
export function prependAs(asPath: readonly AsPathSegment[], asn: number): AsPathSegment[] {
  // Confederation segments are dropped when leaving the confederation (RFC 5065 §6).
  const path = asPath.filter(
    (s) =>
      s.type !== AsPathSegmentType.AS_CONFED_SEQUENCE && s.type !== AsPathSegmentType.AS_CONFED_SET,
  );
  const first = path[0];
  if (first && first.type === AsPathSegmentType.AS_SEQUENCE && first.asns.length < 255) {
    return [{ type: first.type, asns: [asn, ...first.asns] }, ...path.slice(1)];
  }
  return [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [asn] }, ...path];
}
