/**
 * BPF objects (ELF files from `clang -target bpf`) loaded through libbpf, and XDP attachment,
 * optionally inside another network namespace.
 *
 * @module
 */
import { loadAddon, type NativeAddon } from './addon.js';
import { bpfError } from './errors.js';
import type { BpfMap } from './map.js';
import { XdpFlag } from './map-types.js';

/**
 * An opened BPF object: reuse maps, load, then take program descriptors.
 *
 * @example
 * ```ts
 * const obj = BpfObject.open('native/build/blackhole.bpf.o');
 * obj.reuseMap('drop_v4', dropV4); // before load: the program uses our map
 * obj.load();
 * const attachment = attachXdp('eth0', obj.programFd('xdp_blackhole'));
 * ```
 */
export class BpfObject {
  private handle: number;
  private readonly addon: NativeAddon;

  private constructor(addon: NativeAddon, handle: number) {
    this.addon = addon;
    this.handle = handle;
  }

  /** Opens (parses) an object file; nothing enters the kernel until {@link BpfObject.load}. */
  static open(path: string): BpfObject {
    const addon = loadAddon();
    return new BpfObject(addon, addon.objectOpen(path));
  }

  /** Makes the object's map `mapName` use `map` instead of creating its own (`bpf_map__reuse_fd`). */
  reuseMap(mapName: string, map: BpfMap): void {
    this.addon.objectReuseMap(this.live('bpf_map__reuse_fd'), mapName, map.fd);
  }

  /** Creates the remaining maps and loads the programs (runs the verifier). */
  load(): void {
    this.addon.objectLoad(this.live('bpf_object__load'));
  }

  /** Descriptor of a loaded program, by function name. */
  programFd(name: string): number {
    return this.addon.objectProgramFd(this.live('bpf_program__fd'), name);
  }

  /** Descriptor of one of the object's maps, by name. */
  mapFd(name: string): number {
    return this.addon.objectMapFd(this.live('bpf_map__fd'), name);
  }

  /** Closes the object; programs attached through netlink stay attached until detached. */
  close(): void {
    if (this.handle === 0) return;
    this.addon.objectClose(this.handle);
    this.handle = 0;
  }

  private live(op: string): number {
    if (this.handle === 0) throw bpfError('EBADF', op, 'object is closed');
    return this.handle;
  }
}

/** Where and how to attach an XDP program. */
export interface XdpAttachOptions {
  /**
   * Network namespace: a name from `ip netns` (looked up in /run/netns) or a path to a namespace
   * file. The attach runs on this thread inside it (setns), then returns.
   */
  readonly netns?: string;
  /** `native` (driver), `generic` (skb) or `auto` (native, else generic). Default `auto`. */
  readonly mode?: 'native' | 'generic' | 'auto';
}

/** An XDP program attached to an interface. */
export interface XdpAttachment {
  /** Interface index (in its namespace). */
  readonly ifindex: number;
  /** Namespace path, if not the caller's. */
  readonly netns: string | undefined;
  /** Mode the program runs in. */
  readonly mode: 'native' | 'generic';
  /** Kernel id of the attached program. */
  readonly programId: number;
  /** Detaches the program; idempotent. */
  detach(): void;
}

function netnsPath(netns: string | undefined): string | undefined {
  if (netns === undefined) return undefined;
  return netns.includes('/') ? netns : `/run/netns/${netns}`;
}

/**
 * Attaches an XDP program (descriptor from {@link BpfObject.programFd}) to an interface.
 *
 * @param iface - interface name or index (in the target namespace)
 * @throws BpfError (EPERM without CAP_NET_ADMIN; EBUSY when another program is attached)
 */
export function attachXdp(
  iface: string | number,
  progFd: number,
  options: XdpAttachOptions = {},
): XdpAttachment {
  const addon = loadAddon();
  const ns = netnsPath(options.netns);
  const ifindex = typeof iface === 'number' ? iface : addon.ifIndex(iface, ns);
  const want = options.mode ?? 'auto';
  let mode: 'native' | 'generic' = want === 'generic' ? 'generic' : 'native';
  const flagsOf = (m: 'native' | 'generic'): number =>
    m === 'native' ? XdpFlag.DRV_MODE : XdpFlag.SKB_MODE;
  try {
    addon.xdpAttach(ifindex, progFd, flagsOf(mode), ns);
  } catch (e) {
    // Devices without a native XDP hook answer EOPNOTSUPP: generic mode runs everywhere.
    if (want !== 'auto') throw e;
    mode = 'generic';
    addon.xdpAttach(ifindex, progFd, flagsOf(mode), ns);
  }
  const flags = flagsOf(mode);
  const programId = addon.xdpQuery(ifindex, flags, ns);
  let attached = true;
  return {
    ifindex,
    netns: ns,
    mode,
    programId,
    detach() {
      if (!attached) return;
      attached = false;
      addon.xdpDetach(ifindex, flags, ns);
    },
  };
}

/** Id of the XDP program attached to an interface in `mode`, 0 when none. */
export function xdpProgramId(iface: string | number, options: XdpAttachOptions = {}): number {
  const addon = loadAddon();
  const ns = netnsPath(options.netns);
  const ifindex = typeof iface === 'number' ? iface : addon.ifIndex(iface, ns);
  return addon.xdpQuery(
    ifindex,
    options.mode === 'generic' ? XdpFlag.SKB_MODE : XdpFlag.DRV_MODE,
    ns,
  );
}
