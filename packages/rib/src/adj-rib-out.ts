/**
 * Adj-RIB-Out for one neighbour: what we have advertised, what changed since, and the UPDATEs
 * that carry the difference.
 *
 * It consumes Loc-RIB change batches ({@link Rib.subscribeBatch} with {@link AdjRibOut.onBatch},
 * or {@link Rib.subscribe} with {@link AdjRibOut.onChanges}), applies the export rules
 * ({@link exportRoute}) and then the export hook (policy), and keeps the per-prefix difference
 * between what should be advertised and what was. {@link AdjRibOut.generate} turns the
 * difference into UPDATEs: withdrawals packed together, announcements grouped by attribute set
 * and packed up to the negotiated maximum size ({@link packAnnouncements}), then End-of-RIB after
 * the initial table (RFC 4724 §2). With a MinRouteAdvertisementInterval (RFC 4271 §9.2.1.1)
 * announcements wait until the interval since the last ones has passed; withdrawals are sent at
 * once, since holding them only keeps traffic on a dead path. Time comes from the injected clock.
 *
 * With ADD-PATH send (RFC 7911), all eligible paths or the best N are advertised, each under a
 * send path id allocated per prefix ({@link SendPathIds}): a path keeps its id while it stays
 * advertised, a new one takes the lowest id free for the prefix.
 *
 * IPv4 routes whose exported next hop is an IPv6 address go out in MP_REACH_NLRI when the
 * session negotiated Extended Next Hop Encoding (RFC 8950); otherwise they cannot be sent, and
 * are counted ({@link AdjRibOut.unsendableCount}) instead.
 *
 * Per-prefix state lives in typed-array hash tables keyed by prefix words ({@link KeyTable}):
 * no string, `Prefix` or `Map` per prefix is held once the UPDATEs are out.
 *
 * @module
 */
import type { Prefix } from '@bgp/wire';
import { AttributeStore } from './attribute-store.js';
import { type ExportEnvironment, type ExportTarget, exportRoute } from './export-rules.js';
import { KeyTable } from './key-table.js';
import type { LocRibBatch } from './loc-rib-batch.js';
import { prefixToWords, prefixWidth, wordsToPrefix } from './prefix-key.js';
import type { LocRibChange, Rib, RibRoute } from './rib.js';
import type { RouteAttributes } from './route-attributes.js';
import { SendPathIds } from './send-path-ids.js';
import {
  endOfRibMessage,
  nextHopSendable,
  type PackOptions,
  packAnnouncements,
  packWithdrawals,
} from './update-packer.js';

/**
 * Export policy: returns the attributes to send (possibly changed), or undefined to suppress the
 * route. Runs after the protocol's export rules.
 */
export type ExportHook = (
  prefix: Prefix,
  route: RibRoute,
  target: ExportTarget,
  attributes: RouteAttributes,
) => RouteAttributes | undefined;

/** Options of an {@link AdjRibOut}. */
export interface AdjRibOutOptions extends ExportTarget {
  /** Extended messages negotiated (RFC 8654). */
  readonly extendedMessage?: boolean;
  /** 4-octet AS negotiated (RFC 6793; default true). */
  readonly fourOctetAs?: boolean;
  /** ADD-PATH send per family (AFI 1, 2): `'all'` paths or the best N. */
  readonly addPathSend?: Readonly<Partial<Record<1 | 2, 'all' | number>>>;
  /** MinRouteAdvertisementInterval in milliseconds (default 0: none). */
  readonly minRouteAdvertisementInterval?: number;
  /** Families sent in the initial table and closed by End-of-RIB (default [1, 2]). */
  readonly families?: readonly (1 | 2)[];
  /**
   * Extended Next Hop Encoding negotiated for IPv4 unicast with IPv6 next hops (RFC 8950: the
   * capability entry AFI 1, SAFI 1, next-hop AFI 2). IPv4 routes with a 16- or 32-octet next hop
   * are then sent in MP_REACH_NLRI; without it they are not sent (default false).
   */
  readonly extendedNextHop?: boolean;
}

/** Components of an {@link AdjRibOut}. */
export interface AdjRibOutComponents {
  /** Export policy. */
  readonly exportHook?: ExportHook;
  /** Milliseconds clock (default `Date.now`). */
  readonly clock?: () => number;
}

