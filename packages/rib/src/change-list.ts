/**
 * The prefixes of one address family whose best path may have changed since the last flush, and
 * the flush that turns them into a {@link LocRibBatch} part.
 *
 * A Loc-RIB entry's value (in the RIB's {@link KeyTable}) is its head path's index, with the
 * {@link LISTED} bit set while the prefix is listed. The bit lives in the entry itself, not in a
 * side array, because setting it is then a write to a cache line the insert has just touched: a
 * separate array of flags cost a cache miss per route on a full-table load.
 *
 * A batch starts fresh: while every prefix listed was added by this batch and has not changed
 * since, its entry carries no LISTED bit and the list knows its head path. A table loading is all
 * fresh batches, which flush without reading the Loc-RIB table again (that read was a cache miss
 * per route). The first other change ends it ({@link ChangeList.mark}).
 *
 * @module
 */
import type { KeyTable } from './key-table.js';
import { type BatchColumns, type BatchFamily, batchColumns } from './loc-rib-batch.js';
import { type NodePool, PATH_STALE } from './node-pool.js';

/** The head-path bits of a Loc-RIB entry's value. */
export const HEAD = 0x3fffffff;
/** The "listed in this batch" bit of a Loc-RIB entry's value (see the module). */
export const LISTED = 0x40000000;

/** Eligibility of attribute set `attr` from peer `peer`: 0 when eligible. */
export type EligibilityOf = (attr: number, peer: number) => number;

/** The changed prefixes of one family since the last flush. */
export class ChangeList {
  /** Address family (1 IPv4, 2 IPv6). */
  readonly afi: 1 | 2;
  /** Key words per prefix. */
  readonly width: number;
  /** Keys listed, `width` words each. */
  private keys: Uint32Array;
  /** Number of prefixes listed. */
  count = 0;
  /** Loc-RIB slot of each listed key, valid while `dest.layout` equals `layout`. */
  private slots: Int32Array;
  /** `dest.layout` when the first key of this batch was listed. */
  private layout = 0;
  /** Head path of each listed key when it was listed: still its head while `fresh`. */
  private heads: Int32Array;
  /** See the module: whether the batch is fresh. */
  fresh = true;
  /** Columns of the last flushed batch, reused by the next. */
  private out: BatchColumns;
  private readonly dest: KeyTable;

  /**
   * @param afi - address family
   * @param dest - the family's Loc-RIB table
   */
  constructor(afi: 1 | 2, dest: KeyTable) {
    this.afi = afi;
    this.width = dest.width;
    this.dest = dest;
    this.keys = new Uint32Array(1024 * this.width);
    this.slots = new Int32Array(1024);
    this.heads = new Int32Array(1024);
    this.out = batchColumns(0, this.width);
  }

  /** Bytes held by the list (not by the last batch's columns). */
  get byteLength(): number {
    return this.keys.byteLength + this.slots.byteLength + this.heads.byteLength;
  }

  /**
   * Lists the prefix in Loc-RIB slot `ds` (key `words`) as changed, once per batch: the entry's
   * LISTED bit says it is listed already. A prefix removed and added again within a batch may be
   * listed twice; the flush skips the second listing while the prefix exists (its bit is clear by
   * then), and otherwise reports the removal twice, which consumers treat as idempotent.
   */
  mark(ds: number, words: Uint32Array): void {
    if (this.fresh) this.unfresh();
    const values = this.dest.values;
    const v = values[ds]!;
    if ((v & LISTED) !== 0) return;
    values[ds] = v | LISTED;
    const at = this.at(ds, v & HEAD);
    for (let i = 0; i < this.width; i++) this.keys[at + i] = words[i]!;
  }

  /**
   * Lists a prefix the batch has just added (slot `ds`, first path `head`, key `words`), without
   * {@link ChangeList.mark}'s check: a new entry is not listed yet. Returns the value to store in
   * its entry.
   */
  added(ds: number, head: number, words: Uint32Array): number {
    const at = this.at(ds, head);
    for (let i = 0; i < this.width; i++) this.keys[at + i] = words[i]!;
    return this.fresh ? head : head | LISTED;
  }

  /** {@link ChangeList.added} for an IPv4 prefix given as its two key words. */
  addedIpv4(ds: number, head: number, k0: number, k1: number): number {
    const at = this.at(ds, head);
    this.keys[at] = k0;
    this.keys[at + 1] = k1;
    return this.fresh ? head : head | LISTED;
  }

  /** Lists slot `ds`; returns where its key goes in `keys`. */
  private at(ds: number, head: number): number {
    if (this.count === this.slots.length) {
      const keys = new Uint32Array(this.keys.length * 2);
      keys.set(this.keys);
      this.keys = keys;
      const slots = new Int32Array(this.slots.length * 2);
      slots.set(this.slots);
      this.slots = slots;
      const heads = new Int32Array(slots.length);
      heads.set(this.heads);
      this.heads = heads;
    }
    if (this.count === 0) this.layout = this.dest.layout;
    this.slots[this.count] = ds;
    this.heads[this.count] = head;
    return this.count++ * this.width;
  }

