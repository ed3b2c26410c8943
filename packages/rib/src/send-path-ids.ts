/**
 * ADD-PATH send path identifiers (RFC 7911) for one address family of one Adj-RIB-Out.
 *
 * RFC 7911 §3 asks only that a path identifier be unique per prefix within a session; its value
 * has no meaning to the receiver. Deriving it from where the path came from (source peer and
 * source path id) does not fit in 32 bits, so ids are allocated per prefix instead: a path keeps
 * its id for as long as it stays advertised (so a change of attributes is an implicit
 * withdrawal of that id), and a new path takes the lowest id not in use for its prefix. Ids
 * therefore stay small and never collide, whatever path ids the sources use.
 *
 * An id is "in use" from the moment an announcement is queued under it until its withdrawal has
 * been sent (or the queued announcement is cancelled before being sent). The one exception is
 * deliberate: when, in one change, a path of a prefix goes away and another one appears, the new
 * one takes over the old one's id ({@link SendPathIds.reassign}), so the neighbour gets one
 * announcement that replaces the old path instead of a withdrawal and an announcement.
 *
 * Storage is two {@link KeyTable}s and two typed arrays; nothing per path is an object:
 *
 * - `owners`: key (prefix words, id) → source record (an index into `peerOf` / `pathOf`);
 * - `high`: key (prefix words) → one more than the highest id in use, so the ids of a prefix
 *   can be listed by probing `owners` for 0 … high − 1.
 *
 * @module
 */
import { KeyTable } from './key-table.js';
import { prefixWidth } from './prefix-key.js';

/** The send path ids in use for the prefixes of one address family. */
export class SendPathIds {
  /** Words of a prefix key; a path key has one more (the id). */
  readonly prefixWidth: number;
  /** Ids found by the last {@link SendPathIds.load}, ascending. */
  readonly ids: number[] = [];
  /** Source peer ids of {@link SendPathIds.ids}, index for index. */
  readonly peers: number[] = [];
  /** Source path ids of {@link SendPathIds.ids}, index for index. */
  readonly pathIds: number[] = [];
  private readonly owners: KeyTable;
  private readonly high: KeyTable;
  private peerOf = new Int32Array(16);
  private pathOf = new Uint32Array(16);
  private freeRecords: number[] = [];
  private records = 0;

  /** @param afi - the address family (1 IPv4, 2 IPv6) */
  constructor(afi: 1 | 2) {
    this.prefixWidth = prefixWidth(afi);
    this.owners = new KeyTable(this.prefixWidth + 1);
    this.high = new KeyTable(this.prefixWidth);
  }

  /** Number of ids in use (all prefixes). */
  get size(): number {
    return this.owners.size;
  }

  /** Bytes held by the typed arrays. */
  get byteLength(): number {
    return (
      this.owners.byteLength +
      this.high.byteLength +
      this.peerOf.byteLength +
      this.pathOf.byteLength
    );
  }

  private ownerKey(prefix: Uint32Array, id: number): void {
    const s = this.owners.scratch;
    const pw = this.prefixWidth;
    for (let i = 0; i < pw; i++) s[i] = prefix[i]!;
    s[pw] = id;
  }

  private highOf(prefix: Uint32Array): number {
    const s = this.high.scratch;
    for (let i = 0; i < this.prefixWidth; i++) s[i] = prefix[i]!;
    return Math.max(0, this.high.get());
  }

  /**
   * Lists the ids in use for the prefix whose key words are `prefix` (the first
   * {@link SendPathIds.prefixWidth} words) into {@link SendPathIds.ids},
   * {@link SendPathIds.peers} and {@link SendPathIds.pathIds}; returns how many.
   */
  load(prefix: Uint32Array): number {
    const hi = this.highOf(prefix);
    let n = 0;
    for (let id = 0; id < hi; id++) {
      this.ownerKey(prefix, id);
      const r = this.owners.get();
      if (r < 0) continue;
      this.ids[n] = id;
      this.peers[n] = this.peerOf[r]!;
      this.pathIds[n] = this.pathOf[r]!;
      n++;
    }
    this.ids.length = n;
    this.peers.length = n;
    this.pathIds.length = n;
    return n;
  }

  /** Takes the lowest id not in use for `prefix` for the path (`peer`, `pathId`); returns it. */
  allocate(prefix: Uint32Array, peer: number, pathId: number): number {
    for (let id = 0; ; id++) {
      this.ownerKey(prefix, id);
      const slot = this.owners.insertSlot();
      if (!this.owners.inserted) continue;
      const r = this.newRecord();
      this.owners.values[slot] = r;
      this.peerOf[r] = peer;
      this.pathOf[r] = pathId >>> 0;
      if (id + 1 > this.highOf(prefix)) this.high.set(id + 1);
      return id;
    }
  }

  /**
   * Hands `id` of `prefix`, which is in use, to the path (`peer`, `pathId`): its announcement
   * will replace the previous path under that id (RFC 7911 §3: a path is identified by the
   * prefix and the id, so this is an implicit withdrawal of the old one).
   */
  reassign(prefix: Uint32Array, id: number, peer: number, pathId: number): void {
    this.ownerKey(prefix, id);
    const r = this.owners.get();
    if (r < 0) throw new RangeError(`send path id ${id} is not in use`);
    this.peerOf[r] = peer;
    this.pathOf[r] = pathId >>> 0;
  }

  /** Frees `id` of `prefix` (its withdrawal was sent, or its announcement never was). */
  release(prefix: Uint32Array, id: number): void {
    this.ownerKey(prefix, id);
    const r = this.owners.remove();
    if (r < 0) return;
    this.freeRecords.push(r);
    const hi = this.highOf(prefix);
    if (id + 1 !== hi) return;
    // The highest id went: lower the bound past any gap below it.
    let h = id;
    while (h > 0) {
      this.ownerKey(prefix, h - 1);
      if (this.owners.find() >= 0) break;
      h--;
    }
    this.highOf(prefix); // the high table's scratch holds the prefix again
    if (h === 0) this.high.remove();
    else this.high.set(h);
  }

  /** Forgets every id. */
  clear(): void {
    this.owners.clear();
    this.high.clear();
    this.peerOf = new Int32Array(16);
    this.pathOf = new Uint32Array(16);
    this.freeRecords = [];
    this.records = 0;
  }

  private newRecord(): number {
    const r = this.freeRecords.pop();
    if (r !== undefined) return r;
    if (this.records === this.peerOf.length) {
      const peerOf = new Int32Array(this.records * 2);
      peerOf.set(this.peerOf);
      this.peerOf = peerOf;
      const pathOf = new Uint32Array(this.records * 2);
      pathOf.set(this.pathOf);
      this.pathOf = pathOf;
    }
    return this.records++;
  }
}