/** Marks a queued withdrawal in the `want` table (set ids are smaller). */
const WITHDRAW = 0x7fffffff;
/** {@link AdjRibOut.exported} result: the route may not be sent to this neighbour. */
const NOT_SENT = -1;
/** {@link AdjRibOut.exported} result: it may, but its next hop cannot be encoded (RFC 8950). */
const UNSENDABLE = -2;
/** Offset of cached export results: KeyTable values are non-negative. */
const CACHED = 2;
/** {@link AdjRibOut.cached} result: not in the cache. */
const MISS = -3;

/**
 * The state of one address family. Keys are prefix words ({@link prefixToWords}), followed by
 * the send path id when the family sends ADD-PATH ids; nothing per prefix is an object.
 */
interface FamilyOut {
  readonly afi: 1 | 2;
  /** Words of a prefix key. */
  readonly prefixWidth: number;
  /** Words of a path key: the prefix, plus the send path id with ADD-PATH. */
  readonly width: number;
  /** ADD-PATH send mode, if any. */
  readonly addPath: 'all' | number | undefined;
  /** Path key → id (in {@link AdjRibOut.store}) of the attribute set last sent. */
  sent: KeyTable;
  /** Path key → set id to send, or {@link WITHDRAW}: the difference not yet sent. */
  want: KeyTable;
  /** Send path ids in use (ADD-PATH only). */
  readonly ids: SendPathIds | undefined;
  /** Prefixes whose path was dropped for a next hop the session cannot carry (key → 0). */
  unsendable: KeyTable;
}

/**
 * Per-neighbour Adj-RIB-Out with update generation.
 *
 * What was sent is one {@link KeyTable} per family from the prefix (and send path id) to the id
 * of the outbound attribute set, in this Adj-RIB-Out's own {@link AttributeStore} (each path
 * holds a reference); what is still to be sent is a second table of the same shape, empty once
 * everything went out. A full table of a million IPv4 prefixes costs some 15 bytes a prefix in
 * these tables, plus the outbound attribute sets (about as much again with ten prefixes a set).
 */
export class AdjRibOut {
  /** Options. */
  readonly options: AdjRibOutOptions;
  private readonly rib: Rib;
  private readonly env: ExportEnvironment;
  private readonly hook: ExportHook | undefined;
  private readonly clock: () => number;
  private store = new AttributeStore();
  private readonly fams: readonly [FamilyOut, FamilyOut];
  /** Which families (index afi) the neighbour gets. */
  private readonly enabled: readonly boolean[];
  private readonly pack: PackOptions;
  /** Key being built: prefix words, then the send path id. */
  private readonly words = new Uint32Array(6);
  /**
   * Per-batch export results (see {@link AdjRibOut.exported}): (rib set id, peer id × 2 + afi −
   * 1) → outbound set id + {@link CACHED}; cached sets are retained.
   */
  private cache = new KeyTable(2);
  /** Whether the current batch uses {@link AdjRibOut.cache}. */
  private caching = false;
  private endOfRibDue: (1 | 2)[] = [];
  private lastAnnounce = Number.NEGATIVE_INFINITY;

  /**
   * @param rib - the Loc-RIB to read paths from
   * @param options - the neighbour and session options
   * @param components - export hook, clock
   */
  constructor(rib: Rib, options: AdjRibOutOptions, components: AdjRibOutComponents = {}) {
    this.rib = rib;
    this.options = options;
    this.env = {
      localAsn: rib.options.localAsn,
      clusterId: (rib.options.clusterId ?? rib.options.routerId) >>> 0,
      defaultLocalPref: rib.options.defaultLocalPref ?? 100,
    };
    this.hook = components.exportHook;
    this.clock = components.clock ?? Date.now;
    const fam = (afi: 1 | 2): FamilyOut => {
      const addPath = options.addPathSend?.[afi];
      const pw = prefixWidth(afi);
      const width = pw + (addPath === undefined ? 0 : 1);
      return {
        afi,
        prefixWidth: pw,
        width,
        addPath,
        sent: new KeyTable(width),
        want: new KeyTable(width),
        ids: addPath === undefined ? undefined : new SendPathIds(afi),
        unsendable: new KeyTable(pw),
      };
    };
    this.fams = [fam(1), fam(2)];
    const families = options.families ?? [1, 2];
    this.enabled = [false, families.includes(1), families.includes(2)];
    this.pack = {
      extendedMessage: options.extendedMessage ?? false,
      fourOctetAs: options.fourOctetAs ?? true,
      addPathSend: new Set(([1, 2] as const).filter((f) => options.addPathSend?.[f] !== undefined)),
      extendedNextHop: options.extendedNextHop ?? false,
    };
  }

