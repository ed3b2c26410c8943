/**
 * Constants of the bpf(2) interface used here, from `include/uapi/linux/bpf.h`.
 *
 * @module
 */

/** `enum bpf_map_type` values this package creates or reads. */
export const BpfMapType = {
  HASH: 1,
  ARRAY: 2,
  PERCPU_HASH: 5,
  PERCPU_ARRAY: 6,
  LPM_TRIE: 11,
} as const;

/** A value of {@link BpfMapType}. */
export type BpfMapTypeValue = (typeof BpfMapType)[keyof typeof BpfMapType];

/** Map creation flags (`map_flags`). */
export const BpfMapFlag = {
  /** Allocate elements on update rather than up front; required for LPM tries. */
  NO_PREALLOC: 1 << 0,
} as const;

/** Element update flags of `bpf_map_update_elem`. */
export const BpfUpdateFlag = {
  /** Create or replace. */
  ANY: 0,
  /** Create only (EEXIST if present). */
  NOEXIST: 1,
  /** Replace only (ENOENT if absent). */
  EXIST: 2,
} as const;

/** XDP attach flags (`XDP_FLAGS_*` of `include/uapi/linux/if_link.h`). */
export const XdpFlag = {
  /** Fail if a program is already attached. */
  UPDATE_IF_NOEXIST: 1 << 0,
  /** Generic (skb) mode: works on any device, slower. */
  SKB_MODE: 1 << 1,
  /** Native (driver) mode. */
  DRV_MODE: 1 << 2,
  /** Offloaded to the NIC. */
  HW_MODE: 1 << 3,
} as const;

/** Map types whose values are stored once per possible CPU. */
export function isPerCpuMapType(type: number): boolean {
  return (
    type === BpfMapType.PERCPU_HASH ||
    type === BpfMapType.PERCPU_ARRAY ||
    type === 10 /* LRU_PERCPU_HASH */
  );
}
