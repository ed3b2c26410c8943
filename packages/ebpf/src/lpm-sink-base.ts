/**
 * The part of both datapath plugins that keeps a pair of LPM tries (IPv4, IPv6) equal to a set
 * of routes: collapsing a batch of changes, writing it with batch syscalls, dumping the maps
 * into a snapshot and reconciling by diff.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DatapathChange,
  type DatapathRoute,
  type DatapathSink,
  diffForReconcile,
  type ReconcileReport,
} from '@bgp/rib';
import { formatPrefix, type Prefix, parsePrefix } from '@bgp/wire';
import { preparePinDir } from './bpffs.js';
import { bpfError } from './errors.js';
import { LPM_KEY_SIZE, lpmKeyText, writeLpmKey } from './lpm-key.js';
import { BpfMap } from './map.js';
import { BpfMapType } from './map-types.js';

/** Capacity of the two tries. */
export interface LpmCapacity {
  /** Entries of the IPv4 trie. */
  readonly ipv4: number;
  /** Entries of the IPv6 trie. */
  readonly ipv6: number;
}

/** The two LPM tries a sink writes. */
export interface LpmMaps {
  /** IPv4 trie, 8-byte keys. */
  readonly ipv4: BpfMap;
  /** IPv6 trie, 20-byte keys. */
  readonly ipv6: BpfMap;
}

/** Where a map comes from: created, or opened from (and kept at) a pin. */
export interface MapSource {
  /** Map name (also the pin's file name). */
  readonly name: string;
  /** Directory on bpffs to pin in or reopen from; none: unpinned. */
  readonly pinPath?: string | undefined;
}

/**
 * Opens the map pinned at `<pinPath>/<name>` if there is one and it matches `spec`, or creates it
 * (and pins it when `pinPath` is set). Reopening a pin is how a restarted speaker finds the maps
 * its datapath still forwards with, before reconciling them.
 */
export function openOrCreateMap(
  source: MapSource,
  spec: { type: number; keySize: number; valueSize: number; maxEntries: number },
): BpfMap {
  if (source.pinPath !== undefined) {
    preparePinDir(source.pinPath);
    const path = join(source.pinPath, source.name);
    if (existsSync(path)) {
      const map = BpfMap.openPinned(path);
      const i = map.info;
      if (i.type !== spec.type || i.keySize !== spec.keySize || i.valueSize !== spec.valueSize) {
        map.close();
        throw bpfError(
          'EINVAL',
          `open pinned ${path}`,
          `pinned map is type ${i.type}, key ${i.keySize}, value ${i.valueSize}; wanted type ` +
            `${spec.type}, key ${spec.keySize}, value ${spec.valueSize} (unpin it to start afresh)`,
        );
      }
      return map;
    }
    const map = BpfMap.create({ ...spec, name: source.name });
    try {
      map.pin(path);
    } catch (e) {
      map.close();
      throw e;
    }
    return map;
  }
  return BpfMap.create({ ...spec, name: source.name });
}

// Collapsing a batch needs a cheap identity per prefix: a number for IPv4 (length * 2^32 +
// address), the text for IPv6.
function prefixId(p: Prefix): number | string {
  if (p.afi === 1) {
    const a = p.address;
    return p.length * 2 ** 32 + (((a[0]! << 24) | (a[1]! << 16) | (a[2]! << 8) | a[3]!) >>> 0);
  }
  return formatPrefix(p);
}

// Encoding a million routes takes a few hundred milliseconds: yield to the event loop every
// ENCODE_CHUNK routes so that timers and sockets keep being served during a full-table sync.
const ENCODE_CHUNK = 32_768;
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface FamilyWork {
  upserts: DatapathRoute[];
  removes: Prefix[];
}

/**
 * Base of the LPM-backed sinks: subclasses say which routes they accept and how a value is
 * encoded; the base writes, dumps and reconciles.
 */
export abstract class LpmSinkBase implements DatapathSink {
  /** Name for logs and status. */
  abstract readonly name: string;
  /** The IPv4 and IPv6 tries. */
  abstract readonly maps: LpmMaps;
  /** Bytes of every value. */
  abstract readonly valueSize: number;
  // Changes are applied one batch at a time, in call order, even when callers do not await.
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  /** True when this sink holds `route`. */
  abstract accepts(route: DatapathRoute): boolean;

  /** Writes the value of `route` into `out` at `offset`. */
  protected abstract encodeInto(route: DatapathRoute, out: Uint8Array, offset: number): void;

  /** Called after prefixes left the tries (the blackhole clears their counters). */
  protected async onRemoved(_removed: readonly Prefix[]): Promise<void> {}

  /** The value this sink stores for `route`. */
  encode(route: DatapathRoute): Uint8Array {
    const out = new Uint8Array(this.valueSize);
    this.encodeInto(route, out, 0);
    return out;
  }

  /** Applies a batch in order: collapsed to the last change per prefix, then batch-written. */
  apply(changes: readonly DatapathChange[]): Promise<void> {
    return this.serialize(() => this.applyNow(changes));
  }