  /** Queues the whole Loc-RIB (session established), followed by End-of-RIB per family. */
  initialTable(): void {
    const families = this.options.families ?? [1, 2];
    this.beginBatch();
    try {
      for (const afi of families) {
        const f = this.fams[afi - 1]!;
        // Pre-size an empty family for the whole table rather than rehash it ~25 times.
        if (f.sent.size === 0 && f.want.size === 0) {
          const n = this.rib.prefixCount(afi);
          f.sent = new KeyTable(f.width, KeyTable.capacityFor(n));
          f.want = new KeyTable(f.width, KeyTable.capacityFor(n));
        }
        // Read as columns: an object per prefix was half the time of a full initial table.
        this.considerBatch(this.rib.locRibBatch(afi));
        this.endOfRibDue.push(afi);
      }
    } finally {
      this.endBatch();
    }
  }

  /**
   * Applies a Loc-RIB change batch in column form (pass this to {@link Rib.subscribeBatch}):
   * without ADD-PATH or an export hook, it makes no object per change.
   */
  onBatch(batch: LocRibBatch): void {
    this.beginBatch();
    try {
      this.considerBatch(batch);
    } finally {
      this.endBatch();
    }
  }

  /** Applies a Loc-RIB change batch (pass this to {@link Rib.subscribe}). */
  onChanges(changes: readonly LocRibChange[]): void {
    this.beginBatch();
    try {
      for (const c of changes) {
        const afi = c.prefix.afi;
        if (this.enabled[afi] === true) this.consider(this.fams[afi - 1]!, c.prefix, c.best);
      }
    } finally {
      this.endBatch();
    }
  }

  /**
   * Paths with changes not yet turned into UPDATEs (prefixes, without ADD-PATH), plus the
   * End-of-RIB markers due.
   */
  get pending(): number {
    return this.fams[0].want.size + this.fams[1].want.size + this.endOfRibDue.length;
  }

  /** Number of paths advertised (as of the last generate). */
  get advertisedCount(): number {
    return this.fams[0].sent.size + this.fams[1].sent.size;
  }

  /** What was advertised for `prefix`: path id -> attributes. */
  advertised(prefix: Prefix): ReadonlyMap<number, RouteAttributes> {
    const out = new Map<number, RouteAttributes>();
    const f = this.fams[prefix.afi - 1]!;
    prefixToWords(prefix, this.words);
    if (f.ids === undefined) {
      this.keyInto(f.sent, f.width);
      const v = f.sent.get();
      if (v >= 0) out.set(0, this.store.get(v).attributes);
      return out;
    }
    const n = f.ids.load(this.words);
    for (let i = 0; i < n; i++) {
      const id = f.ids.ids[i]!;
      this.words[f.prefixWidth] = id;
      this.keyInto(f.sent, f.width);
      const v = f.sent.get();
      if (v >= 0) out.set(id, this.store.get(v).attributes);
    }
    return out;
  }

  /**
   * Number of prefixes whose path is not advertised because the session cannot carry its next
   * hop: an IPv6 next hop on an IPv4 route without Extended Next Hop Encoding (RFC 8950), or an
   * IPv6 route whose next hop is not an IPv6 address.
   */
  get unsendableCount(): number {
    return this.fams[0].unsendable.size + this.fams[1].unsendable.size;
  }

  /** The prefixes counted by {@link AdjRibOut.unsendableCount}. */
  unsendablePrefixes(): Prefix[] {
    const out: Prefix[] = [];
    for (const f of this.fams) {
      const t = f.unsendable;
      t.forEach((slot) => {
        const k = new Uint32Array(f.prefixWidth);
        t.keyAt(slot, k);
        out.push(wordsToPrefix(f.afi, k));
      });
    }
    return out;
  }

  /** Milliseconds until announcements may be sent (0 when now), for the caller's timer. */
  nextDue(): number {
    const mrai = this.options.minRouteAdvertisementInterval ?? 0;
    return Math.max(0, this.lastAnnounce + mrai - this.clock());
  }

  /** Copies the first `width` words of {@link AdjRibOut.words} into `table`'s scratch key. */
  private keyInto(table: KeyTable, width: number): void {
    const s = table.scratch;
    const w = this.words;
    for (let i = 0; i < width; i++) s[i] = w[i]!;
  }

