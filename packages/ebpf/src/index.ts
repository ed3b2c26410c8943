/**
 * Datapath plugins that keep BPF maps in step with the RIB, over a libbpf N-API addon.
 *
 * {@link LpmRouteWriter} and {@link Blackhole} implement `@bgp/rib`'s `DatapathSink`;
 * {@link BpfMap} and {@link BpfObject} expose the addon itself. Importing this package never
 * loads native code: the addon loads on first use and, if it cannot, throws an
 * {@link AddonUnavailableError} that says what is missing.
 *
 * @example
 * ```ts
 * import { Blackhole, LpmRouteWriter, addonStatus } from '@bgp/ebpf';
 *
 * if (addonStatus().available) {
 *   const routes = LpmRouteWriter.create({ pinPath: '/sys/fs/bpf/bgp' });
 *   const blackhole = Blackhole.create();
 *   blackhole.attach('eth0');
 *   // hand both to the speaker as datapath sinks
 * }
 * ```
 *
 * @packageDocumentation
 * @module @bgp/ebpf
 */
export {
  addonStatus,
  loadAddon,
  type NativeAddon,
  type NativeMapInfo,
  nativePaths,
} from './addon.js';
export {
  BLACKHOLE_OBJECT,
  Blackhole,
  type BlackholeOptions,
  DROP_COUNTER_KEY_SIZE,
  DROP_COUNTER_VALUE_SIZE,
  DROP_VALUE_SIZE,
  type DropCount,
} from './blackhole.js';
export {
  attachXdp,
  BpfObject,
  type XdpAttachment,
  type XdpAttachOptions,
  xdpProgramId,
} from './bpf-object.js';
export { BPF_FS_MAGIC, DEFAULT_BPFFS, ensureBpffs, isBpffs, preparePinDir } from './bpffs.js';
export { AddonUnavailableError, BpfError, bpfError, fromNative, isBpfError } from './errors.js';
export {
  HOST_LITTLE_ENDIAN,
  LPM_KEY_SIZE,
  lpmKey,
  lpmLookupKey,
  prefixFromLpmKey,
  writeLpmKey,
} from './lpm-key.js';
export { LpmRouteWriter, type LpmRouteWriterOptions } from './lpm-route-writer.js';
export {
  type LpmCapacity,
  type LpmMaps,
  LpmSinkBase,
  lpmSpec,
  type MapSource,
  openOrCreateMap,
} from './lpm-sink-base.js';
export {
  type BatchOptions,
  BpfMap,
  type BpfMapInfo,
  type BpfMapSpec,
  type DeleteBatchResult,
  type MapDump,
  perCpuValues,
  type UpdateBatchResult,
} from './map.js';
export {
  BpfMapFlag,
  BpfMapType,
  type BpfMapTypeValue,
  BpfUpdateFlag,
  isPerCpuMapType,
  XdpFlag,
} from './map-types.js';
export {
  type DecodedRouteValue,
  decodeRouteValue,
  NEXT_HOP_SLOT,
  nextHopEncoder,
  ROUTE_VALUE_HEADER,
  type RouteValueEncoder,
} from './route-value.js';
