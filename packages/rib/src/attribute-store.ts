/**
 * Interned path attribute sets: one shared, immutable copy per distinct set, reference-counted.
 *
 * A full table has about a million routes but only some hundred thousand distinct attribute
 * sets, and an UPDATE carries one set for many prefixes. Interning stores each set once and lets
 * a route refer to it by a small integer id.
 *
 * Layout: a set is kept as its canonical wire bytes ({@link canonicalAttributeBytes}) in one
 * shared byte arena, plus a few numbers per id in typed-array columns (arena offset and length,
 * hash, reference count, the AS_PATH facts the decision process reads, the cached next-hop
 * cost). The lookup table is open addressing over those ids. Nothing here is a JavaScript object
 * per set: a decoded {@link RouteAttributes} costs about 1 KB of heap (arrays, segment objects,
 * a Uint8Array per next hop), which at 100k sets is 100 bytes per route of a full table, ten
 * times what the bytes and columns take. The object is rebuilt from the bytes on demand
 * ({@link AttributeStore.get}) and a small direct-mapped cache keeps the recently used ones, so
 * the prefixes of one UPDATE, which share a set, decode it once.
 *
 * @module
 */
import {
  CANONICAL,
  encodeAttributesInto,
  encodedAttributesLength,
  readCanonicalAttributes,
} from './attribute-codec.js';
import { asPathLength, neighborAs, type RouteAttributes } from './route-attributes.js';

/**
 * An interned attribute set. Valid while the set is live (referenced); never mutate
 * `attributes`: it may be shared by every route using the set.
 */
export interface InternedAttributes {
  /** Small integer id, reused after the set is freed. */
  readonly id: number;
  /** The attributes (decoded from the canonical bytes, or the object that was interned). */
  readonly attributes: RouteAttributes;
  /** Canonical wire bytes (the interning key). */
  readonly key: Uint8Array;
  /** Routes referring to this set. */
  readonly refCount: number;
  /** AS_PATH length as the decision process counts it. */
  readonly asPathLength: number;
  /** Neighbouring AS (leftmost AS of the path), or -1 for an empty path. */
  readonly neighborAs: number;
}

/** Whether `a` is an interned set rather than plain attributes. */
export function isInternedAttributes(
  a: RouteAttributes | InternedAttributes,
): a is InternedAttributes {
  return (a as InternedAttributes).key !== undefined && (a as InternedAttributes).id !== undefined;
}

/**
 * The view {@link AttributeStore.get} hands out: columns read through, attributes decoded on
 * first use (a consumer walking changes in hash order would otherwise decode a set per prefix
 * just to learn its id).
 */
class InternedView implements InternedAttributes {
  readonly id: number;
  readonly asPathLength: number;
  readonly neighborAs: number;
  private readonly store: AttributeStore;
  private decoded: RouteAttributes | undefined;

  constructor(store: AttributeStore, id: number, attributes: RouteAttributes | undefined) {
    this.store = store;
    this.id = id;
    this.decoded = attributes;
    this.asPathLength = store.asPathLengthOf(id);
    this.neighborAs = store.neighborAsOf(id);
  }

  get attributes(): RouteAttributes {
    this.decoded ??= this.store.decode(this.id);
    return this.decoded;
  }

  get key(): Uint8Array {
    return this.store.keyOf(this.id);
  }

  get refCount(): number {
    return this.store.refCountOf(this.id);
  }
}

