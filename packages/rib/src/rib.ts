/**
 * Adj-RIB-In per peer and the Loc-RIB, over compact storage. Per address family:
 *
 * ```
 *  Loc-RIB: KeyTable (prefix) ──► head path record ─ next ─► other paths for the same prefix
 *                                  │ prefix key, peer, path id, attr set id, flags
 * ```
 *
 * A path record ({@link NodePool}) is one route of one peer. A prefix's Loc-RIB entry points at
 * the chain of the paths competing for it, best first; a peer's Adj-RIB-In is the records
 * carrying its id: a route received is found on its prefix's chain, a peer's routes by scanning
 * the records, which carry their prefix key (a hash table per peer cost a second random memory
 * access per route received). Attribute sets are interned ({@link AttributeStore}),
 * reference-counted by path, and their eligibility is cached ({@link Eligibility}). The decision
 * process ({@link selectBest}) runs on every change to a prefix's paths; with a single path,
 * most of a full table, it reduces to an eligibility check.
 *
 * Changed prefixes are listed once each ({@link ChangeList}) until {@link Rib.flush}, which hands
 * them to every subscriber as one batch: Adj-RIB-Out and datapath feeders diff against their own
 * state, so a batch says only "this prefix changed; here is its best path now".
 *
 * Graceful restart (RFC 4724) is stale-mark-and-sweep: {@link Rib.markStale} when the session
 * goes down, re-announcements clear the mark, {@link Rib.sweepStale} at End-of-RIB or when the
 * caller's stale timer fires.
 *
 * @module
 */
import type { Prefix } from '@bgp/wire';
import {
  AttributeStore,
  type InternedAttributes,
  isInternedAttributes,
} from './attribute-store.js';
import { ChangeList, type EligibilityOf, HEAD, LISTED, snapshotPart } from './change-list.js';
import {
  type Candidate,
  explainSelection,
  rankCandidates,
  selectBest,
  selectMultipath,
} from './decision.js';
import { Eligibility, REASONS } from './eligibility.js';
import { KeyTable } from './key-table.js';
import { type BatchFamily, LocRibBatch } from './loc-rib-batch.js';
import { NodePool, PATH_STALE } from './node-pool.js';
import { type ExpectedRoutes, makePeer, type Peer, type PeerConfig } from './peer.js';
import { nlriToWords, prefixToWords, prefixWidth, wordsToPrefix } from './prefix-key.js';
import type {
  Explanation,
  LocRibChange,
  LocRibListener,
  RibComponents,
  RibOptions,
  RibRoute,
} from './rib-types.js';
import type { RouteAttributes } from './route-attributes.js';

export type {
  Explanation,
  LocRibChange,
  LocRibListener,
  NextHopResolver,
  RibComponents,
  RibOptions,
  RibRoute,
} from './rib-types.js';

interface Family {
  /** The Loc-RIB: prefix key to head path (see change-list for the value's bits). */
  readonly dest: KeyTable;
  /** Prefixes changed since the last flush. */
  readonly changes: ChangeList;
}

interface PeerState {
  readonly peer: Peer;
  /** ADD-PATH receive per family index (the peer's set, looked up once). */
  readonly addPath: readonly [boolean, boolean];
  /** Paths held from this peer per family index: its Adj-RIB-In sizes. */
  readonly counts: [number, number];
  /** Paths expected from this peer per family index ({@link PeerConfig.expectedRoutes}). */
  readonly expected: readonly [number, number];
}

/** Prefixes whose Loc-RIB slots {@link Rib.announceIpv4Run} reads ahead at a time. */
const RUN_GROUP = 16;

/** The local pseudo-peer id: locally originated routes enter as if learned from it. */
export const LOCAL_PEER = 0;

