/**
 * Interned path attribute sets: one shared, immutable copy per distinct set, reference-counted.
 *
 * A full table has about a million routes but only some hundred thousand distinct attribute
 * sets, and an UPDATE carries one set for many prefixes. Interning stores each set once and lets
 * a route refer to it by a small integer id. The key is the set's canonical wire bytes (see
 * {@link canonicalAttributeBytes}); the lookup hashes those bytes (FNV-1a) instead of turning them
 * into a string, so no key string is kept per set. The decision process reads the precomputed
 * fields here (AS_PATH length, neighbouring AS) rather than walking the attributes again.
 *
 * @module
 */
import { Writer } from '@bgp/wire';
import { canonicalAttributeBytes } from './attribute-codec.js';
import { asPathLength, neighborAs, type RouteAttributes } from './route-attributes.js';

/** An interned attribute set. Never mutate `attributes`: it is shared by every route using it. */
export interface InternedAttributes {
  /** Small integer id, reused after the set is freed. */
  readonly id: number;
  /** The attributes. */
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

interface Entry {
  id: number;
  attributes: RouteAttributes;
  key: Uint8Array;
  hash: number;
  refCount: number;
  asPathLength: number;
  neighborAs: number;
  /** Cached next-hop cost and the resolver epoch it belongs to (owned by the Loc-RIB). */
  igpCost: number;
  igpEpoch: number;
}

function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The interning table. A set is created with no references; {@link AttributeStore.retain} and
 * {@link AttributeStore.release} count the routes using it, and it is freed when the count
 * returns to zero. Sets that were interned but never retained are freed by
 * {@link AttributeStore.collect}.
 */
export class AttributeStore {
  private readonly byHash = new Map<number, Entry | Entry[]>();
  private readonly byId: (Entry | undefined)[] = [];
  private readonly freeIds: number[] = [];
  private readonly unretained: Entry[] = [];
  private readonly writer = new Writer(256);
  private live = 0;

  /** Number of distinct sets held. */
  get size(): number {
    return this.live;
  }

  /** Returns the shared copy of `attrs`, creating it (with no references) when new. */
  intern(attrs: RouteAttributes): InternedAttributes {
    const bytes = canonicalAttributeBytes(attrs, this.writer);
    const hash = fnv1a(bytes);
    const found = this.byHash.get(hash);
    if (found !== undefined) {
      if (Array.isArray(found)) {
        for (const e of found) if (sameBytes(e.key, bytes)) return e;
      } else if (sameBytes(found.key, bytes)) return found;
    }
    const id = this.freeIds.pop() ?? this.byId.length;
    const entry: Entry = {
      id,
      attributes: attrs,
      key: bytes.slice(),
      hash,
      refCount: 0,
      asPathLength: asPathLength(attrs.asPath),
      neighborAs: neighborAs(attrs.asPath) ?? -1,
      igpCost: 0,
      igpEpoch: -1,
    };
    this.byId[id] = entry;
    if (found === undefined) this.byHash.set(hash, entry);
    else if (Array.isArray(found)) found.push(entry);
    else this.byHash.set(hash, [found, entry]);
    this.unretained.push(entry);
    this.live++;
    return entry;
  }

  /** The set with this id (it must be live). */
  get(id: number): InternedAttributes {
    const e = this.byId[id];
    if (e === undefined) throw new RangeError(`attribute set ${id} is not live`);
    return e;
  }

  /** @internal The mutable entry (the Loc-RIB caches next-hop costs on it). */
  entry(id: number): Entry {
    return this.byId[id]!;
  }

  /** Counts one more route using set `id`. */
  retain(id: number): void {
    this.byId[id]!.refCount++;
  }

  /** Counts one route fewer using set `id`; frees the set at zero. */
  release(id: number): void {
    const e = this.byId[id]!;
    if (--e.refCount > 0) return;
    this.free(e);
  }

  /** Frees the sets that were interned but never retained; returns how many. */
  collect(): number {
    let n = 0;
    for (const e of this.unretained) {
      if (e.refCount === 0 && this.byId[e.id] === e) {
        this.free(e);
        n++;
      }
    }
    this.unretained.length = 0;
    return n;
  }

  /** Every live set. */
  *[Symbol.iterator](): IterableIterator<InternedAttributes> {
    for (const e of this.byId) if (e !== undefined) yield e;
  }

  private free(e: Entry): void {
    const found = this.byHash.get(e.hash);
    if (Array.isArray(found)) {
      const rest = found.filter((x) => x !== e);
      if (rest.length === 1) this.byHash.set(e.hash, rest[0]!);
      else this.byHash.set(e.hash, rest);
    } else this.byHash.delete(e.hash);
    this.byId[e.id] = undefined;
    this.freeIds.push(e.id);
    this.live--;
  }
}
