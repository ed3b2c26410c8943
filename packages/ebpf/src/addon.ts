/**
 * Lazy loading of the libbpf N-API addon.
 *
 * Importing `@bgp/ebpf` never loads native code: the addon is loaded on first use, so that the
 * package installs and imports on machines without libbpf or BPF permission, and whatever does
 * not touch BPF keeps working. When it cannot load, {@link loadAddon} throws an
 * {@link AddonUnavailableError} that says what is missing.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AddonUnavailableError, fromNative } from './errors.js';

/** Map description returned by the addon (`bpf_obj_get_info_by_fd`). */
export interface NativeMapInfo {
  /** `enum bpf_map_type`. */
  readonly type: number;
  /** Kernel-wide map id (what `bpftool map show id N` takes). */
  readonly id: number;
  /** Key size in bytes. */
  readonly keySize: number;
  /** Value size in bytes (per CPU for per-CPU maps). */
  readonly valueSize: number;
  /** Capacity. */
  readonly maxEntries: number;
  /** `map_flags` at creation. */
  readonly flags: number;
  /** Name (at most 15 characters). */
  readonly name: string;
}

/** The functions the native addon exports (native/src/*.cc). All fds are plain numbers. */
export interface NativeAddon {
  /** libbpf's version string, e.g. `v1.1`. */
  libbpfVersion(): string;
  /** Possible CPUs: the number of slots in a per-CPU value. */
  numPossibleCpus(): number;
  /** `bpf_map_create`; returns the fd. */
  createMap(
    type: number,
    keySize: number,
    valueSize: number,
    maxEntries: number,
    flags: number,
    name: string,
  ): number;
  /** Closes a descriptor. */
  close(fd: number): void;
  /** `bpf_obj_pin`. */
  pin(fd: number, path: string): void;
  /** Unlinks a pin. */
  unpin(path: string): void;
  /** `bpf_obj_get`; returns the fd. */
  openPinned(path: string): number;
  /** `bpf_map_update_elem`. */
  update(fd: number, key: Uint8Array, value: Uint8Array, flags: number): void;
  /** `bpf_map_delete_elem`; false when absent. */
  delete(fd: number, key: Uint8Array): boolean;
  /** `bpf_map_lookup_elem` into `out`; false when absent. */
  lookup(fd: number, key: Uint8Array, out: Uint8Array): boolean;
  /** `bpf_map_get_next_key` into `out`; false at the end. */
  nextKey(fd: number, key: Uint8Array | null, out: Uint8Array): boolean;
  /** `bpf_obj_get_info_by_fd`. */
  mapInfo(fd: number): NativeMapInfo;
  /** `bpf_map_update_batch` with per-element fallback, on the thread pool. */
  updateBatch(
    fd: number,
    keys: Uint8Array,
    values: Uint8Array,
    keySize: number,
    valueStride: number,
    count: number,
    flags: number,
    perElement?: boolean,
    sortFrom?: number,
  ): Promise<{ processed: number; batched: boolean }>;
  /** `bpf_map_delete_batch` with per-element fallback, on the thread pool; absent keys counted. */
  deleteBatch(
    fd: number,
    keys: Uint8Array,
    keySize: number,
    count: number,
    perElement?: boolean,
  ): Promise<{ deleted: number; missing: number; batched: boolean }>;
  /** Every entry via `bpf_map_get_next_key`, on the thread pool. */
  dump(
    fd: number,
    keySize: number,
    valueStride: number,
    withValues: boolean,
  ): Promise<{ count: number; keys: Uint8Array; values: Uint8Array }>;
  /** `bpf_object__open_file`; returns a handle. */
  objectOpen(path: string): number;
  /** `bpf_map__reuse_fd` for the object's map `mapName`. */
  objectReuseMap(handle: number, mapName: string, fd: number): void;
  /** `bpf_object__load`. */
  objectLoad(handle: number): void;
  /** The fd of a loaded program. */
  objectProgramFd(handle: number, programName: string): number;
  /** The fd of one of the object's maps. */
  objectMapFd(handle: number, mapName: string): number;
  /** `bpf_object__close`. */
  objectClose(handle: number): void;
  /** `if_nametoindex`, inside `netns` if given. */
  ifIndex(name: string, netns?: string): number;
  /** `bpf_xdp_attach`, inside `netns` if given. */
  xdpAttach(ifindex: number, progFd: number, flags: number, netns?: string): void;
  /** `bpf_xdp_detach`, inside `netns` if given. */
  xdpDetach(ifindex: number, flags: number, netns?: string): void;
  /** `bpf_xdp_query_id`: the attached program's id, 0 when none. */
  xdpQuery(ifindex: number, flags: number, netns?: string): number;
}

// src/addon.ts and dist/index.js both sit one level below the package root.
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Paths of the native build artefacts (override the addon with `BGP_EBPF_ADDON`). */
export const nativePaths = {
  /** The package root. */
  root: packageRoot,
  /** The compiled addon. */
  addon:
    process.env.BGP_EBPF_ADDON ?? join(packageRoot, 'native', 'build', 'Release', 'bgp_ebpf.node'),
  /** The compiled XDP blackhole object. */
  blackholeObject: join(packageRoot, 'native', 'build', 'blackhole.bpf.o'),
} as const;

let cached: NativeAddon | undefined;
let failure: AddonUnavailableError | undefined;

function explain(path: string, e: unknown): AddonUnavailableError {
  const msg = e instanceof Error ? e.message : String(e);
  if (!existsSync(path)) {
    return new AddonUnavailableError(
      `@bgp/ebpf native addon is not built (${path} missing): install libbpf-dev, pkg-config, ` +
        'clang and a C++ toolchain, then run `npm run build -w @bgp/ebpf`',
      path,
      e,
    );
  }
  if (/libbpf\.so/.test(msg)) {
    return new AddonUnavailableError(
      `@bgp/ebpf native addon cannot load libbpf (install libbpf1 / libbpf-dev): ${msg}`,
      path,
      e,
    );
  }
  return new AddonUnavailableError(
    `@bgp/ebpf native addon failed to load (rebuild it for this Node with \`npm run build -w @bgp/ebpf\`): ${msg}`,
    path,
    e,
  );
}

// Every native function is wrapped so that its errors arrive as BpfError instances.
function wrap(raw: Record<string, unknown>): NativeAddon {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(raw)) {
    if (typeof fn !== 'function') continue;
    out[name] = (...args: unknown[]) => {
      try {
        const r = (fn as (...a: unknown[]) => unknown)(...args);
        if (r instanceof Promise) {
          return r.catch((e: unknown) => {
            throw fromNative(e);
          });
        }
        return r;
      } catch (e) {
        throw fromNative(e);
      }
    };
  }
  return out as unknown as NativeAddon;
}

/**
 * Loads the addon on first call and returns it; later calls return the same object.
 *
 * @throws {@link AddonUnavailableError} when it is not built or libbpf is missing
 */
export function loadAddon(): NativeAddon {
  if (cached) return cached;
  if (failure) throw failure;
  const path = nativePaths.addon;
  try {
    const require = createRequire(import.meta.url);
    cached = wrap(require(path) as Record<string, unknown>);
    return cached;
  } catch (e) {
    failure = explain(path, e);
    throw failure;
  }
}

/** Whether the addon loads here, and if not, why (never throws). */
export function addonStatus(): { readonly available: boolean; readonly reason?: string } {
  try {
    loadAddon();
    return { available: true };
  } catch (e) {
    return { available: false, reason: e instanceof Error ? e.message : String(e) };
  }
}
