/**
 * An open-addressing hash table whose keys are a fixed number of 32-bit words, stored in typed
 * arrays.
 *
 * Why not a `Map`: a full table has a million prefixes per peer. A `Map` keyed by strings or
 * boxed numbers costs an object per key plus the entry (around 60 bytes a route) and gives the
 * garbage collector a million objects to trace. Here a route costs `4 × width + 4` bytes per slot
 * and nothing to trace. Linear probing with backward-shift deletion keeps lookups short without
 * tombstones; slots are placed by "fastrange" (`hash × capacity / 2³²`) so the capacity need not
 * be a power of two and can grow by 1.5× instead of doubling.
 *
 * @module
 */

const EMPTY = -1;
const MAX_LOAD = 0.8;
const TWO_32 = 4294967296;
let seedCounter = 0;

/**
 * A hash table from `width` 32-bit words to a non-negative 31-bit integer. Callers write the key
 * into {@link KeyTable.scratch} and then call {@link KeyTable.find}, {@link KeyTable.set}, {@link KeyTable.insertSlot} or
 * {@link KeyTable.remove}; that keeps the hot path free of allocation.
 */
export class KeyTable {
  /** Number of 32-bit words in a key. */
  readonly width: number;
  /** The key being looked up: fill it before calling find, insert or remove. */
  readonly scratch: Uint32Array;
  /** Keys, `width` words per slot. */
  keys: Uint32Array;
  /** Values per slot; -1 marks an empty slot. */
  values: Int32Array;
  /** Number of slots. */
  capacity: number;
  /** Number of keys held. */
  size = 0;
  /** Size at which the table grows (the load limit times the capacity). */
  private limit = 0;
  /** Whether the last {@link KeyTable.insertSlot} added the key. */
  inserted = false;
  /**
   * Changes whenever entries may have moved between slots (a removal's backward shift, growth,
   * clearing): a caller that remembered slots may use them while this stays the same.
   */
  layout = 0;
  /**
   * Per-table hash seed. Fastrange keeps slots in hash order, so walking one table while
   * inserting into another with the same hash function would fill the second one densely from
   * the front (quadratic primary clustering: a peer-down took 30 s per 100k routes). A seed per
   * table makes their orders unrelated.
   */
  private readonly seed: number;

  /**
   * @param width - words per key
   * @param initialCapacity - slots to start with
   */
  constructor(width: number, initialCapacity = 16) {
    this.width = width;
    this.seed = Math.imul(++seedCounter, 0x9e3779b9) >>> 0;
    this.scratch = new Uint32Array(width);
    this.capacity = Math.max(4, initialCapacity);
    this.limit = this.capacity * MAX_LOAD;
    // Both columns are written whole here, so that their pages are mapped now (see NodePool's
    // commit): a table pre-sized for a full feed would otherwise take a page fault per 4 KiB of
    // keys while it fills.
    this.keys = new Uint32Array(this.capacity * width).fill(0);
    this.values = new Int32Array(this.capacity).fill(EMPTY);
  }

  /**
   * The initial capacity that holds `entries` keys without growing (the load limit is 80 %):
   * pre-sizing a table that will hold a full feed saves about 25 rehashes of a growing one.
   */
  static capacityFor(entries: number): number {
    return Math.max(4, Math.ceil(Math.max(0, entries) / MAX_LOAD) + 1);
  }

  private hashAt(words: Uint32Array, at: number): number {
    // A multiply-xorshift mix per word (murmur3 finaliser style); adequate for prefixes, whose
    // entropy sits in the high bits of the first word and in the length. IPv4 keys (two words)
    // skip the loop: this runs for every lookup and for every entry a removal shifts.
    let h = this.seed;
    if (this.width === 2) {
      h = Math.imul(h ^ words[at]!, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h ^ words[at + 1]!, 0x85ebca6b);
      h ^= h >>> 13;
    } else {
      for (let i = 0; i < this.width; i++) {
        h = Math.imul(h ^ words[at + i]!, 0x85ebca6b);
        h ^= h >>> 13;
      }
    }
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  }

  private home(words: Uint32Array, at: number): number {
    return Math.floor((this.hashAt(words, at) * this.capacity) / TWO_32);
  }

  private matches(slot: number): boolean {
    const w = this.width;
    const base = slot * w;
    const k = this.keys;
    const s = this.scratch;
    for (let i = 0; i < w; i++) if (k[base + i] !== s[i]) return false;
    return true;
  }

