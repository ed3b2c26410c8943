/**
 * The public types of {@link Rib}: its options and components, and what it reports (routes,
 * change batches as objects, explanations).
 *
 * @module
 */
import type { Prefix } from '@bgp/wire';
import type { AttributeStore, InternedAttributes } from './attribute-store.js';
import type { DecisionOptions, ExplainedCandidate } from './decision.js';
import type { ExpectedRoutes, Peer } from './peer.js';

/** Options of a {@link Rib}. */
export interface RibOptions extends DecisionOptions {
  /** Our AS. */
  readonly localAsn: number;
  /** Our BGP Identifier, unsigned 32-bit (also the default cluster id). */
  readonly routerId: number;
  /** Route-reflection cluster id (RFC 4456 §7; default: `routerId`). */
  readonly clusterId?: number;
  /**
   * Prefixes the Loc-RIB is expected to hold per family: pre-sizes its tables and the path
   * records so that loading a full table does not rehash and copy them as they grow (per-peer
   * Adj-RIB-In sizes come from {@link PeerConfig.expectedRoutes}). The memory is committed when
   * the RIB is built (it shows in the RSS from then on), so that filling it takes no page
   * faults. Default: start small.
   */
  readonly expectedRoutes?: ExpectedRoutes;
  /**
   * Our BGP confederation (RFC 5065), when this AS is one of its members: `localAsn` is then our
   * member AS, peers in the other member ASes are confederation eBGP peers, and peers outside see
   * the confederation `identifier` as our AS.
   */
  readonly confederation?: {
    /** AS Confederation Identifier, the AS that peers outside the confederation see. */
    readonly identifier: number;
    /** Member ASes of the confederation (ours may be listed too). */
    readonly members: readonly number[];
  };
}

/**
 * Resolves the IGP cost to a next hop; `undefined` means unreachable, which makes every route
 * using it ineligible (RFC 4271 §9.1.2). Called once per attribute set until
 * {@link Rib.nextHopsChanged}.
 */
export type NextHopResolver = (nextHop: Uint8Array) => number | undefined;

/** Components of a {@link Rib}. */
export interface RibComponents {
  /** Next-hop cost resolver (default: every next hop reachable at cost 0). */
  readonly nextHopResolver?: NextHopResolver;
  /**
   * Shared attribute store (default: a new one). RIBs sharing one keep their own eligibility
   * (next-hop cost, loop checks) of each set; a set both use is re-checked when the other RIB
   * checked it last.
   */
  readonly attributeStore?: AttributeStore;
}

/** A path as the RIB reports it. */
export interface RibRoute {
  /** Where it came from (the local pseudo-peer for originated routes). */
  readonly peer: Peer;
  /** ADD-PATH path identifier (0 without ADD-PATH). */
  readonly pathId: number;
  /** Interned attributes. */
  readonly attributes: InternedAttributes;
  /** Kept across a session loss and not yet refreshed (graceful restart). */
  readonly stale: boolean;
}

/** One prefix whose paths changed, with its best path now. */
export interface LocRibChange {
  /** The prefix. */
  readonly prefix: Prefix;
  /** The best path, or undefined when no usable path is left. */
  readonly best: RibRoute | undefined;
}

/** Receives each flushed batch of Loc-RIB changes. */
export type LocRibListener = (changes: readonly LocRibChange[]) => void;

/** Result of {@link Rib.explain}. */
export interface Explanation {
  /** The prefix explained. */
  readonly prefix: Prefix;
  /** Candidates, best first, then the other eligible ones by rank, then ineligible ones. */
  readonly candidates: readonly (ExplainedCandidate & {
    /** The candidate as a RIB path. */
    readonly route: RibRoute;
  })[];
}