/**
 * Adj-RIB-In for every peer plus the Loc-RIB, for IPv4 and IPv6 unicast.
 *
 * @example
 * ```ts
 * const rib = new Rib({ localAsn: 65000, routerId: 0x0a000001 });
 * const p = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 0xc0000201 });
 * rib.announce(p, parsePrefix('10.0.0.0/8'),
 *   routeAttributes({ nextHop: parseAddress('192.0.2.1'), asPath: asSequence(65001) }));
 * const changes = rib.flush(); // [{ prefix: 10.0.0.0/8, best: { peer: p, ... } }]
 * ```
 */
export class Rib {
  /** The options it was built with. */
  readonly options: RibOptions;
  /** Interned attribute sets. */
  readonly attributes: AttributeStore;
  /** Loop checks and next-hop reachability of each attribute set, cached. */
  private readonly eligible: Eligibility;
  private readonly families: readonly [Family, Family];
  private readonly peers: (PeerState | undefined)[] = [];
  /** Path records per family index: every peer's Adj-RIB-In, chained per Loc-RIB prefix. */
  private readonly pools: readonly [NodePool, NodePool];
  /** Paths expected in all per family index, from {@link PeerConfig.expectedRoutes}. */
  private readonly reserved: [number, number] = [0, 0];
  private readonly listeners: LocRibListener[] = [];
  private readonly batchListeners: ((batch: LocRibBatch) => void)[] = [];
  private readonly words = new Uint32Array(6);
  /** @internal What {@link Rib.announceIpv4Run} read ahead (kept so the reads are not dropped). */
  readAhead = 0;
  /** Home slots of the group {@link Rib.announceIpv4Run} is inserting. */
  private readonly homes = new Int32Array(RUN_GROUP);

  /**
   * @param options - local AS, router id, decision options
   * @param components - next-hop resolver, shared attribute store
   */
  constructor(options: RibOptions, components: RibComponents = {}) {
    this.options = options;
    this.attributes = components.attributeStore ?? new AttributeStore();
    this.eligible = new Eligibility(this.attributes, options, components.nextHopResolver);
    const expected = options.expectedRoutes;
    this.pools = [
      new NodePool(prefixWidth(1), Math.max(1024, expected?.ipv4 ?? 0)),
      new NodePool(prefixWidth(2), Math.max(1024, expected?.ipv6 ?? 0)),
    ];
    const fam = (afi: 1 | 2): Family => {
      const dest = new KeyTable(
        prefixWidth(afi),
        Math.max(1024, KeyTable.capacityFor((afi === 1 ? expected?.ipv4 : expected?.ipv6) ?? 0)),
      );
      return { dest, changes: new ChangeList(afi, dest) };
    };
    this.families = [fam(1), fam(2)];
    const local: Peer = {
      id: LOCAL_PEER,
      name: 'local',
      address: new Uint8Array(4),
      asn: options.localAsn,
      bgpIdentifier: options.routerId >>> 0,
      kind: 'local',
      routeReflectorClient: false,
      addPathReceive: new Set([1, 2]),
    };
    this.peers.push(this.makeState(local));
  }

  private makeState(peer: Peer, expected?: ExpectedRoutes): PeerState {
    return {
      peer,
      addPath: [peer.addPathReceive.has(1), peer.addPathReceive.has(2)],
      counts: [0, 0],
      expected: [expected?.ipv4 ?? 0, expected?.ipv6 ?? 0],
    };
  }

  /** Registers a neighbour and returns its id. */
  addPeer(config: PeerConfig): number {
    const id = this.peers.length;
    if (id > 0xffff) throw new RangeError('too many peers');
    const { localAsn, confederation } = this.options;
    const state = this.makeState(
      makePeer(id, config, localAsn, confederation),
      config.expectedRoutes,
    );
    // Room for this peer's paths on top of the other peers' (the Loc-RIB's own sizing counts as
    // the first full feed), so that loading them does not grow the path records.
    for (const f of [0, 1] as const) {
      this.reserved[f] += state.expected[f];
      this.pools[f].reserve(this.reserved[f]);
    }
    this.peers.push(state);
    return id;
  }