  /** Makes the tries hold exactly the accepted routes of `desired`; reports what it changed. */
  reconcile(desired: Iterable<DatapathRoute>): Promise<ReconcileReport> {
    return this.serialize(async () => {
      const current = await this.snapshotNow();
      const { changes, report, removeKeys } = diffForReconcile(this, current, desired);
      const removals: DatapathChange[] = removeKeys.map((k) => ({
        op: 'remove',
        prefix: parsePrefix(k),
      }));
      await this.applyNow([...removals, ...changes]);
      return report;
    });
  }

  /** Dumps both tries: prefix text to stored value. */
  snapshot(): Promise<ReadonlyMap<string, Uint8Array>> {
    return this.serialize(() => this.snapshotNow());
  }

  /** Waits for pending batches and closes the map descriptors (pins stay). */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.catch(() => undefined);
    this.closed = true;
    await this.closeResources();
  }

  /** Releases what the subclass holds; the base closes the tries. */
  protected async closeResources(): Promise<void> {
    this.maps.ipv4.close();
    this.maps.ipv6.close();
  }

  private serialize<T>(op: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(bpfError('EBADF', `${this.name}`, 'sink is closed'));
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async snapshotNow(): Promise<Map<string, Uint8Array>> {
    const out = new Map<string, Uint8Array>();
    for (const map of [this.maps.ipv4, this.maps.ipv6]) {
      const d = await map.dump(true);
      const ks = map.info.keySize;
      const vs = map.valueStride;
      for (let i = 0; i < d.count; i++) {
        out.set(lpmKeyText(d.keys, i * ks, ks), d.values.slice(i * vs, (i + 1) * vs));
      }
    }
    return out;
  }

  private async applyNow(changes: readonly DatapathChange[]): Promise<void> {
    const work: Record<1 | 2, FamilyWork> = {
      1: { upserts: [], removes: [] },
      2: { upserts: [], removes: [] },
    };
    const accepted = new Uint8Array(changes.length);
    let kinds = 0;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i]!;
      accepted[i] = c.op === 'upsert' && this.accepts(c.route) ? 1 : 0;
      kinds |= accepted[i] ? 1 : 2;
      if ((i + 1) % ENCODE_CHUNK === 0) await yieldToLoop();
    }
    if (kinds !== 3) {
      // Only writes, or only removals: no prefix can change side within the batch, and the kernel
      // applies a batch in order (the last value of a repeated prefix wins), so the batch needs
      // no collapsing. This is the path of a full-table sync, where a million-entry Map of
      // prefixes would cost more than the syscalls.
      for (let i = 0; i < changes.length; i++) {
        const c = changes[i]!;
        if (c.op === 'remove') work[c.prefix.afi].removes.push(c.prefix);
        else if (accepted[i]) work[c.route.prefix.afi].upserts.push(c.route);
        else work[c.route.prefix.afi].removes.push(c.route.prefix);
        if ((i + 1) % ENCODE_CHUNK === 0) await yieldToLoop();
      }
    } else {
      // Mixed: keep the last change per prefix, so that writes and removals can go in separate
      // batches without reordering the changes to one prefix.
      const last = new Map<number | string, number>();
      for (let i = 0; i < changes.length; i++) {
        const c = changes[i]!;
        last.set(prefixId(c.op === 'remove' ? c.prefix : c.route.prefix), i);
      }
      for (const i of last.values()) {
        const c = changes[i]!;
        if (c.op === 'remove') work[c.prefix.afi].removes.push(c.prefix);
        else if (accepted[i]) work[c.route.prefix.afi].upserts.push(c.route);
        else work[c.route.prefix.afi].removes.push(c.route.prefix);
      }
    }
    const removed: Prefix[] = [];
    for (const afi of [1, 2] as const) {
      const map = afi === 1 ? this.maps.ipv4 : this.maps.ipv6;
      const ks = afi === 1 ? LPM_KEY_SIZE.ipv4 : LPM_KEY_SIZE.ipv6;
      const { upserts, removes } = work[afi];
      if (removes.length > 0) {
        const keys = new Uint8Array(removes.length * ks);
        for (let i = 0; i < removes.length; i++) {
          writeLpmKey(keys, i * ks, removes[i]!);
          if ((i + 1) % ENCODE_CHUNK === 0) await yieldToLoop();
        }
        await map.deleteBatch(keys);
        for (const p of removes) removed.push(p);
      }
      if (upserts.length > 0) {
        const n = upserts.length;
        const vs = this.valueSize;
        const keys = new Uint8Array(n * ks);
        const values = new Uint8Array(n * vs);
        for (let i = 0; i < n; i++) {
          const r = upserts[i]!;
          writeLpmKey(keys, i * ks, r.prefix);
          this.encodeInto(r, values, i * vs);
          if ((i + 1) % ENCODE_CHUNK === 0) await yieldToLoop();
        }
        // Sorted by address (key bytes after the prefix length) on the worker thread: the trie
        // fills several times faster in address order than in arrival order.
        await map.updateBatch(keys, values, { sortFrom: 4 });
      }
    }
    if (removed.length > 0) await this.onRemoved(removed);
  }
}

/** Spec of an LPM trie map for `afi` with values of `valueSize` bytes. */
export function lpmSpec(afi: 1 | 2, valueSize: number, maxEntries: number) {
  return {
    type: BpfMapType.LPM_TRIE,
    keySize: afi === 1 ? LPM_KEY_SIZE.ipv4 : LPM_KEY_SIZE.ipv6,
    valueSize,
    maxEntries,
  };
}
