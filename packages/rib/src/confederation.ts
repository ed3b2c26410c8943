/**
 * BGP confederations (RFC 5065): an AS split into member ASes that peer with each other over
 * "confederation eBGP" sessions, and that the rest of the world sees as one AS, the confederation
 * identifier.
 *
 * Inside the confederation the member AS is our AS: iBGP sessions run within it, the path records
 * the member ASes a route crossed in AS_CONFED_SEQUENCE / AS_CONFED_SET segments, and NEXT_HOP,
 * MED and LOCAL_PREF travel unchanged between members (§5.1, §5.2). Towards a peer outside, the
 * confederation identifier is our AS and the confederation segments are removed (§4.1 c, §5).
 *
 * The functions here are pure: the peer record ({@link makePeer}) classifies neighbours, the RIB
 * checks loops with {@link asPathLoops}, and the export rules ({@link exportRoute}) rewrite the
 * AS_PATH with {@link prependConfedAs} and {@link stripConfedSegments}.
 *
 * @module
 */
import { AsPathSegmentType } from '@bgp/wire';
import type { PeerKind } from './peer.js';
import type { AsPathSegment } from './route-attributes.js';

/** Our confederation (RFC 5065 §2): its externally visible AS and its member ASes. */
export interface Confederation {
  /** AS Confederation Identifier: the AS that peers outside the confederation see. */
  readonly identifier: number;
  /**
   * Member-AS numbers of the other members we may peer with (our own member AS, the RIB's
   * `localAsn`, may be listed too). A peer whose AS is one of them is a confederation eBGP peer.
   */
  readonly members: readonly number[];
}

/** True for the segment types that only exist inside a confederation (RFC 5065 §3). */
export function isConfedSegment(type: number): boolean {
  return type === AsPathSegmentType.AS_CONFED_SEQUENCE || type === AsPathSegmentType.AS_CONFED_SET;
}

/**
 * How a neighbour of AS `asn` relates to us: our own (member) AS is iBGP, another member AS of
 * our confederation is confederation eBGP, anything else is eBGP.
 */
export function peerKindOf(asn: number, localAsn: number, confederation?: Confederation): PeerKind {
  if (asn === localAsn) return 'ibgp';
  if (confederation?.members.includes(asn) === true) return 'confed-ebgp';
  return 'ebgp';
}

/**
 * AS_PATH loop detection on receipt (RFC 4271 §9.1.2; RFC 5065 §4). Without a confederation, our
 * AS anywhere in the path is a loop. In a confederation, the path loops when the confederation
 * identifier appears in an AS_SEQUENCE or AS_SET (the route left the confederation and came
 * back), or when our member AS appears in an AS_CONFED_SEQUENCE or AS_CONFED_SET (the route
 * already crossed our member AS inside the confederation).
 */
export function asPathLoops(
  asPath: readonly AsPathSegment[],
  localAsn: number,
  confederation?: Confederation,
): boolean {
  for (const s of asPath) {
    if (confederation === undefined) {
      if (s.asns.includes(localAsn)) return true;
    } else if (isConfedSegment(s.type)) {
      if (s.asns.includes(localAsn)) return true;
    } else if (s.asns.includes(confederation.identifier)) return true;
  }
  return false;
}

/**
 * The path without its confederation segments: what may leave the confederation (RFC 5065 §5: a
 * speaker MUST NOT send AS_CONFED_SEQUENCE or AS_CONFED_SET to a peer outside it).
 */
export function stripConfedSegments(asPath: readonly AsPathSegment[]): AsPathSegment[] {
  return asPath.filter((s) => !isConfedSegment(s.type));
}

/**
 * A copy of `asPath` with our member AS prepended for a peer in another member AS (RFC 5065
 * §4.1 b): into the leading AS_CONFED_SEQUENCE when there is one with room, otherwise in a new
 * AS_CONFED_SEQUENCE segment put in front (also when the path is empty or starts with another
 * segment type, or the leading sequence already holds 255 ASes).
 */
export function prependConfedAs(
  asPath: readonly AsPathSegment[],
  memberAs: number,
): AsPathSegment[] {
  const first = asPath[0];
  if (first?.type === AsPathSegmentType.AS_CONFED_SEQUENCE && first.asns.length < 255) {
    return [{ type: first.type, asns: [memberAs, ...first.asns] }, ...asPath.slice(1)];
  }
  return [{ type: AsPathSegmentType.AS_CONFED_SEQUENCE, asns: [memberAs] }, ...asPath];
}

/**
 * The member AS a route entered our member AS from: the first AS of a leading
 * AS_CONFED_SEQUENCE, or undefined when the path does not start with one (the route came from
 * outside the confederation, or from inside our member AS).
 */
export function confedNeighborAs(asPath: readonly AsPathSegment[]): number | undefined {
  const first = asPath[0];
  return first?.type === AsPathSegmentType.AS_CONFED_SEQUENCE ? first.asns[0] : undefined;
}

/**
 * Checks the confederation segments of a received AS_PATH against the kind of the peer that sent
 * it (RFC 5065 §5): a peer outside the confederation must send none, and a peer in another member
 * AS must send a path that starts with an AS_CONFED_SEQUENCE. Returns why the path is
 * malformed (to be handled as a malformed AS_PATH, RFC 4271 §6.3 and RFC 7606 §7.2), or
 * undefined when it is acceptable.
 */
export function confedAsPathError(
  asPath: readonly AsPathSegment[],
  peerKind: PeerKind,
): string | undefined {
  if (peerKind === 'ebgp' && asPath.some((s) => isConfedSegment(s.type))) {
    return 'confederation segment from a peer outside the confederation';
  }
  if (peerKind === 'confed-ebgp' && asPath[0]?.type !== AsPathSegmentType.AS_CONFED_SEQUENCE) {
    return 'path from a confederation peer does not start with an AS_CONFED_SEQUENCE';
  }
  return undefined;
}
