/**
 * Loc-RIB change batches held column-wise (see {@link LocRibBatch}).
 *
 * @module
 */
import type { Prefix } from '@bgp/wire';
import { wordsToPrefix } from './prefix-key.js';
import type { LocRibChange, RibRoute } from './rib.js';

/** What a batch needs of the RIB that made it. */
export interface BatchSource {
  /** The RIB path for a best path recorded in a batch. */
  routeFor(peer: number, pathId: number, attr: number, stale: boolean): RibRoute;
}

/** The columns of a {@link LocRibBatch} for one family. */
export interface BatchColumns {
  /** Prefix key words (see prefix-key), `width` per change. */
  readonly keys: Uint32Array;
  /** Peer id of the best path, or -1 when the prefix has no usable path. */
  readonly peer: Int32Array;
  /** ADD-PATH path id of the best path. */
  readonly pathId: Uint32Array;
  /** Attribute set id of the best path. */
  readonly attr: Int32Array;
  /** 1 when the best path is stale. */
  readonly stale: Uint8Array;
}

/** @internal Columns for `n` changes of keys `width` words wide. */
export function batchColumns(n: number, width: number): BatchColumns {
  return {
    keys: new Uint32Array(n * width),
    peer: new Int32Array(n),
    pathId: new Uint32Array(n),
    attr: new Int32Array(n),
    stale: new Uint8Array(n),
  };
}

/** One address family's part of a {@link LocRibBatch}. */
export interface BatchFamily extends BatchColumns {
  readonly afi: 1 | 2;
  readonly width: number;
  readonly count: number;
}

/**
 * A flushed batch of Loc-RIB changes held column-wise: the prefix keys and, per change, the best
 * path's peer, path id and attribute set id. A full table's initial load is a million changes; as
 * objects ({@link LocRibChange}) they cost more CPU and garbage than inserting the routes did, so
 * consumers that can read columns ({@link LocRibBatch.keyAt}, {@link LocRibBatch.bestAttributeId},
 * ...) make no object per change. A batch is valid until the next flush, which reuses its
 * columns (and may free the attribute sets it names); {@link LocRibBatch.toArray} keeps one
 * longer.
 */
export class LocRibBatch {
  /** Number of changes. */
  readonly size: number;
  private readonly rib: BatchSource;
  private readonly parts: readonly BatchFamily[];

  /** @internal */
  constructor(rib: BatchSource, parts: readonly BatchFamily[]) {
    this.rib = rib;
    this.parts = parts;
    let n = 0;
    for (const p of parts) n += p.count;
    this.size = n;
  }

  private part(i: number): [BatchFamily, number] {
    for (const p of this.parts) {
      if (i < p.count) return [p, i];
      i -= p.count;
    }
    throw new RangeError(`change ${i} is out of range`);
  }

  /** Address family (1 IPv4, 2 IPv6) of change `i`. */
  afiAt(i: number): 1 | 2 {
    return this.part(i)[0].afi;
  }

  /** Copies the prefix key words of change `i` into `out` (see prefix-key); returns the width. */
  keyAt(i: number, out: Uint32Array): number {
    const [p, j] = this.part(i);
    for (let w = 0; w < p.width; w++) out[w] = p.keys[j * p.width + w]!;
    return p.width;
  }

  /** The prefix of change `i` (a new object). */
  prefixAt(i: number): Prefix {
    const [p, j] = this.part(i);
    return wordsToPrefix(p.afi, p.keys, j * p.width);
  }

  /** Peer id of change `i`'s best path, or -1 when the prefix has no usable path left. */
  bestPeer(i: number): number {
    const [p, j] = this.part(i);
    return p.peer[j]!;
  }

  /** Attribute set id of change `i`'s best path (meaningful when {@link LocRibBatch.bestPeer} ≥ 0). */
  bestAttributeId(i: number): number {
    const [p, j] = this.part(i);
    return p.attr[j]!;
  }

  /** The best path of change `i` as a {@link RibRoute} (a new object), or undefined. */
  bestAt(i: number): RibRoute | undefined {
    const [p, j] = this.part(i);
    const peer = p.peer[j]!;
    if (peer < 0) return undefined;
    return this.rib.routeFor(peer, p.pathId[j]!, p.attr[j]!, p.stale[j] === 1);
  }

  /** Calls `fn` for every change with its family, key words (a shared view) and best peer. */
  forEach(
    fn: (afi: 1 | 2, key: Uint32Array, keyAt: number, bestPeer: number, index: number) => void,
  ): void {
    let index = 0;
    for (const p of this.parts) {
      for (let j = 0; j < p.count; j++) fn(p.afi, p.keys, j * p.width, p.peer[j]!, index++);
    }
  }

  /** The batch as {@link LocRibChange} objects. */
  toArray(): LocRibChange[] {
    const out: LocRibChange[] = new Array(this.size);
    let k = 0;
    for (const p of this.parts) {
      for (let j = 0; j < p.count; j++) {
        const peer = p.peer[j]!;
        out[k++] = {
          prefix: wordsToPrefix(p.afi, p.keys, j * p.width),
          best:
            peer < 0
              ? undefined
              : this.rib.routeFor(peer, p.pathId[j]!, p.attr[j]!, p.stale[j] === 1),
        };
      }
    }
    return out;
  }
}