  private beginBatch(): void {
    this.caching = this.hook === undefined;
  }

  private endBatch(): void {
    this.caching = false;
    const cache = this.cache;
    if (cache.size === 0) return;
    const store = this.store;
    cache.forEach((_slot, v) => {
      if (v >= CACHED) store.release(v - CACHED);
    });
    // Keep a small table for the next batch; drop one an initial table made large.
    if (cache.capacity > 4096) this.cache = new KeyTable(2);
    else cache.reset();
  }

  /**
   * The outbound set id for `route` ({@link NOT_SENT} or {@link UNSENDABLE} when it does not go
   * out). Without an export hook the result depends only on the route's attribute set, its
   * source peer and the family (exportRoute reads nothing else of the route, and the target is
   * fixed), so it is computed once per (set, peer, family) and batch: a full table has ten times
   * fewer sets than routes. The cache is a {@link KeyTable} rather than a Map so that a lookup
   * allocates nothing. Cached ids are retained until the batch ends, so that a set freed and its
   * id reused within the batch cannot make the cache lie.
   */
  private exported(afi: 1 | 2, prefix: Prefix, route: RibRoute): number {
    const hit = this.cached(afi, route.attributes.id, route.peer.id);
    return hit !== MISS ? hit : this.export(afi, prefix, route);
  }

  /**
   * The cached outbound set id of (set `attr`, peer `peer`, family), or {@link MISS}; on a miss
   * the cache's scratch key is left set for {@link AdjRibOut.export} to store the result.
   */
  private cached(afi: 1 | 2, attr: number, peer: number): number {
    if (!this.caching) return MISS;
    const cache = this.cache;
    cache.scratch[0] = attr;
    cache.scratch[1] = peer * 2 + afi - 1;
    const hit = cache.get();
    return hit >= 0 ? hit - CACHED : MISS;
  }

  /**
   * {@link AdjRibOut.exported} after a cache miss: runs the export rules and the hook (which is
   * given `prefix`, or the prefix in {@link AdjRibOut.words} when that is undefined).
   */
  private export(afi: 1 | 2, prefix: Prefix | undefined, route: RibRoute): number {
    const cache = this.cache;
    let id = NOT_SENT;
    const d = exportRoute(route, afi, this.options, this.env);
    if (d.send) {
      const attrs = this.hook
        ? this.hook(prefix ?? wordsToPrefix(afi, this.words), route, this.options, d.attributes)
        : d.attributes;
      if (attrs !== undefined) {
        id = nextHopSendable(afi, attrs.nextHop.length, this.pack.extendedNextHop ?? false)
          ? this.store.intern(attrs).id
          : UNSENDABLE;
      }
    }
    if (this.caching) {
      if (id >= 0) this.store.retain(id);
      cache.set(id + CACHED); // the scratch key is still (set, peer, family)
    }
    return id;
  }

  /**
   * Queues the difference for the path key in {@link AdjRibOut.words}: `d` is the set id to
   * advertise (or negative: none), `s` the one sent (or -1). The queued set is retained so that
   * it survives until sent.
   */
  private queue(f: FamilyOut, d: number, s: number): void {
    const want = f.want;
    this.keyInto(want, f.width);
    if (d === s || (d < 0 && s < 0)) {
      const old = want.remove();
      if (old >= 0 && old !== WITHDRAW) this.store.release(old);
      return;
    }
    if (d >= 0) this.store.retain(d);
    const old = want.set(d >= 0 ? d : WITHDRAW);
    if (old >= 0 && old !== WITHDRAW) this.store.release(old);
  }

  private consider(f: FamilyOut, prefix: Prefix, best: RibRoute | undefined): void {
    prefixToWords(prefix, this.words);
    if (f.ids === undefined) {
      const d = best === undefined ? NOT_SENT : this.exported(f.afi, prefix, best);
      this.queueBest(f, d);
    } else this.noteUnsendable(f, this.considerPaths(f, prefix));
  }

