/**
 * Whether a path may be selected at all (RFC 4271 §9.1.2): loop checks on its attribute set (our
 * AS in the AS_PATH, RFC 4456 ORIGINATOR_ID and CLUSTER_LIST) and the reachability and IGP cost
 * of its next hop. All of them depend on the set alone, not on the route, so they are computed
 * once per set and cached in the {@link AttributeStore}'s columns; a full table has about ten
 * routes per set.
 *
 * @module
 */
import type { AttributeStore } from './attribute-store.js';
import { asPathLoops } from './confederation.js';
import type { IneligibleReason } from './decision.js';
import type { PeerKind } from './peer.js';
import type { NextHopResolver, RibOptions } from './rib-types.js';
import type { RouteAttributes } from './route-attributes.js';

/** Why a set is ineligible, by code (0: eligible). */
export const REASONS: readonly (IneligibleReason | undefined)[] = [
  undefined,
  'next-hop-unreachable',
  'as-loop',
  'originator-id-loop',
  'cluster-list-loop',
];

/** The next epoch of any {@link Eligibility}. */
let nextEpoch = 0;

/** The eligibility of attribute sets for one RIB, cached per set and epoch. */
export class Eligibility {
  /**
   * A set's cached result (in the store) is ours while it is stamped with this number. Drawn
   * from one counter for every instance, so that two RIBs sharing a store never take each
   * other's cached results for their own (their resolvers and loop checks may differ); they
   * re-settle a set when the other one settled it last.
   */
  private epoch = nextEpoch++;
  private readonly store: AttributeStore;
  private readonly options: RibOptions;
  private readonly resolver: NextHopResolver | undefined;
  private readonly clusterId: number;

  /**
   * @param store - the RIB's attribute sets
   * @param options - the RIB's options (router id, AS, confederation, cluster id)
   * @param resolver - next-hop cost resolver
   */
  constructor(store: AttributeStore, options: RibOptions, resolver: NextHopResolver | undefined) {
    this.store = store;
    this.options = options;
    this.resolver = resolver;
    this.clusterId = (options.clusterId ?? options.routerId) >>> 0;
  }

  /** Forgets every cached result (the next hops' reachability or costs changed). */
  invalidate(): void {
    this.epoch = nextEpoch++;
  }

  /**
   * Settles set `id` now if it is not settled in this epoch, with its decoded form `a` at hand
   * (decoding it again later, only to check it, cost more than the check).
   */
  settleNew(id: number, a: RouteAttributes): void {
    if (this.store.igpEpochOf(id) !== this.epoch) this.settle(id, a);
  }

  /** Eligibility code of set `id` for a route from a peer of `peerKind` (0 eligible; see REASONS). */
  of(id: number, peerKind: PeerKind): number {
    const store = this.store;
    if (store.igpEpochOf(id) !== this.epoch) this.settle(id, store.get(id).attributes);
    const c = store.igpCostOf(id);
    if (c >= 0) return 0;
    // Locally originated routes are ours: loop checks do not apply, reachability does.
    if (peerKind === 'local' && c !== -1) return 0;
    return -c;
  }

  /** The IGP cost to the next hop of set `id` (0 when it is ineligible). */
  igpCost(id: number): number {
    return Math.max(0, this.store.igpCostOf(id));
  }

  /** Computes and caches set `id`'s loop checks and next-hop cost for the current epoch. */
  private settle(id: number, a: RouteAttributes): void {
    let code = 0;
    let cost = 0;
    if (a.originatorId !== undefined && a.originatorId >>> 0 === this.options.routerId >>> 0)
      code = 3;
    else if (a.clusterList.some((c) => c >>> 0 === this.clusterId)) code = 4;
    else if (asPathLoops(a.asPath, this.options.localAsn, this.options.confederation)) code = 2;
    else if (this.resolver !== undefined) {
      const c = this.resolver(a.nextHop);
      if (c === undefined) code = 1;
      else cost = c;
    }
    this.store.setIgp(id, this.epoch, code === 0 ? cost : -code);
  }
}
