/**
 * The path records of the RIB for one address family, held column-wise in typed arrays.
 *
 * A path is one route from one peer (prefix, path id): its prefix key, peer, path id, interned
 * attribute set, flags, and the link to the next path competing for the same prefix. Columns
 * rather than objects keep a full IPv4 table at about 19 bytes a path and invisible to the
 * garbage collector. Freed records are chained through `next` and reused.
 *
 * The record carries its prefix key so that a peer's paths can be found by scanning the records
 * (peer down, stale sweep, listing an Adj-RIB-In) without a per-peer index: a per-peer hash
 * table cost a second random memory access for every route received, and as much memory.
 *
 * @module
 */

/** Path flag: the path survives from before a session loss (graceful restart, RFC 4724). */
export const PATH_STALE = 1;

/** Column storage of path records; index -1 means "none". */
export class NodePool {
  /** Prefix key words per path, `width` each (see prefix-key). */
  keys: Uint32Array;
  /** Peer id per path. */
  peer: Uint16Array;
  /** Interned attribute set id per path; -1 for a free record. */
  attr: Int32Array;
  /** Next path of the same prefix (or next free record). */
  next: Int32Array;
  /** Flags per path ({@link PATH_STALE}). */
  flags: Uint8Array;
  /** Words per key. */
  readonly width: number;
  /**
   * ADD-PATH path identifier per path; allocated with the first non-zero id, since without
   * ADD-PATH (most sessions) every id is 0 and the column would be 4 bytes a path of zeros.
   */
  private pathIds: Uint32Array | undefined;
  private freeHead = -1;
  /** Records ever used: every live record has an index below it. */
  top = 0;
  /** Paths in use. */
  live = 0;

  /**
   * @param width - words per prefix key
   * @param capacity - records to start with
   */
  constructor(width: number, capacity = 1024) {
    this.width = width;
    this.keys = new Uint32Array(capacity * width);
    this.peer = new Uint16Array(capacity);
    this.attr = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.commit();
  }

  /**
   * Touches every page of the columns. A new typed array is zeroed memory that the kernel maps
   * on first write, a page fault per 4 KiB; a pool sized for a full table (`expectedRoutes`)
   * takes those faults here, when the RIB is built, rather than one by one while routes arrive
   * (about 5,000 faults for a million IPv4 paths, 5 to 10 % of loading them).
   */
  private commit(): void {
    this.keys.fill(0);
    this.peer.fill(0);
    this.attr.fill(0);
    this.next.fill(0);
    this.flags.fill(0);
  }

  /** Number of records the columns hold. */
  get capacity(): number {
    return this.peer.length;
  }

  /** Allocates a record for the key in `key[0, width)` and returns its index. */
  alloc(key: Uint32Array, peer: number, pathId: number, attr: number): number {
    const n = this.take();
    const w = this.width;
    const at = n * w;
    for (let i = 0; i < w; i++) this.keys[at + i] = key[i]!;
    this.fill(n, peer, pathId, attr);
    return n;
  }

  /** {@link NodePool.alloc} for a two-word key (an IPv4 prefix) given as arguments. */
  allocIpv4(k0: number, k1: number, peer: number, pathId: number, attr: number): number {
    const n = this.take();
    this.keys[n * 2] = k0;
    this.keys[n * 2 + 1] = k1;
    this.fill(n, peer, pathId, attr);
    return n;
  }

  /** A free record's index: the last freed, or the next never used. */
  private take(): number {
    const n = this.freeHead;
    if (n >= 0) {
      this.freeHead = this.next[n]!;
      return n;
    }
    if (this.top === this.peer.length) this.resize(Math.ceil(this.peer.length * 1.5) + 16);
    return this.top++;
  }

  /** Fills record `n`'s columns other than its key. */
  private fill(n: number, peer: number, pathId: number, attr: number): void {
    this.peer[n] = peer;
    if (this.pathIds !== undefined) this.pathIds[n] = pathId;
    else if (pathId !== 0) {
      this.pathIds = new Uint32Array(this.peer.length);
      this.pathIds[n] = pathId;
    }
    this.attr[n] = attr;
    this.next[n] = -1;
    this.flags[n] = 0;
    this.live++;
  }

  /** The ADD-PATH path identifier of path `n`. */
  pathId(n: number): number {
    return this.pathIds === undefined ? 0 : this.pathIds[n]!;
  }

  /** Copies the prefix key of path `n` into `out`. */
  keyOf(n: number, out: Uint32Array): void {
    const w = this.width;
    for (let i = 0; i < w; i++) out[i] = this.keys[n * w + i]!;
  }

  /** Returns a record to the free chain. */
  free(n: number): void {
    this.next[n] = this.freeHead;
    this.attr[n] = -1;
    this.freeHead = n;
    this.live--;
  }

  /** Makes room for at least `records` records in all, so that filling them does not grow. */
  reserve(records: number): void {
    if (records > this.peer.length) this.resize(records);
  }

  /** Bytes held by the columns. */
  get byteLength(): number {
    return (
      this.keys.byteLength +
      this.peer.byteLength +
      (this.pathIds?.byteLength ?? 0) +
      this.attr.byteLength +
      this.next.byteLength +
      this.flags.byteLength
    );
  }

  private resize(cap: number): void {
    // The Loc-RIB keeps a flag bit above the 30-bit record index (see rib.ts).
    if (cap > 0x40000000) throw new RangeError('more than 2^30 paths');
    const g = <T extends Uint16Array | Uint32Array | Int32Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const a = make(cap);
      a.set(old);
      a.fill(0, old.length); // commit the new pages now (see commit)
      return a;
    };
    this.keys = g(this.keys, (n) => new Uint32Array(n * this.width));
    this.peer = g(this.peer, (n) => new Uint16Array(n));
    if (this.pathIds) this.pathIds = g(this.pathIds, (n) => new Uint32Array(n));
    this.attr = g(this.attr, (n) => new Int32Array(n));
    this.next = g(this.next, (n) => new Int32Array(n));
    this.flags = g(this.flags, (n) => new Uint8Array(n));
  }
}
