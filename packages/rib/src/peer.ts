/**
 * What the RIB knows about a neighbour: enough for the decision process and the export rules.
 *
 * @module
 */
import { formatAddress, parseAddress } from '@bgp/wire';
import { type Confederation, peerKindOf } from './confederation.js';

/**
 * How a route source relates to us: eBGP (another AS; outside our confederation when we are in
 * one), iBGP (our AS, our member AS in a confederation), confederation eBGP (another member AS of
 * our confederation, RFC 5065), or locally originated.
 */
export type PeerKind = 'ebgp' | 'ibgp' | 'confed-ebgp' | 'local';

/** Configuration of a neighbour, given to {@link Rib.addPeer}. */
export interface PeerConfig {
  /** Neighbour address (text or 4/16 bytes); the last tie-break compares it. */
  readonly address: string | Uint8Array;
  /**
   * Neighbour AS; equal to the local AS makes the session iBGP, another member AS of our
   * confederation makes it confederation eBGP.
   */
  readonly asn: number;
  /** Neighbour BGP Identifier (from its OPEN), unsigned 32-bit. */
  readonly bgpIdentifier: number;
  /** The neighbour is a route-reflector client of ours (RFC 4456). */
  readonly routeReflectorClient?: boolean;
  /** Paths arrive with ADD-PATH path identifiers (RFC 7911), per address family (1, 2). */
  readonly addPathReceive?: readonly number[];
  /** Name for explanations and logs (default: the address). */
  readonly name?: string;
  /**
   * Routes expected from this peer per family: pre-sizes its Adj-RIB-In (again after a peer
   * down) so that a full feed does not rehash the table as it grows. Default: start small.
   */
  readonly expectedRoutes?: ExpectedRoutes;
}

/** Expected route counts per family, to pre-size tables (a hint, never a limit). */
export interface ExpectedRoutes {
  /** IPv4 unicast routes. */
  readonly ipv4?: number;
  /** IPv6 unicast routes. */
  readonly ipv6?: number;
}

/** A registered route source. Id 0 is the local pseudo-peer (locally originated routes). */
export interface Peer {
  /** Index of the peer in the RIB (small integer). */
  readonly id: number;
  /** Name for explanations. */
  readonly name: string;
  /** Neighbour address, 4 or 16 bytes (all zero for the local pseudo-peer). */
  readonly address: Uint8Array;
  /** Neighbour AS. */
  readonly asn: number;
  /** Neighbour BGP Identifier. */
  readonly bgpIdentifier: number;
  /** eBGP, iBGP, confederation eBGP, or locally originated. */
  readonly kind: PeerKind;
  /** Route-reflector client (RFC 4456). */
  readonly routeReflectorClient: boolean;
  /** Families (AFI 1, 2) whose NLRI carry ADD-PATH path identifiers inbound. */
  readonly addPathReceive: ReadonlySet<number>;
  /**
   * Our confederation, when the RIB is a member of one (RFC 5065): the export rules read the
   * confederation identifier from here when their environment does not give it.
   */
  readonly confederation?: Confederation;
}

/**
 * Builds the {@link Peer} record for `config` relative to the local AS (our member AS when we are
 * in a `confederation`).
 */
export function makePeer(
  id: number,
  config: PeerConfig,
  localAsn: number,
  confederation?: Confederation,
): Peer {
  const address =
    typeof config.address === 'string'
      ? parseAddress(config.address)
      : Uint8Array.from(config.address);
  return {
    id,
    name: config.name ?? formatAddress(address),
    address,
    asn: config.asn,
    bgpIdentifier: config.bgpIdentifier >>> 0,
    kind: peerKindOf(config.asn, localAsn, confederation),
    routeReflectorClient: config.routeReflectorClient ?? false,
    addPathReceive: new Set(config.addPathReceive ?? []),
    ...(confederation !== undefined ? { confederation } : {}),
  };
}

/** Compares two addresses as unsigned numbers (IPv4 sorts before IPv6). */
export function compareAddresses(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return a.length - b.length;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return 0;
}