  /** Withdraws every route of the peer and forgets it. */
  removePeer(peer: number): void {
    this.peerDown(peer);
    const s = this.state(peer);
    this.reserved[0] -= s.expected[0];
    this.reserved[1] -= s.expected[1];
    if (peer !== LOCAL_PEER) this.peers[peer] = undefined;
  }

  /** The peer record. */
  peer(peer: number): Peer {
    return this.state(peer).peer;
  }

  /** Every registered peer, the local pseudo-peer first. */
  allPeers(): Peer[] {
    return this.peers.filter((s): s is PeerState => s !== undefined).map((s) => s.peer);
  }

  private state(peer: number): PeerState {
    const s = this.peers[peer];
    if (s === undefined) throw new RangeError(`no peer ${peer}`);
    return s;
  }

  /** Subscribes to flushed change batches; returns the unsubscribe function. */
  subscribe(listener: LocRibListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Interns `attrs` (or returns it when already interned). */
  intern(attrs: RouteAttributes | InternedAttributes): InternedAttributes {
    if (isInternedAttributes(attrs)) return attrs;
    const set = this.attributes.intern(attrs);
    // Check the set's eligibility now, while its decoded form is at hand: by the flush it may
    // have left the store's small cache of decoded sets, and decoding it again only to check it
    // cost more than the check (a full table has a set per ten routes).
    this.eligible.settleNew(set.id, attrs);
    return set;
  }

  // ---------------------------------------------------------------- ingest

  /** Announces (or replaces) the path `pathId` of `prefix` from `peer`. */
  announce(
    peer: number,
    prefix: Prefix,
    attrs: RouteAttributes | InternedAttributes,
    pathId = 0,
  ): void {
    prefixToWords(prefix, this.words);
    this.upsert(peer, prefix.afi - 1, pathId, this.intern(attrs).id);
  }

  /** Withdraws the path; returns false when it was not there. */
  withdraw(peer: number, prefix: Prefix, pathId = 0): boolean {
    prefixToWords(prefix, this.words);
    return this.remove(peer, prefix.afi - 1, pathId);
  }

  /**
   * Announces a prefix given in NLRI encoding (`length` bits at `bytes[offset]`): the allocation-
   * free ingest path, shaped like a prefix-walk visitor.
   */
  announceNlri(
    peer: number,
    afi: number,
    length: number,
    bytes: Uint8Array,
    offset: number,
    pathId: number,
    attrs: InternedAttributes,
  ): void {
    nlriToWords(afi, length, bytes, offset, this.words);
    this.upsert(peer, afi - 1, pathId, attrs.id);
  }

  /** Withdraws a prefix given in NLRI encoding; returns false when it was not there. */
  withdrawNlri(
    peer: number,
    afi: number,
    length: number,
    bytes: Uint8Array,
    offset: number,
    pathId: number,
  ): boolean {
    nlriToWords(afi, length, bytes, offset, this.words);
    return this.remove(peer, afi - 1, pathId);
  }

  /** Announces an IPv4 prefix given as a 32-bit address and a length (host bits must be clear). */
  announceIpv4(
    peer: number,
    address: number,
    length: number,
    attrs: InternedAttributes,
    pathId = 0,
  ): void {
    this.words[0] = address;
    this.words[1] = length;
    this.upsert(peer, 0, pathId, attrs.id);
  }

  /**
   * Announces `count` IPv4 prefixes that share one attribute set, as the NLRI of one UPDATE do:
   * prefix `i` is `addresses[i]`/`lengths[i]` (host bits clear), with path id `pathIds[i]` when
   * given. The same as {@link Rib.announceIpv4} for each in turn, and faster on a large table:
   * it reads the Loc-RIB slots of a group of prefixes before inserting them, so that their cache
   * misses overlap instead of coming one after another (11 to 13 % off loading a million
   * routes, in two in-process A/Bs of the two).
   */
  announceIpv4Run(
    peer: number,
    addresses: Uint32Array,
    lengths: Uint8Array,
    count: number,
    attrs: InternedAttributes,
    pathIds?: Uint32Array,
  ): void {
    const ps = this.state(peer);
    const ids = ps.addPath[0] ? pathIds : undefined;
    const { dest, changes } = this.families[0];
    const nodes = this.pools[0];
    const id = attrs.id;
    // New prefixes (most of a table loading) take the inline path; their references to the set
    // are counted in bulk, always before a known prefix's update (which may release the set).
    let added = 0;
    for (let start = 0; start < count; start += RUN_GROUP) {
      const end = Math.min(count, start + RUN_GROUP);
      this.readAhead = dest.readAhead2(addresses, lengths, start, end, this.homes);
      const capacity = dest.capacity;
      for (let i = start; i < end; i++) {
        const k0 = addresses[i]!;
        const k1 = lengths[i]!;
        // The homes were computed for this capacity; a growth on the way invalidates them.
        const ds =
          dest.capacity === capacity
            ? dest.insertSlot2At(this.homes[i - start]!, k0, k1)
            : dest.insertSlot2(k0, k1);
        const pathId = ids === undefined ? 0 : ids[i]!;
        if (dest.inserted) {
          const n = nodes.allocIpv4(k0, k1, peer, pathId, id);
          dest.values[ds] = changes.addedIpv4(ds, n, k0, k1);
          added++;
        } else {
          if (added > 0) {
            this.attributes.retain(id, added);
            ps.counts[0] += added;
            added = 0;
          }
          this.words[0] = k0;
          this.words[1] = k1;
          this.upsertAt(ps, 0, ds, pathId, id);
        }
      }
    }
    if (added > 0) {
      this.attributes.retain(id, added);
      ps.counts[0] += added;
    }
  }

  /** Withdraws an IPv4 prefix given as a 32-bit address and a length. */
  withdrawIpv4(peer: number, address: number, length: number, pathId = 0): boolean {
    this.words[0] = address;
    this.words[1] = length;
    return this.remove(peer, 0, pathId);
  }

  private destKey(f: number): KeyTable {
    const dest = this.families[f]!.dest;
    const s = dest.scratch;
    for (let i = 0; i < dest.width; i++) s[i] = this.words[i]!;
    return dest;
  }

  /**
   * The path of `peer` with `pathId` in the chain starting at `head`, or -1. A prefix has a path
   * per peer (per path id with ADD-PATH), so the chain is short; walking it replaces a per-peer
   * Adj-RIB-In index, which cost a random memory access per route received.
   */
  private pathOf(nodes: NodePool, head: number, peer: number, pathId: number): number {
    for (let n = head; n >= 0; n = nodes.next[n]!)
      if (nodes.peer[n] === peer && nodes.pathId(n) === pathId) return n;
    return -1;
  }

  private upsert(peer: number, f: number, pathId: number, attr: number): void {
    const ps = this.state(peer);
    const words = this.words;
    const dest = this.families[f]!.dest;
    // IPv4 (most of any table) probes with the two key words directly.
    const ds =
      dest.width === 2 ? dest.insertSlot2(words[0]!, words[1]!) : this.destKey(f).insertSlot();
    if (!ps.addPath[f]) pathId = 0;
    if (dest.inserted) this.addFirstPath(ps, f, ds, pathId, attr);
    else this.upsertAt(ps, f, ds, pathId, attr);
  }

  /**
   * A new prefix (just added to Loc-RIB slot `ds`, key in `this.words`): its first path, which
   * is listed as changed. The commonest case of all (every route of a table loading), so it
   * lists the prefix without {@link Rib.markDirtySlot}'s check: a new entry is not listed yet.
   */
  private addFirstPath(ps: PeerState, f: number, ds: number, pathId: number, attr: number): void {
    this.attributes.retain(attr);
    const { dest, changes } = this.families[f]!;
    const n = this.pools[f]!.alloc(this.words, ps.peer.id, pathId, attr);
    dest.values[ds] = changes.added(ds, n, this.words);
    ps.counts[f]!++;
  }

  /** A path for the prefix in Loc-RIB slot `ds` (key in `this.words`), which has paths already. */
  private upsertAt(ps: PeerState, f: number, ds: number, pathId: number, attr: number): void {
    const peer = ps.peer.id;
    const nodes = this.pools[f]!;
    const dest = this.families[f]!.dest;
    this.attributes.retain(attr);
    const head = dest.values[ds]! & HEAD;
    const found = this.pathOf(nodes, head, peer, pathId);
    if (found >= 0) {
      const old = nodes.attr[found]!;
      const wasStale = (nodes.flags[found]! & PATH_STALE) !== 0;
      nodes.flags[found] = nodes.flags[found]! & ~PATH_STALE;
      if (old === attr) {
        // An implicit withdraw with identical attributes: nothing changes but the stale mark.
        this.attributes.release(attr);
        if (wasStale) this.markDirtySlot(f, ds);
        return;
      }
      nodes.attr[found] = attr;
      this.attributes.release(old);
      this.decideAt(f, ds);
      return;
    }
    // Link the new path after the head; the decision may move it to the front.
    const n = nodes.alloc(this.words, peer, pathId, attr);
    ps.counts[f]!++;
    nodes.next[n] = nodes.next[head]!;
    nodes.next[head] = n;
    this.decideAt(f, ds);
  }

  private remove(peer: number, f: number, pathId: number): boolean {
    const ps = this.state(peer);
    if (!ps.addPath[f]) pathId = 0;
    const dest = this.destKey(f);
    const ds = dest.find();
    if (ds < 0) return false;
    const n = this.pathOf(this.pools[f]!, dest.values[ds]! & HEAD, peer, pathId);
    if (n < 0) return false;
    this.unlink(f, ds, n);
    return true;
  }

  /** Removes path `n` from the prefix in Loc-RIB slot `ds` (key in `this.words`), and re-decides. */
  private unlink(f: number, ds: number, n: number): void {
    const nodes = this.pools[f]!;
    const dest = this.families[f]!.dest;
    const head = dest.values[ds]! & HEAD;
    this.attributes.release(nodes.attr[n]!);
    this.peers[nodes.peer[n]!]!.counts[f]!--;
    if (head === n && nodes.next[n]! < 0) {
      this.markDirtySlot(f, ds);
      dest.removeSlot(ds);
      nodes.free(n);
      return;
    }
    if (head === n) dest.values[ds] = nodes.next[n]! | (dest.values[ds]! & LISTED);
    else {
      let p = head;
      while (nodes.next[p] !== n) p = nodes.next[p]!;
      nodes.next[p] = nodes.next[n]!;
    }
    nodes.free(n);
    // Removing a loser cannot change the winner of the set elimination, but it can in the
    // pairwise (non-deterministic MED) mode, so decide again either way.
    this.decideAt(f, ds);
  }

  /** Re-runs the decision for the prefix in `dest` slot `ds` and puts the best path first. */
  private decideAt(f: number, ds: number): void {
    this.markDirtySlot(f, ds);
    const dest = this.families[f]!.dest;
    const nodes = this.pools[f]!;
    const head = dest.values[ds]! & HEAD;
    if (nodes.next[head]! < 0) return;
    const cands = this.candidatesFrom(f, head);
    const { best } = selectBest(cands, this.options);
    if (best === undefined) return;
    const b = (best as Candidate & { node: number }).node;
    if (b === head) return;
    let p = head;
    while (nodes.next[p] !== b) p = nodes.next[p]!;
    nodes.next[p] = nodes.next[b]!;
    nodes.next[b] = head;
    dest.values[ds] = b | (dest.values[ds]! & LISTED);
  }

  /** Lists the prefix in Loc-RIB slot `ds` (key in `this.words`) as changed (once per batch). */
  private markDirtySlot(f: number, ds: number): void {
    this.families[f]!.changes.mark(ds, this.words);
  }

  private candidateOf(f: number, n: number): Candidate & { node: number; route: RibRoute } {
    const nodes = this.pools[f]!;
    const peer = this.peers[nodes.peer[n]!]!.peer;
    const attrs = this.attributes.get(nodes.attr[n]!);
    const code = this.eligible.of(attrs.id, peer.kind);
    const route: RibRoute = {
      peer,
      pathId: nodes.pathId(n),
      attributes: attrs,
      stale: (nodes.flags[n]! & PATH_STALE) !== 0,
    };
    const reason = REASONS[code];
    return {
      peer,
      pathId: route.pathId,
      attributes: attrs,
      igpCost: this.eligible.igpCost(attrs.id),
      ...(reason !== undefined ? { ineligible: reason } : {}),
      node: n,
      route,
    };
  }

  private candidatesFrom(
    f: number,
    head: number,
  ): (Candidate & { node: number; route: RibRoute })[] {
    const out: (Candidate & { node: number; route: RibRoute })[] = [];
    const next = this.pools[f]!.next;
    for (let n = head; n >= 0; n = next[n]!) out.push(this.candidateOf(f, n));
    return out;
  }

  // ---------------------------------------------------------------- graceful restart

  /**
   * Calls `fn` for every path of `peer` in family index `f`: a scan of the family's path records
   * in order, sequential memory however large the table.
   */
  private forEachPathOf(peer: number, f: number, fn: (n: number) => void): void {
    const nodes = this.pools[f]!;
    const owner = nodes.peer;
    const attr = nodes.attr;
    for (let n = 0; n < nodes.top; n++) if (owner[n] === peer && attr[n]! >= 0) fn(n);
  }

  /** Marks every path from `peer` in the given families (AFI 1, 2) stale (session lost). */
  markStale(peer: number, afis: readonly number[] = [1, 2]): number {
    this.state(peer);
    let count = 0;
    for (const afi of afis) {
      const flags = this.pools[afi - 1]!.flags;
      this.forEachPathOf(peer, afi - 1, (n) => {
        flags[n] = flags[n]! | PATH_STALE;
        count++;
      });
    }
    return count;
  }

  /** Withdraws the paths from `peer` still stale in family `afi`; returns how many. */
  sweepStale(peer: number, afi: number): number {
    const flags = this.pools[afi - 1]!.flags;
    return this.withdrawWhere(peer, afi - 1, (n) => (flags[n]! & PATH_STALE) !== 0);
  }

  /** Withdraws every path from `peer` (session down without graceful restart). */
  peerDown(peer: number): number {
    let count = 0;
    for (const f of [0, 1]) count += this.withdrawWhere(peer, f, () => true);
    return count;
  }

  private withdrawWhere(peer: number, f: number, pick: (n: number) => boolean): number {
    this.state(peer);
    const nodes = this.pools[f]!;
    const victims: number[] = [];
    this.forEachPathOf(peer, f, (n) => {
      if (pick(n)) victims.push(n);
    });
    // Records stay where they are while others are freed (nothing is allocated meanwhile), so
    // each victim's key can be read from its record as it is unlinked.
    const dest = this.families[f]!.dest;
    for (const n of victims) {
      nodes.keyOf(n, this.words);
      nodes.keyOf(n, dest.scratch);
      const ds = dest.find();
      if (ds >= 0) this.unlink(f, ds, n);
    }
    return victims.length;
  }

  // ---------------------------------------------------------------- next hops

  /** Re-resolves every next hop (the IGP changed) and re-decides every prefix. */
  nextHopsChanged(): void {
    this.eligible.invalidate();
    for (const f of [0, 1]) {
      const fam = this.families[f]!;
      const slots: number[] = [];
      fam.dest.forEach((slot) => {
        slots.push(slot);
      });
      for (const slot of slots) {
        fam.dest.keyAt(slot, this.words);
        this.decideAt(f, slot);
      }
    }
  }

  // ---------------------------------------------------------------- changes

  /** Number of prefixes changed since the last flush. */
  get pendingChanges(): number {
    return this.families[0].changes.count + this.families[1].changes.count;
  }

  /**
   * Returns the prefixes changed since the last flush, with their best paths, and notifies
   * subscribers. Each prefix appears once, except that one removed, added and removed again within
   * the batch may be reported removed twice. This builds an object per change; consumers that
   * keep up with a full table read {@link Rib.flushBatch} instead.
   */
  flush(): LocRibChange[] {
    const batch = this.takeBatch();
    for (const l of this.batchListeners) l(batch);
    const changes = batch.toArray();
    for (const l of this.listeners) l(changes);
    return changes;
  }

  /**
   * Takes the changes since the last flush as one column-wise {@link LocRibBatch} (no object per
   * prefix), hands it to the batch subscribers, then materializes it for the array subscribers
   * ({@link Rib.subscribe}) if there are any.
   */
  flushBatch(): LocRibBatch {
    const batch = this.takeBatch();
    for (const l of this.batchListeners) l(batch);
    if (this.listeners.length > 0) {
      const changes = batch.toArray();
      for (const l of this.listeners) l(changes);
    }
    return batch;
  }

  private takeBatch(): LocRibBatch {
    const parts: BatchFamily[] = [];
    for (const f of [0, 1]) {
      const part = this.families[f]!.changes.take(this.pools[f]!, this.eligibilityOf);
      if (part !== undefined) parts.push(part);
    }
    this.attributes.collect();
    return new LocRibBatch(this, parts);
  }

  /** Eligibility by peer id, for {@link ChangeList.take}. */
  private readonly eligibilityOf: EligibilityOf = (attr, peer) =>
    this.eligible.of(attr, this.peers[peer]!.peer.kind);

  /** Subscribes to flushed batches in column form; returns the unsubscribe function. */
  subscribeBatch(listener: (batch: LocRibBatch) => void): () => void {
    this.batchListeners.push(listener);
    return () => {
      const i = this.batchListeners.indexOf(listener);
      if (i >= 0) this.batchListeners.splice(i, 1);
    };
  }

  /** @internal The RIB path for a best path recorded in a batch. */
  routeFor(peer: number, pathId: number, attr: number, stale: boolean): RibRoute {
    return { peer: this.peers[peer]!.peer, pathId, attributes: this.attributes.get(attr), stale };
  }

  private bestOf(f: number, head: number): RibRoute | undefined {
    const nodes = this.pools[f]!;
    const peer = this.peers[nodes.peer[head]!]!.peer;
    const id = nodes.attr[head]!;
    if (this.eligible.of(id, peer.kind) !== 0) return undefined;
    return {
      peer,
      pathId: nodes.pathId(head),
      attributes: this.attributes.get(id),
      stale: (nodes.flags[head]! & PATH_STALE) !== 0,
    };
  }

  // ---------------------------------------------------------------- queries

  private headOf(prefix: Prefix): number {
    prefixToWords(prefix, this.words);
    const head = this.destKey(prefix.afi - 1).get();
    return head < 0 ? head : head & HEAD;
  }

  /** The best path of `prefix`, if it has a usable one. */
  best(prefix: Prefix): RibRoute | undefined {
    const head = this.headOf(prefix);
    return head < 0 ? undefined : this.bestOf(prefix.afi - 1, head);
  }

  /** Every path of `prefix`, in chain order (best first). */
  paths(prefix: Prefix): RibRoute[] {
    const head = this.headOf(prefix);
    return head < 0 ? [] : this.candidatesFrom(prefix.afi - 1, head).map((c) => c.route);
  }

  /** The eligible paths of `prefix`, best first (what ADD-PATH "best N" sends). */
  ranked(prefix: Prefix): RibRoute[] {
    const head = this.headOf(prefix);
    if (head < 0) return [];
    const cands = this.candidatesFrom(prefix.afi - 1, head);
    return rankCandidates(cands, this.options).map((c) => (c as (typeof cands)[number]).route);
  }

  /** The multipath (ECMP) set of `prefix`, best first (just the best without the option). */
  multipath(prefix: Prefix): RibRoute[] {
    const head = this.headOf(prefix);
    if (head < 0) return [];
    const cands = this.candidatesFrom(prefix.afi - 1, head);
    return selectMultipath(cands, this.options).map((c) => (c as (typeof cands)[number]).route);
  }

  /** Lists the candidates for `prefix` and, for each loser, the step at which it lost. */
  explain(prefix: Prefix): Explanation {
    const head = this.headOf(prefix);
    const cands = head < 0 ? [] : this.candidatesFrom(prefix.afi - 1, head);
    const lines = explainSelection(cands, this.options).map((e) => ({
      ...e,
      route: (e.candidate as (typeof cands)[number]).route,
    }));
    return { prefix, candidates: lines };
  }

  /** Number of prefixes in the Loc-RIB of family `afi` (with any path, usable or not). */
  prefixCount(afi: number): number {
    return this.families[afi - 1]!.dest.size;
  }

  /** Number of paths held (all peers, all families). */
  get pathCount(): number {
    return this.pools[0].live + this.pools[1].live;
  }

  /** Number of paths from `peer` in family `afi`. */
  adjRibInCount(peer: number, afi: number): number {
    return this.state(peer).counts[afi - 1]!;
  }

  /**
   * The whole Loc-RIB of family `afi` as one {@link LocRibBatch} (every prefix, best path or
   * none), for column readers such as an Adj-RIB-Out's initial table. Valid until the next flush.
   */
  locRibBatch(afi: 1 | 2): LocRibBatch {
    const f = afi - 1;
    const part = snapshotPart(afi, this.families[f]!.dest, this.pools[f]!, this.eligibilityOf);
    return new LocRibBatch(this, [part]);
  }

  /** Every prefix of family `afi` with its best path (prefixes without a usable path skipped). */
  *locRib(afi: number): IterableIterator<{
    /** The prefix. */
    readonly prefix: Prefix;
    /** Its best path. */
    readonly best: RibRoute;
  }> {
    const fam = this.families[afi - 1]!;
    const entries: [Uint32Array, number][] = [];
    fam.dest.forEach((slot, head) => {
      const k = new Uint32Array(fam.dest.width);
      fam.dest.keyAt(slot, k);
      entries.push([k, head & HEAD]);
    });
    for (const [k, head] of entries) {
      const best = this.bestOf(afi - 1, head);
      if (best !== undefined) yield { prefix: wordsToPrefix(afi, k), best };
    }
  }

  /** Every path from `peer` in family `afi`. */
  *adjRibIn(
    peer: number,
    afi: number,
  ): IterableIterator<{
    /** The prefix. */
    readonly prefix: Prefix;
    /** The path. */
    readonly route: RibRoute;
  }> {
    const f = afi - 1;
    const nodes = this.pools[f]!;
    const entries: [Prefix, number][] = [];
    this.forEachPathOf(peer, f, (n) =>
      entries.push([wordsToPrefix(afi, nodes.keys, n * nodes.width), n]),
    );
    for (const [prefix, n] of entries) yield { prefix, route: this.candidateOf(f, n).route };
  }

  /** Bytes held by the typed-array storage (tables and path records, not attribute sets). */
  get storageBytes(): number {
    let n = this.pools[0].byteLength + this.pools[1].byteLength;
    for (const fam of this.families) n += fam.dest.byteLength + fam.changes.byteLength;
    return n;
  }
}