  // Plain loops rather than TypedArray.set/subarray: for 2 to 6 words the builtin call (and the
  // view object subarray allocates) costs more than the copy.
  private storeKey(slot: number): void {
    const w = this.width;
    const base = slot * w;
    for (let i = 0; i < w; i++) this.keys[base + i] = this.scratch[i]!;
  }

  /** The slot holding the scratch key, or -1. */
  find(): number {
    const s = this.scratch;
    let slot = this.home(s, 0);
    const values = this.values;
    const keys = this.keys;
    const cap = this.capacity;
    const w = this.width;
    const k0 = s[0]!;
    for (;;) {
      if (values[slot] === EMPTY) return -1;
      const base = slot * w;
      if (keys[base] === k0) {
        let i = 1;
        while (i < w && keys[base + i] === s[i]) i++;
        if (i === w) return slot;
      }
      slot = slot + 1 === cap ? 0 : slot + 1;
    }
  }

  /** The value stored for the scratch key, or -1. */
  get(): number {
    const slot = this.find();
    return slot < 0 ? EMPTY : this.values[slot]!;
  }

  /**
   * Stores `value` (≥ 0) for the scratch key and returns the value it replaced, or -1 when the
   * key is new.
   */
  set(value: number): number {
    if (this.size + 1 > this.limit) this.grow();
    let slot = this.home(this.scratch, 0);
    const values = this.values;
    const cap = this.capacity;
    for (;;) {
      const v = values[slot]!;
      if (v === EMPTY) {
        this.storeKey(slot);
        values[slot] = value;
        this.size++;
        return EMPTY;
      }
      if (this.matches(slot)) {
        values[slot] = value;
        return v;
      }
      slot = slot + 1 === cap ? 0 : slot + 1;
    }
  }

  /**
   * Finds or adds the scratch key and returns its slot; {@link KeyTable.inserted} says whether it
   * was added, in which case the caller must store a value in `values[slot]` before any other call.
   * One probe sequence instead of a find followed by a set. This is the RIB's hottest loop (two
   * calls per route received), so it hashes and compares inline, with IPv4 keys (two words)
   * compared without a loop.
   */
  insertSlot(): number {
    const s = this.scratch;
    const w = this.width;
    let h = this.seed;
    for (let i = 0; i < w; i++) {
      h = Math.imul(h ^ s[i]!, 0x85ebca6b);
      h ^= h >>> 13;
    }
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    const cap = this.capacity;
    let slot = Math.floor(((h >>> 0) * cap) / TWO_32);
    const values = this.values;
    const keys = this.keys;
    const k0 = s[0]!;
    const k1 = s[1]!;
    for (;;) {
      if (values[slot] === EMPTY) {
        if (this.size + 1 > this.limit) {
          this.grow();
          return this.insertSlot();
        }
        const base = slot * w;
        for (let i = 0; i < w; i++) keys[base + i] = s[i]!;
        values[slot] = 0;
        this.size++;
        this.inserted = true;
        return slot;
      }
      const base = slot * w;
      if (keys[base] === k0 && (w < 2 || keys[base + 1] === k1)) {
        let i = Math.min(w, 2);
        while (i < w && keys[base + i] === s[i]) i++;
        if (i === w) {
          this.inserted = false;
          return slot;
        }
      }
      slot = slot + 1 === cap ? 0 : slot + 1;
    }
  }

  /**
   * {@link KeyTable.insertSlot} for a two-word key (an IPv4 prefix) given as arguments: no
   * scratch copy, no loops. The table's width must be 2.
   */
  insertSlot2(k0: number, k1: number): number {
    return this.insertSlot2At(this.home2(k0, k1), k0, k1);
  }