function fnv1a(bytes: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

const NONE = -1;
/** Decoded sets kept (direct-mapped by id): a power of two. */
const CACHE_SIZE = 4096;

/**
 * The interning table. A set is created with no references; {@link AttributeStore.retain} and
 * {@link AttributeStore.release} count the routes using it, and it is freed when the count
 * returns to zero. Sets that were interned but never retained are freed by
 * {@link AttributeStore.collect}.
 */
export class AttributeStore {
  // Columns per id.
  private offset = new Uint32Array(256);
  private length = new Uint32Array(256);
  private hash = new Uint32Array(256);
  private refs = new Int32Array(256);
  private pathLength = new Uint32Array(256);
  /** Neighbouring AS + 1 (0: none), so that a full 32-bit ASN fits a Float64 exactly. */
  private neighbor = new Float64Array(256);
  private igpCost = new Float64Array(256);
  private igpEpoch = new Int32Array(256);
  private isLive = new Uint8Array(256);
  /** Ids in use or freed so far (the next never-used id). */
  private top = 0;
  private readonly freeIds: number[] = [];
  private unretained: number[] = [];
  private live = 0;

  /** Canonical bytes of every live set, bump-allocated; compacted when half is garbage. */
  private arena = new Uint8Array(1 << 16);
  private arenaTop = 0;
  private arenaGarbage = 0;

  /** Open-addressing table of ids (or -1), power-of-two size, at most half full. */
  private slots = new Int32Array(512).fill(NONE);

  private readonly cache: (InternedView | undefined)[] = new Array(CACHE_SIZE);

  /** Number of distinct sets held. */
  get size(): number {
    return this.live;
  }

  /** Bytes held by the columns, the arena and the lookup table. */
  get byteLength(): number {
    return (
      this.offset.byteLength * 6 +
      this.neighbor.byteLength * 2 +
      this.isLive.byteLength +
      this.arena.byteLength +
      this.slots.byteLength
    );
  }

  /** Returns the shared copy of `attrs`, creating it (with no references) when new. */
  intern(attrs: RouteAttributes): InternedAttributes {
    // The canonical bytes are written at the top of the arena: kept there when the set is new,
    // abandoned (overwritten by the next set) when it is already held.
    const n = encodedAttributesLength(attrs, CANONICAL);
    if (this.arenaTop + n > this.arena.length) this.makeRoom(n);
    const at = this.arenaTop;
    encodeAttributesInto(attrs, CANONICAL, this.arena, at);
    const h = fnv1a(this.arena, at, at + n);
    const mask = this.slots.length - 1;
    let slot = h & mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id === NONE) break;
      if (this.hash[id] === h && this.sameBytes(id, at, n)) return this.view(id, attrs);
      slot = (slot + 1) & mask;
    }
    const id = this.allocate(n, h, attrs);
    this.slots[slot] = id;
    if (this.live * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    this.unretained.push(id);
    return this.view(id, attrs);
  }

  /** The set with this id (it must be live). */
  get(id: number): InternedAttributes {
    if (this.isLive[id] !== 1) throw new RangeError(`attribute set ${id} is not live`);
    return this.view(id, undefined);
  }

  /** Counts one more route (or `routes` more) using set `id`. */
  retain(id: number, routes = 1): void {
    this.refs[id]! += routes;
  }

  /** Counts one route fewer using set `id`; frees the set at zero. */
  release(id: number): void {
    if (--this.refs[id]! > 0) return;
    this.free(id);
  }

  /** Frees the sets that were interned but never retained; returns how many. */
  collect(): number {
    let n = 0;
    const ids = this.unretained;
    this.unretained = [];
    // An id may be listed twice (freed and reused within one batch): isLive guards the second.
    for (const id of ids) {
      if (this.isLive[id] === 1 && this.refs[id] === 0) {
        this.free(id);
        n++;
      }
    }
    return n;
  }

  /** Every live set. */
  *[Symbol.iterator](): IterableIterator<InternedAttributes> {
    for (let id = 0; id < this.top; id++) if (this.isLive[id] === 1) yield this.view(id, undefined);
  }

  /** @internal Canonical bytes of set `id` (a copy). */
  keyOf(id: number): Uint8Array {
    const at = this.offset[id]!;
    return this.arena.slice(at, at + this.length[id]!);
  }

  /** @internal Routes referring to set `id`. */
  refCountOf(id: number): number {
    return this.refs[id]!;
  }

  /** @internal AS_PATH length of set `id` as the decision process counts it. */
  asPathLengthOf(id: number): number {
    return this.pathLength[id]!;
  }

  /** @internal Neighbouring AS of set `id`, or -1. */
  neighborAsOf(id: number): number {
    return this.neighbor[id]! - 1;
  }

  /** @internal Resolver epoch the cached next-hop cost of set `id` belongs to. */
  igpEpochOf(id: number): number {
    return this.igpEpoch[id]!;
  }

  /** @internal The cached next-hop cost (or negative ineligibility code) of set `id`. */
  igpCostOf(id: number): number {
    return this.igpCost[id]!;
  }

  /** @internal Caches the next-hop cost of set `id` for resolver epoch `epoch`. */
  setIgp(id: number, epoch: number, cost: number): void {
    this.igpEpoch[id] = epoch;
    this.igpCost[id] = cost;
  }

  private view(id: number, attrs: RouteAttributes | undefined): InternedView {
    const c = id & (CACHE_SIZE - 1);
    const hit = this.cache[c];
    if (hit !== undefined && hit.id === id) return hit;
    const v = new InternedView(this, id, attrs);
    this.cache[c] = v;
    return v;
  }

  /** @internal Decodes set `id` from its canonical bytes. */
  decode(id: number): RouteAttributes {
    const at = this.offset[id]!;
    return readCanonicalAttributes(this.arena.subarray(at, at + this.length[id]!));
  }

  private sameBytes(id: number, at: number, n: number): boolean {
    if (this.length[id] !== n) return false;
    const a = this.arena;
    const from = this.offset[id]!;
    for (let i = 0; i < n; i++) if (a[from + i] !== a[at + i]) return false;
    return true;
  }

  /** Allocates an id for the `n` canonical bytes at the top of the arena. */
  private allocate(n: number, h: number, attrs: RouteAttributes): number {
    let id = this.freeIds.pop();
    if (id === undefined) {
      if (this.top === this.offset.length) this.growColumns();
      id = this.top++;
    }
    this.offset[id] = this.arenaTop;
    this.length[id] = n;
    this.arenaTop += n;
    this.hash[id] = h;
    this.refs[id] = 0;
    this.pathLength[id] = asPathLength(attrs.asPath);
    this.neighbor[id] = (neighborAs(attrs.asPath) ?? -1) + 1;
    this.igpCost[id] = 0;
    this.igpEpoch[id] = -1;
    this.isLive[id] = 1;
    this.live++;
    return id;
  }

  private free(id: number): void {
    // Backward-shift deletion from the lookup table (no tombstones).
    const slots = this.slots;
    const mask = slots.length - 1;
    let hole = this.hash[id]! & mask;
    while (slots[hole] !== id) hole = (hole + 1) & mask;
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      const other = slots[j]!;
      if (other === NONE) break;
      const home = this.hash[other]! & mask;
      // `other` may move into the hole unless its home lies cyclically in (hole, j].
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      slots[hole] = other;
      hole = j;
    }
    slots[hole] = NONE;
    this.isLive[id] = 0;
    this.refs[id] = 0;
    this.arenaGarbage += this.length[id]!;
    const c = id & (CACHE_SIZE - 1);
    if (this.cache[c]?.id === id) this.cache[c] = undefined;
    this.freeIds.push(id);
    this.live--;
  }

  private rehash(size: number): void {
    const slots = new Int32Array(size).fill(NONE);
    const mask = size - 1;
    for (let id = 0; id < this.top; id++) {
      if (this.isLive[id] !== 1) continue;
      let s = this.hash[id]! & mask;
      while (slots[s] !== NONE) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
  }

  /**
   * Makes room for `need` more bytes at the top of the arena: compacts it when at least half of
   * it is garbage, else grows it by half.
   */
  private makeRoom(need: number): void {
    const used = this.arenaTop - this.arenaGarbage;
    const size = Math.max(this.arena.length, Math.ceil((used + need) * 1.5));
    if (this.arenaGarbage === 0) {
      // Nothing to compact (a table loading): one copy.
      const arena = new Uint8Array(Math.ceil(size * 1.5));
      arena.set(this.arena.subarray(0, this.arenaTop));
      this.arena = arena;
      return;
    }
    const grown = this.arenaGarbage * 2 >= this.arenaTop ? size : Math.ceil(size * 1.5);
    const arena = new Uint8Array(grown);
    const old = this.arena;
    let top = 0;
    for (let id = 0; id < this.top; id++) {
      if (this.isLive[id] !== 1) continue;
      const at = this.offset[id]!;
      const n = this.length[id]!;
      arena.set(old.subarray(at, at + n), top);
      this.offset[id] = top;
      top += n;
    }
    this.arena = arena;
    this.arenaTop = top;
    this.arenaGarbage = 0;
  }

  private growColumns(): void {
    const n = Math.ceil(this.offset.length * 1.5);
    const grow = <T extends Uint32Array | Int32Array | Float64Array | Uint8Array>(
      old: T,
      make: (size: number) => T,
    ): T => {
      const a = make(n);
      a.set(old);
      return a;
    };
    this.offset = grow(this.offset, (s) => new Uint32Array(s));
    this.length = grow(this.length, (s) => new Uint32Array(s));
    this.hash = grow(this.hash, (s) => new Uint32Array(s));
    this.refs = grow(this.refs, (s) => new Int32Array(s));
    this.pathLength = grow(this.pathLength, (s) => new Uint32Array(s));
    this.neighbor = grow(this.neighbor, (s) => new Float64Array(s));
    this.igpCost = grow(this.igpCost, (s) => new Float64Array(s));
    this.igpEpoch = grow(this.igpEpoch, (s) => new Int32Array(s));
    this.isLive = grow(this.isLive, (s) => new Uint8Array(s));
  }
}
