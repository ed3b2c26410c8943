/**
 * {@link BpfMap}: one BPF map behind a file descriptor, over the native addon.
 *
 * Sizes are checked here before the kernel sees a buffer: the kernel copies exactly key_size and
 * value_size bytes from whatever pointer it is given, so a short buffer would be read past its
 * end rather than refused.
 *
 * @module
 */
import { loadAddon, type NativeAddon, type NativeMapInfo } from './addon.js';
import { bpfError } from './errors.js';
import { BpfMapFlag, BpfMapType, isPerCpuMapType } from './map-types.js';

/** How to create a map. */
export interface BpfMapSpec {
  /** A {@link BpfMapType} value. */
  readonly type: number;
  /** Key size in bytes (4 for arrays). */
  readonly keySize: number;
  /** Value size in bytes (per CPU for per-CPU maps). */
  readonly valueSize: number;
  /** Capacity. */
  readonly maxEntries: number;
  /** `map_flags`; LPM tries get {@link BpfMapFlag.NO_PREALLOC} whatever is given. */
  readonly flags?: number;
  /** Name shown by bpftool (truncated to 15 characters). */
  readonly name?: string;
}

/** Map description: type, sizes, capacity, kernel id and name. */
export type BpfMapInfo = NativeMapInfo;

/** Outcome of {@link BpfMap.updateBatch}. */
export interface UpdateBatchResult {
  /** Elements written. */
  readonly processed: number;
  /** True when the kernel took the batch in one call (false: per-element fallback). */
  readonly batched: boolean;
}

/** Outcome of {@link BpfMap.deleteBatch}. */
export interface DeleteBatchResult {
  /** Keys deleted. */
  readonly deleted: number;
  /** Keys that were not in the map (not an error). */
  readonly missing: number;
  /** True when batch deletes were used (false: per-element fallback). */
  readonly batched: boolean;
}

/** Options of the batch operations. */
export interface BatchOptions {
  /** Update flags ({@link BpfUpdateFlag}); updates only. */
  readonly flags?: number;
  /** Skip the batch syscall and write element by element (tests of the fallback use it). */
  readonly perElement?: boolean;
  /**
   * Updates only: write the batch sorted by the key bytes from this offset on (stable, so a
   * repeated key keeps its last value). For LPM keys pass 4 (the address): a trie fills several
   * times faster in address order. The sort runs on the worker thread.
   */
  readonly sortFrom?: number;
}

/** All entries of a map as two flat buffers: entry `i` is at `i * keySize` / `i * valueStride`. */
export interface MapDump {
  /** Number of entries. */
  readonly count: number;
  /** Keys, back to back. */
  readonly keys: Uint8Array;
  /** Values, back to back ({@link BpfMap.valueStride} bytes each); empty for key-only dumps. */
  readonly values: Uint8Array;
}

/**
 * A BPF map. Create one with {@link BpfMap.create} or open a pinned one with
 * {@link BpfMap.openPinned}; {@link BpfMap.close} releases the descriptor (a pinned map lives on).
 *
 * @example
 * ```ts
 * const map = BpfMap.create({ type: BpfMapType.HASH, keySize: 4, valueSize: 8, maxEntries: 16 });
 * map.update(Uint8Array.of(1, 0, 0, 0), new Uint8Array(8).fill(7));
 * map.lookup(Uint8Array.of(1, 0, 0, 0)); // Uint8Array(8) [7, 7, ...]
 * map.close();
 * ```
 */
export class BpfMap {
  /** The map's file descriptor (-1 once closed). */
  fd: number;
  /** Type, sizes, capacity, id and name, read from the kernel when opened. */
  readonly info: BpfMapInfo;
  /**
   * Bytes of a value as userspace reads and writes it: `valueSize`, or for per-CPU maps
   * `round_up(valueSize, 8) * possible CPUs`.
   */
  readonly valueStride: number;
  private readonly addon: NativeAddon;

  private constructor(addon: NativeAddon, fd: number) {
    this.addon = addon;
    this.fd = fd;
    try {
      this.info = addon.mapInfo(fd);
    } catch (e) {
      addon.close(fd);
      throw e;
    }
    this.valueStride = isPerCpuMapType(this.info.type)
      ? Math.ceil(this.info.valueSize / 8) * 8 * addon.numPossibleCpus()
      : this.info.valueSize;
  }

  /**
   * Creates a map.
   *
   * @throws BpfError (EPERM without CAP_BPF, EINVAL for impossible sizes)
   */
  static create(spec: BpfMapSpec): BpfMap {
    const addon = loadAddon();
    let flags = spec.flags ?? 0;
    // The kernel refuses preallocated LPM tries (EINVAL): they only exist with NO_PREALLOC.
    if (spec.type === BpfMapType.LPM_TRIE) flags |= BpfMapFlag.NO_PREALLOC;
    const fd = addon.createMap(
      spec.type,
      spec.keySize,
      spec.valueSize,
      spec.maxEntries,
      flags,
      spec.name ?? '',
    );
    return new BpfMap(addon, fd);
  }

  /**
   * Opens a map pinned on bpffs.
   *
   * @throws BpfError ENOENT when nothing is pinned there
   */
  static openPinned(path: string): BpfMap {
    const addon = loadAddon();
    return new BpfMap(addon, addon.openPinned(path));
  }

  /** Removes a pin from bpffs (the map lives on while anything else holds it). */
  static unpin(path: string): void {
    loadAddon().unpin(path);
  }

  /** Pins the map at `path` (on a bpffs mount). */
  pin(path: string): void {
    this.addon.pin(this.liveFd('pin'), path);
  }

  /** True for per-CPU map types, whose values hold one slot per possible CPU. */
  get perCpu(): boolean {
    return isPerCpuMapType(this.info.type);
  }