  /** Ends a fresh batch: marks every prefix listed so far {@link LISTED}. */
  private unfresh(): void {
    this.fresh = false;
    const dest = this.dest;
    const values = dest.values;
    const moved = dest.layout !== this.layout;
    const w = this.width;
    for (let k = 0; k < this.count; k++) {
      let slot = this.slots[k]!;
      if (moved) {
        for (let i = 0; i < w; i++) dest.scratch[i] = this.keys[k * w + i]!;
        slot = dest.find();
        this.slots[k] = slot;
      }
      values[slot] = values[slot]! | LISTED;
    }
    this.layout = dest.layout;
  }

  /**
   * Takes the listed prefixes as a batch part (its columns valid until the next take), with
   * each prefix's best path from `nodes` when it is eligible, and starts a new batch.
   */
  take(nodes: NodePool, eligibility: EligibilityOf): BatchFamily | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const w = this.width;
    const dest = this.dest;
    const values = dest.values;
    const listed = this.keys;
    // The batch's columns are reused from one flush to the next (a batch is valid until the
    // next flush): allocating five typed arrays per flush cost more than filling them.
    // Grown for a large batch (a peer down), they shrink back once batches are small again.
    const have = this.out.peer.length;
    if (have < n || (have > 65536 && n <= 16384))
      this.out = batchColumns(have < n ? Math.max(n, have * 2) : 16384, w);
    const keys = this.out.keys;
    // A fresh batch knows its head paths. Otherwise pass 1 reads the Loc-RIB entry of every
    // listed prefix, clears its mark, and leaves its head path in `heads` (-1: the prefix is
    // gone; -2: listed twice, skip): a loop that only reads the entries lets their cache misses
    // overlap. While no entry of the Loc-RIB table moved (only additions and updates in this
    // batch), the slots remembered when listing are still right and save a hash probe each.
    let heads = this.heads;
    let skipped = 0;
    if (!this.fresh) {
      heads = this.slots;
      const moved = dest.layout !== this.layout;
      for (let k = 0; k < n; k++) {
        let slot = heads[k]!;
        if (moved) {
          for (let i = 0; i < w; i++) dest.scratch[i] = listed[k * w + i]!;
          slot = dest.find();
        }
        if (slot < 0) {
          heads[k] = -1;
          continue;
        }
        const v = values[slot]!;
        values[slot] = v & HEAD;
        if ((v & LISTED) === 0) {
          heads[k] = -2;
          skipped++;
        } else heads[k] = v & HEAD;
      }
    }
    // Nothing listed twice (the common case): the keys go over in one copy. Otherwise the
    // prefixes listed twice are left out, keys and heads moved up over them.
    let count = n;
    if (skipped === 0) keys.set(listed.subarray(0, n * w));
    else {
      count = 0;
      for (let k = 0; k < n; k++) {
        if (heads[k] === -2) continue;
        for (let i = 0; i < w; i++) keys[count * w + i] = listed[k * w + i]!;
        heads[count++] = heads[k]!;
      }
    }
    fillBest(this.out, 0, heads, count, nodes, eligibility);
    this.count = 0;
    this.fresh = true;
    if (this.slots.length > 65536) {
      this.keys = new Uint32Array(1024 * w);
      this.slots = new Int32Array(1024);
      this.heads = new Int32Array(1024);
    }
    return { afi: this.afi, width: w, count, ...this.out };
  }
}

/**
 * Writes the best path of each of `n` prefixes (head paths `heads[k]`, or -1 for none) into the
 * columns from index `at` on: its peer, path id, set and stale mark when the head is eligible,
 * else peer -1. Returns `at + n`.
 */
function fillBest(
  out: BatchColumns,
  at: number,
  heads: Int32Array,
  n: number,
  nodes: NodePool,
  eligibility: EligibilityOf,
): number {
  const { peer, pathId, attr, stale } = out;
  // Consecutive prefixes mostly share a set and a peer (the prefixes of one UPDATE): the
  // eligibility of the last pair is reused.
  let lastAttr = -1;
  let lastPeer = -1;
  let lastCode = 0;
  let j = at;
  for (let k = 0; k < n; k++, j++) {
    const head = heads[k]!;
    if (head >= 0) {
      const id = nodes.peer[head]!;
      const a = nodes.attr[head]!;
      if (a !== lastAttr || id !== lastPeer) {
        lastAttr = a;
        lastPeer = id;
        lastCode = eligibility(a, id);
      }
      if (lastCode === 0) {
        peer[j] = id;
        pathId[j] = nodes.pathId(head);
        attr[j] = a;
        stale[j] = nodes.flags[head]! & PATH_STALE;
        continue;
      }
    }
    peer[j] = -1;
  }
  return j;
}

/**
 * Every prefix of the Loc-RIB table `dest` with its best path, as a batch part in new columns
 * (prefixes without a usable path included, with peer -1): what a consumer that reads columns
 * needs of a full table, without an object per prefix.
 */
export function snapshotPart(
  afi: 1 | 2,
  dest: KeyTable,
  nodes: NodePool,
  eligibility: EligibilityOf,
): BatchFamily {
  const n = dest.size;
  const w = dest.width;
  const out = batchColumns(n, w);
  const heads = new Int32Array(n);
  let k = 0;
  dest.forEach((slot, value) => {
    dest.keyAt(slot, out.keys, k * w);
    heads[k++] = value & HEAD;
  });
  return { afi, width: w, count: fillBest(out, 0, heads, n, nodes, eligibility), ...out };
}