  /**
   * The home slot of a two-word key: where {@link KeyTable.insertSlot2At} starts probing. Valid
   * until the table grows.
   */
  home2(k0: number, k1: number): number {
    let h = Math.imul(this.seed ^ k0, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h ^ k1, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return Math.floor(((h >>> 0) * this.capacity) / TWO_32);
  }

  /**
   * Computes the home slots of the two-word keys `(k0s[i], k1s[i])` for `i` in `[from, to)` into
   * `homes[i - from]`, and reads each slot's value and key words: their cache misses overlap here
   * rather than come one per insert. Returns a value derived from what it read, for the caller
   * to keep (so that the reads are not optimized away).
   */
  readAhead2(
    k0s: Uint32Array,
    k1s: Uint8Array,
    from: number,
    to: number,
    homes: Int32Array,
  ): number {
    const values = this.values;
    const keys = this.keys;
    let touched = 0;
    for (let i = from; i < to; i++) {
      const home = this.home2(k0s[i]!, k1s[i]!);
      homes[i - from] = home;
      touched ^= values[home]! ^ keys[home * 2]!;
    }
    return touched;
  }

  /**
   * {@link KeyTable.insertSlot2} from the key's home slot ({@link KeyTable.home2}), for a caller
   * that computed it already (to read the slot ahead, see Rib.announceIpv4Run).
   */
  insertSlot2At(home: number, k0: number, k1: number): number {
    const cap = this.capacity;
    const values = this.values;
    const keys = this.keys;
    let slot = home;
    for (;;) {
      const base = slot * 2;
      if (values[slot] === EMPTY) {
        // Grow only when a key is added: a table loaded exactly to its pre-sized count must not
        // grow when a key it holds is looked up again.
        if (this.size + 1 > this.limit) {
          this.grow();
          return this.insertSlot2(k0, k1);
        }
        keys[base] = k0;
        keys[base + 1] = k1;
        values[slot] = 0;
        this.size++;
        this.inserted = true;
        return slot;
      }
      if (keys[base] === k0 && keys[base + 1] === k1) {
        this.inserted = false;
        return slot;
      }
      slot = slot + 1 === cap ? 0 : slot + 1;
    }
  }

  /** Removes the scratch key; returns its value, or -1 when it was absent. */
  remove(): number {
    const slot = this.find();
    if (slot < 0) return EMPTY;
    const v = this.values[slot]!;
    this.removeSlot(slot);
    return v;
  }

  /** Removes the entry in `slot` (backward-shift deletion: later entries of the run move up). */
  removeSlot(slot: number): void {
    const values = this.values;
    const keys = this.keys;
    const w = this.width;
    const cap = this.capacity;
    let hole = slot;
    let j = slot;
    for (;;) {
      j = j + 1 === cap ? 0 : j + 1;
      if (values[j] === EMPTY) break;
      const h = this.home(keys, j * w);
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (stays) continue;
      for (let i = 0; i < w; i++) keys[hole * w + i] = keys[j * w + i]!;
      values[hole] = values[j]!;
      hole = j;
    }
    values[hole] = EMPTY;
    this.size--;
    this.layout++;
  }

  /** Copies the key of `slot` into `out` at `at`. */
  keyAt(slot: number, out: Uint32Array, at = 0): void {
    const base = slot * this.width;
    for (let i = 0; i < this.width; i++) out[at + i] = this.keys[base + i]!;
  }

  /** Calls `fn(slot, value)` for every entry. The table must not change during the walk. */
  forEach(fn: (slot: number, value: number) => void): void {
    const values = this.values;
    for (let s = 0; s < this.capacity; s++) {
      const v = values[s]!;
      if (v !== EMPTY) fn(s, v);
    }
  }

  /** Removes every entry, keeping the capacity (no reallocation). */
  reset(): void {
    this.layout++;
    this.values.fill(EMPTY);
    this.size = 0;
  }

  /** Removes every entry and shrinks back to `capacity` slots. */
  clear(capacity = 16): void {
    this.layout++;
    this.capacity = Math.max(4, capacity);
    this.limit = this.capacity * MAX_LOAD;
    this.keys = new Uint32Array(this.capacity * this.width);
    this.values = new Int32Array(this.capacity).fill(EMPTY);
    this.size = 0;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return this.keys.byteLength + this.values.byteLength;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const oldCap = this.capacity;
    const w = this.width;
    this.layout++;
    this.capacity = Math.ceil(oldCap * 1.5) + 1;
    this.limit = this.capacity * MAX_LOAD;
    this.keys = new Uint32Array(this.capacity * w);
    this.values = new Int32Array(this.capacity).fill(EMPTY);
    const cap = this.capacity;
    for (let s = 0; s < oldCap; s++) {
      const v = oldValues[s]!;
      if (v === EMPTY) continue;
      let slot = this.home(oldKeys, s * w);
      while (this.values[slot] !== EMPTY) slot = slot + 1 === cap ? 0 : slot + 1;
      for (let i = 0; i < w; i++) this.keys[slot * w + i] = oldKeys[s * w + i]!;
      this.values[slot] = v;
    }
  }
}
