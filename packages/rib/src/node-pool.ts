/**
 * The path records of the RIB, held column-wise in typed arrays.
 *
 * A path is one route from one peer (prefix, path id): its peer, path id, interned attribute set,
 * flags, and the link to the next path competing for the same prefix. Columns rather than objects
 * keep a full table at about 15 bytes a path and invisible to the garbage collector. Freed
 * records are chained through `next` and reused.
 *
 * @module
 */

/** Path flag: the path survives from before a session loss (graceful restart, RFC 4724). */
export const PATH_STALE = 1;

/** Column storage of path records; index -1 means "none". */
export class NodePool {
  /** Peer id per path. */
  peer: Uint16Array;
  /**
   * ADD-PATH path identifier per path; allocated with the first non-zero id, since without
   * ADD-PATH (most sessions) every id is 0 and the column would be 4 bytes a path of zeros.
   */
  private pathIds: Uint32Array | undefined;
  /** Interned attribute set id per path. */
  attr: Int32Array;
  /** Next path of the same prefix (or next free record). */
  next: Int32Array;
  /** Flags per path ({@link PATH_STALE}). */
  flags: Uint8Array;
  private freeHead = -1;
  private top = 0;
  /** Paths in use. */
  live = 0;

  /** @param capacity - records to start with */
  constructor(capacity = 1024) {
    this.peer = new Uint16Array(capacity);
    this.attr = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  /** Allocates a record and returns its index. */
  alloc(peer: number, pathId: number, attr: number): number {
    let n = this.freeHead;
    if (n >= 0) this.freeHead = this.next[n]!;
    else {
      if (this.top === this.peer.length) this.grow();
      n = this.top++;
    }
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
    return n;
  }

  /** The ADD-PATH path identifier of path `n`. */
  pathId(n: number): number {
    return this.pathIds === undefined ? 0 : this.pathIds[n]!;
  }

  /** Returns a record to the free chain. */
  free(n: number): void {
    this.next[n] = this.freeHead;
    this.attr[n] = -1;
    this.freeHead = n;
    this.live--;
  }

  /** Bytes held by the columns. */
  get byteLength(): number {
    return (
      this.peer.byteLength +
      (this.pathIds?.byteLength ?? 0) +
      this.attr.byteLength +
      this.next.byteLength +
      this.flags.byteLength
    );
  }

  private grow(): void {
    const cap = Math.ceil(this.peer.length * 1.5) + 16;
    // The Loc-RIB keeps a flag bit above the 30-bit record index (see rib.ts).
    if (cap > 0x40000000) throw new RangeError('more than 2^30 paths');
    const g = <T extends Uint16Array | Uint32Array | Int32Array | Uint8Array>(
      old: T,
      make: (n: number) => T,
    ): T => {
      const a = make(cap);
      a.set(old);
      return a;
    };
    this.peer = g(this.peer, (n) => new Uint16Array(n));
    if (this.pathIds) this.pathIds = g(this.pathIds, (n) => new Uint32Array(n));
    this.attr = g(this.attr, (n) => new Int32Array(n));
    this.next = g(this.next, (n) => new Int32Array(n));
    this.flags = g(this.flags, (n) => new Uint8Array(n));
  }
}