  /** Creates or replaces one element (`flags`: {@link BpfUpdateFlag}). */
  update(key: Uint8Array, value: Uint8Array, flags = 0): void {
    this.checkKey(key, 'bpf_map_update_elem');
    this.checkValue(value, 'bpf_map_update_elem');
    this.addon.update(this.liveFd('bpf_map_update_elem'), key, value, flags);
  }

  /** Deletes one element; false when it was absent. */
  delete(key: Uint8Array): boolean {
    this.checkKey(key, 'bpf_map_delete_elem');
    return this.addon.delete(this.liveFd('bpf_map_delete_elem'), key);
  }

  /**
   * Looks one element up: its value ({@link BpfMap.valueStride} bytes), or undefined. For an
   * LPM trie the key is an address with a full-length prefix and the longest match answers.
   */
  lookup(key: Uint8Array): Uint8Array | undefined {
    this.checkKey(key, 'bpf_map_lookup_elem');
    const out = new Uint8Array(this.valueStride);
    return this.addon.lookup(this.liveFd('bpf_map_lookup_elem'), key, out) ? out : undefined;
  }

  /** The key after `key` (the first key when `key` is undefined), or undefined at the end. */
  nextKey(key?: Uint8Array): Uint8Array | undefined {
    if (key) this.checkKey(key, 'bpf_map_get_next_key');
    const out = new Uint8Array(this.info.keySize);
    return this.addon.nextKey(this.liveFd('bpf_map_get_next_key'), key ?? null, out)
      ? out
      : undefined;
  }

  /**
   * Writes `count` elements from flat buffers in one `bpf_map_update_batch`, or element by
   * element where the kernel lacks batch support for this map type. Runs off the event loop.
   * The buffers must not be modified until the promise settles.
   */
  async updateBatch(
    keys: Uint8Array,
    values: Uint8Array,
    options: BatchOptions = {},
  ): Promise<UpdateBatchResult> {
    const { keySize } = this.info;
    const count = keys.length / keySize;
    if (!Number.isInteger(count)) {
      throw bpfError(
        'EINVAL',
        'bpf_map_update_batch',
        `keys of ${keys.length} bytes, key size ${keySize}`,
      );
    }
    if (values.length !== count * this.valueStride) {
      throw bpfError(
        'EINVAL',
        'bpf_map_update_batch',
        `values of ${values.length} bytes for ${count} keys of value stride ${this.valueStride}`,
      );
    }
    return this.addon.updateBatch(
      this.liveFd('bpf_map_update_batch'),
      keys,
      values,
      keySize,
      this.valueStride,
      count,
      options.flags ?? 0,
      options.perElement ?? false,
      options.sortFrom ?? -1,
    );
  }

  /** Deletes the keys of a flat buffer; absent keys are counted, not errors. Off the event loop. */
  async deleteBatch(keys: Uint8Array, options: BatchOptions = {}): Promise<DeleteBatchResult> {
    const { keySize } = this.info;
    const count = keys.length / keySize;
    if (!Number.isInteger(count)) {
      throw bpfError(
        'EINVAL',
        'bpf_map_delete_batch',
        `keys of ${keys.length} bytes, key size ${keySize}`,
      );
    }
    return this.addon.deleteBatch(
      this.liveFd('bpf_map_delete_batch'),
      keys,
      keySize,
      count,
      options.perElement ?? false,
    );
  }

  /** Every entry, as flat buffers (`withValues` false: keys only). Off the event loop. */
  dump(withValues = true): Promise<MapDump> {
    return this.addon.dump(this.liveFd('dump'), this.info.keySize, this.valueStride, withValues);
  }

  /** Every key (walks the map with `BPF_MAP_GET_NEXT_KEY`). */
  async keys(): Promise<Uint8Array[]> {
    const d = await this.dump(false);
    const k = this.info.keySize;
    return Array.from({ length: d.count }, (_, i) => d.keys.slice(i * k, (i + 1) * k));
  }

  /** Every entry as `[key, value]` pairs. */
  async entries(): Promise<Array<[Uint8Array, Uint8Array]>> {
    const d = await this.dump(true);
    const k = this.info.keySize;
    const v = this.valueStride;
    return Array.from({ length: d.count }, (_, i) => [
      d.keys.slice(i * k, (i + 1) * k),
      d.values.slice(i * v, (i + 1) * v),
    ]);
  }

  /** Reads the map's description from the kernel again. */
  readInfo(): BpfMapInfo {
    return this.addon.mapInfo(this.liveFd('bpf_obj_get_info_by_fd'));
  }

  /** Closes the descriptor; idempotent. */
  close(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    this.addon.close(fd);
  }

  private liveFd(op: string): number {
    if (this.fd < 0) throw bpfError('EBADF', op, 'map is closed');
    return this.fd;
  }

  private checkKey(key: Uint8Array, op: string): void {
    if (key.length !== this.info.keySize) {
      throw bpfError('EINVAL', op, `key of ${key.length} bytes, map key size ${this.info.keySize}`);
    }
  }

  private checkValue(value: Uint8Array, op: string): void {
    if (value.length !== this.valueStride) {
      throw bpfError(
        'EINVAL',
        op,
        `value of ${value.length} bytes, map value ${this.perCpu ? 'stride' : 'size'} ${this.valueStride}`,
      );
    }
  }
}

/** Splits a per-CPU value (as read by {@link BpfMap.lookup}) into one view per CPU. */
export function perCpuValues(value: Uint8Array, valueSize: number): Uint8Array[] {
  const slot = Math.ceil(valueSize / 8) * 8;
  const out: Uint8Array[] = [];
  for (let off = 0; off + slot <= value.length; off += slot)
    out.push(value.subarray(off, off + valueSize));
  return out;
}