  /**
   * {@link AdjRibOut.consider} for every change of `batch`, reading its columns: the export
   * result is looked up by (set, peer) first, and a route object is made only on a miss.
   */
  private considerBatch(batch: LocRibBatch): void {
    const words = this.words;
    batch.forEach((afi, key, at, peer, i) => {
      if (this.enabled[afi] !== true) return;
      const f = this.fams[afi - 1]!;
      if (f.ids !== undefined || this.hook !== undefined) {
        this.consider(f, batch.prefixAt(i), batch.bestAt(i));
        return;
      }
      for (let w = 0; w < f.prefixWidth; w++) words[w] = key[at + w]!;
      let d = NOT_SENT;
      if (peer >= 0) {
        d = this.cached(afi, batch.bestAttributeId(i), peer);
        if (d === MISS) d = this.export(afi, undefined, batch.bestAt(i)!);
      }
      this.queueBest(f, d);
    });
  }

  /** Queues outbound set `d` for the prefix in {@link AdjRibOut.words} (no ADD-PATH). */
  private queueBest(f: FamilyOut, d: number): void {
    // `exported` may have interned; the prefix words are still in `words`.
    this.keyInto(f.sent, f.width);
    this.queue(f, d, f.sent.get());
    this.noteUnsendable(f, d === UNSENDABLE);
  }

  /** Records whether the prefix in {@link AdjRibOut.words} is unsendable. */
  private noteUnsendable(f: FamilyOut, unsendable: boolean): void {
    const u = f.unsendable;
    if (unsendable || u.size > 0) {
      this.keyInto(u, f.prefixWidth);
      if (unsendable) u.set(0);
      else u.remove();
    }
  }

  /** ADD-PATH: every eligible path, or the best N (RFC 7911). Returns whether one is unsendable. */
  private considerPaths(f: FamilyOut, prefix: Prefix): boolean {
    const mode = f.addPath!;
    const ids = f.ids!;
    const pw = f.prefixWidth;
    const ranked = this.rib.ranked(prefix);
    const routes = mode === 'all' ? ranked : ranked.slice(0, mode);
    const want: { peer: number; pathId: number; set: number }[] = [];
    let unsendable = false;
    for (const route of routes) {
      const set = this.exported(f.afi, prefix, route);
      if (set === UNSENDABLE) unsendable = true;
      if (set >= 0) want.push({ peer: route.peer.id, pathId: route.pathId >>> 0, set });
    }
    prefixToWords(prefix, this.words);
    const n = ids.load(this.words);
    // Only load() writes these lists; allocate and release below leave them alone.
    const { ids: inUse, peers, pathIds } = ids;
    // First match the paths already holding an id (they keep it), then give the ids of departing
    // paths to new ones: one announcement replaces the old path under the same id instead of a
    // withdrawal and an announcement. Ids left over are withdrawn; new paths left over take the
    // lowest free ids.
    const holder = new Int32Array(n).fill(-1); // in-use index -> wanted path index
    const taken = new Array<boolean>(want.length).fill(false);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < want.length; j++) {
        const w = want[j]!;
        if (!taken[j] && w.peer === peers[i] && w.pathId === pathIds[i]) {
          taken[j] = true;
          holder[i] = j;
          break;
        }
      }
    }
    let fresh = 0;
    for (let i = 0; i < n; i++) {
      const id = inUse[i]!;
      this.words[pw] = id;
      if (holder[i] === -1) {
        while (fresh < want.length && taken[fresh]) fresh++;
        if (fresh < want.length) {
          const w = want[fresh]!;
          taken[fresh] = true;
          holder[i] = fresh;
          ids.reassign(this.words, id, w.peer, w.pathId);
        }
      }
      const d = holder[i]! >= 0 ? want[holder[i]!]!.set : NOT_SENT;
      this.keyInto(f.sent, f.width);
      const s = f.sent.get();
      this.queue(f, d, s);
      // Never sent and no longer wanted: the id is free again.
      if (d < 0 && s < 0) ids.release(this.words, id);
    }
    for (let j = 0; j < want.length; j++) {
      if (taken[j]) continue;
      const w = want[j]!;
      this.words[pw] = ids.allocate(this.words, w.peer, w.pathId);
      this.queue(f, w.set, -1);
    }
    return unsendable;
  }

  /**
   * Turns pending changes into UPDATE messages (whole messages, header included): withdrawals,
   * then announcements grouped by attribute set, then any End-of-RIB due. Announcements are held
   * back while the MinRouteAdvertisementInterval runs.
   */
  generate(): Uint8Array[] {
    const now = this.clock();
    const mrai = this.options.minRouteAdvertisementInterval ?? 0;
    const announceNow = mrai <= 0 || now >= this.lastAnnounce + mrai;
    const out: Uint8Array[] = [];
    let announced = false;
    for (const f of this.fams) {
      if (f.want.size === 0) continue;
      if (this.generateFamily(f, announceNow, out)) announced = true;
    }
    if (announced) this.lastAnnounce = now;
    // Sets interned for prefixes whose output did not change were never retained.
    this.store.collect();
    if (this.fams[0].want.size + this.fams[1].want.size === 0) {
      for (const afi of this.endOfRibDue) out.push(endOfRibMessage(afi));
      this.endOfRibDue = [];
    }
    return out;
  }

  /** One family of {@link AdjRibOut.generate}; returns whether anything was announced. */
  private generateFamily(f: FamilyOut, announceNow: boolean, out: Uint8Array[]): boolean {
    const { want, sent, width } = f;
    const keys = want.keys;
    const values = want.values;
    const withdrawn = new Uint32Array(want.size * width);
    let nw = 0;
    const announce = new Int32Array(want.size); // slots of `want`
    let na = 0;
    let maxSet = -1;
    let held = 0;
    for (let slot = 0; slot < want.capacity; slot++) {
      const v = values[slot]!;
      if (v < 0) continue;
      const at = slot * width;
      const s = sent.scratch;
      for (let i = 0; i < width; i++) s[i] = keys[at + i]!;
      if (v === WITHDRAW) {
        withdrawn.set(s, nw * width);
        nw++;
        const old = sent.remove();
        if (old >= 0) this.store.release(old);
        if (f.ids) f.ids.release(s, s[f.prefixWidth]!);
      } else if (announceNow) {
        announce[na++] = slot;
        if (v > maxSet) maxSet = v;
        // The reference taken when queued moves to `sent`.
        const old = sent.set(v);
        if (old >= 0) this.store.release(old);
      } else held++;
    }
    // Group the announcements by set id (a counting sort: set ids are small integers).
    const start = new Int32Array(maxSet + 2);
    for (let i = 0; i < na; i++) start[values[announce[i]!]! + 1]!++;
    for (let k = 1; k < start.length; k++) start[k]! += start[k - 1]!;
    const grouped = new Uint32Array(na * width);
    const fillAt = start.slice();
    for (let i = 0; i < na; i++) {
      const slot = announce[i]!;
      const at = fillAt[values[slot]!]!++ * width;
      for (let w = 0; w < width; w++) grouped[at + w] = keys[slot * width + w]!;
    }
    out.push(...packWithdrawals(f.afi, { words: withdrawn, stride: width, count: nw }, this.pack));
    for (let set = 0; set <= maxSet; set++) {
      const from = start[set]!;
      const count = start[set + 1]! - from;
      if (count === 0) continue;
      const words = grouped.subarray(from * width, (from + count) * width);
      const attrs = this.store.get(set).attributes;
      out.push(...packAnnouncements(f.afi, attrs, { words, stride: width, count }, this.pack));
    }
    if (held === 0) {
      // Everything went out: drop the table (a full initial table made it large).
      f.want = new KeyTable(width);
    } else {
      const s = want.scratch;
      for (const [buf, n] of [
        [withdrawn, nw],
        [grouped, na],
      ] as const) {
        for (let i = 0; i < n; i++) {
          for (let w = 0; w < width; w++) s[w] = buf[i * width + w]!;
          want.remove();
        }
      }
    }
    return na > 0;
  }

  /** Forgets everything advertised (the session went down). */
  reset(): void {
    for (const f of this.fams) {
      f.sent = new KeyTable(f.width);
      f.want = new KeyTable(f.width);
      f.unsendable = new KeyTable(f.prefixWidth);
      f.ids?.clear();
    }
    this.endOfRibDue = [];
    this.lastAnnounce = Number.NEGATIVE_INFINITY;
    // Every reference was held by the tables just dropped.
    this.store = new AttributeStore();
  }

  /** Interned outbound attribute sets held (for leak checks). */
  get attributeSets(): number {
    this.store.collect();
    return this.store.size;
  }

  /** Bytes held by this Adj-RIB-Out's tables (not its attribute sets). */
  get storageBytes(): number {
    let n = 0;
    for (const f of this.fams) {
      n += f.sent.byteLength + f.want.byteLength + f.unsendable.byteLength;
      n += f.ids?.byteLength ?? 0;
    }
    return n;
  }
}
