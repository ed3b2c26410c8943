/**
 * Plugin 2: {@link Blackhole}, remotely triggered blackholing (RFC 7999) in XDP.
 *
 * Routes carrying BLACKHOLE (65535:666) or a configured community go into two drop tries; the
 * XDP program of bpf/blackhole.bpf.c, loaded through libbpf and sharing those maps by
 * descriptor, drops packets to matching destinations and counts drops per prefix in a per-CPU
 * hash that {@link Blackhole.dropCounters} sums.
 *
 * Value of a drop entry (matches `struct drop_value` in bpf/blackhole.bpf.c):
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+-------------------------------+
 * | family (4/6)  |  prefix len   |          reserved (0)         |
 * +---------------+---------------+-------------------------------+
 * |            prefix address (16 bytes, IPv4 in first 4)         |
 * +---------------------------------------------------------------+
 * |                   route id (u32, host order)                  |
 * +---------------------------------------------------------------+
 * |                next hop (16 bytes, IPv4-mapped)               |
 * +---------------------------------------------------------------+
 * ```
 *
 * The first 20 bytes repeat the prefix because an LPM lookup returns the value, not the key
 * that matched; they are the key of the drop counter.
 *
 * @module
 */
import type { DatapathRoute } from '@bgp/rib';
import { formatPrefix, makePrefix, type Prefix, WellKnownCommunity } from '@bgp/wire';
import { nativePaths } from './addon.js';
import { attachXdp, BpfObject, type XdpAttachment, type XdpAttachOptions } from './bpf-object.js';
import { HOST_LITTLE_ENDIAN } from './lpm-key.js';
import {
  type LpmCapacity,
  type LpmMaps,
  LpmSinkBase,
  lpmSpec,
  openOrCreateMap,
} from './lpm-sink-base.js';
import type { BpfMap } from './map.js';
import { BpfMapType } from './map-types.js';

/** Bytes of a drop entry's value. */
export const DROP_VALUE_SIZE = 40;
/** Bytes of a drop counter key (the first bytes of the drop value). */
export const DROP_COUNTER_KEY_SIZE = 20;
/** Bytes of a drop counter per CPU: packets and bytes, two u64. */
export const DROP_COUNTER_VALUE_SIZE = 16;

/** Names of the maps and the program in bpf/blackhole.bpf.c. */
export const BLACKHOLE_OBJECT = {
  program: 'xdp_blackhole',
  dropV4: 'drop_v4',
  dropV6: 'drop_v6',
  counters: 'drop_counts',
} as const;

/** Options of {@link Blackhole.create}. */
export interface BlackholeOptions {
  /** Name for logs and prefix of the map names (default `bgp_bh`, 15-character kernel names). */
  readonly name?: string;
  /** Communities that blackhole a route besides BLACKHOLE (65535:666), as 32-bit values. */
  readonly communities?: readonly number[];
  /** Drop trie capacities (default 65,536 each); the counter map holds their sum. */
  readonly maxEntries?: Partial<LpmCapacity>;
  /** Directory on bpffs to pin the maps in (existing pins are reopened). */
  readonly pinPath?: string;
  /** The compiled XDP object (default: native/build/blackhole.bpf.o of this package). */
  readonly objectPath?: string;
}

/** Drops counted for one prefix, summed over CPUs. */
export interface DropCount {
  /** Packets dropped. */
  readonly packets: bigint;
  /** Bytes dropped (frame length as XDP saw it). */
  readonly bytes: bigint;
}

function counterKey(prefix: Prefix, out: Uint8Array, offset: number): void {
  out[offset] = prefix.afi === 1 ? 4 : 6;
  out[offset + 1] = prefix.length;
  out[offset + 2] = 0;
  out[offset + 3] = 0;
  out.fill(0, offset + 4, offset + 20);
  out.set(prefix.address, offset + 4);
}

function sumCounters(value: Uint8Array): DropCount {
  const dv = new DataView(value.buffer, value.byteOffset, value.byteLength);
  let packets = 0n;
  let bytes = 0n;
  // Per-CPU slots are round_up(16, 8) = 16 bytes each.
  for (let off = 0; off + DROP_COUNTER_VALUE_SIZE <= value.length; off += DROP_COUNTER_VALUE_SIZE) {
    packets += dv.getBigUint64(off, HOST_LITTLE_ENDIAN);
    bytes += dv.getBigUint64(off + 8, HOST_LITTLE_ENDIAN);
  }
  return { packets, bytes };
}

/**
 * The blackhole sink. It holds only routes carrying a blackhole community; {@link Blackhole.attach}
 * puts the XDP program on an interface.
 *
 * @example
 * ```ts
 * const bh = Blackhole.create({ communities: [(65000 << 16) | 666] });
 * const xdp = bh.attach('eth0');
 * await bh.apply([{ op: 'upsert', route }]); // route.communities includes 65535:666
 * console.log(await bh.dropCounters()); // Map { '192.0.2.0/24' => { packets: 12n, bytes: 1176n } }
 * await bh.close(); // detaches, closes descriptors; pins stay
 * ```
 */
export class Blackhole extends LpmSinkBase {
  readonly name: string;
  readonly maps: LpmMaps;
  readonly valueSize = DROP_VALUE_SIZE;
  /** Per-CPU hash of drop counters, keyed by prefix. */
  readonly counters: BpfMap;
  /** Communities that make a route blackholed. */
  readonly communities: ReadonlySet<number>;
  private readonly objectPath: string;
  private object: BpfObject | undefined;
  private readonly attachments: XdpAttachment[] = [];

  private constructor(
    name: string,
    maps: LpmMaps,
    counters: BpfMap,
    communities: Set<number>,
    objectPath: string,
  ) {
    super();
    this.name = name;
    this.maps = maps;
    this.counters = counters;
    this.communities = communities;
    this.objectPath = objectPath;
  }

  /**
   * Creates (or reopens from `pinPath`) the drop tries and the counter map. No program is loaded
   * until {@link Blackhole.attach}.
   *
   * @throws BpfError (EPERM without CAP_BPF)
   * @throws AddonUnavailableError when the native addon is not built
   */
  static create(options: BlackholeOptions = {}): Blackhole {
    const name = options.name ?? 'bgp_bh';
    const cap4 = options.maxEntries?.ipv4 ?? 65536;
    const cap6 = options.maxEntries?.ipv6 ?? 65536;
    const opened: BpfMap[] = [];
    try {
      const pin = options.pinPath;
      const v4 = openOrCreateMap(
        { name: `${name}_v4`, pinPath: pin },
        lpmSpec(1, DROP_VALUE_SIZE, cap4),
      );
      opened.push(v4);
      const v6 = openOrCreateMap(
        { name: `${name}_v6`, pinPath: pin },
        lpmSpec(2, DROP_VALUE_SIZE, cap6),
      );
      opened.push(v6);
      const counters = openOrCreateMap(
        { name: `${name}_counts`, pinPath: pin },
        {
          type: BpfMapType.PERCPU_HASH,
          keySize: DROP_COUNTER_KEY_SIZE,
          valueSize: DROP_COUNTER_VALUE_SIZE,
          maxEntries: cap4 + cap6,
        },
      );
      // Community values are 32-bit unsigned; `(65000 << 16) | 666` arrives negative from JS.
      const communities = new Set<number>(
        [WellKnownCommunity.BLACKHOLE, ...(options.communities ?? [])].map((c) => c >>> 0),
      );
      return new Blackhole(
        name,
        { ipv4: v4, ipv6: v6 },
        counters,
        communities,
        options.objectPath ?? nativePaths.blackholeObject,
      );
    } catch (e) {
      for (const m of opened) m.close();
      throw e;
    }
  }

  accepts(route: DatapathRoute): boolean {
    for (const c of route.communities) if (this.communities.has(c >>> 0)) return true;
    return false;
  }

  protected encodeInto(route: DatapathRoute, out: Uint8Array, offset: number): void {
    out.fill(0, offset, offset + DROP_VALUE_SIZE);
    counterKey(route.prefix, out, offset);
    new DataView(out.buffer, out.byteOffset + offset + 20, 4).setUint32(
      0,
      route.routeId >>> 0,
      HOST_LITTLE_ENDIAN,
    );
    const nh = route.nextHops[0];
    if (nh?.length === 4) {
      out[offset + 34] = 0xff;
      out[offset + 35] = 0xff;
      out.set(nh, offset + 36);
    } else if (nh) {
      out.set(nh.subarray(0, 16), offset + 24);
    }
  }

  /**
   * Loads the XDP program (once, sharing this sink's maps) and attaches it to an interface.
   *
   * @param iface - interface name or index
   * @param options - namespace and mode
   * @throws BpfError (EPERM without CAP_BPF/CAP_NET_ADMIN; ENOENT when the object is not built)
   */
  attach(iface: string | number, options: XdpAttachOptions = {}): XdpAttachment {
    const progFd = this.program();
    const a = attachXdp(iface, progFd, options);
    this.attachments.push(a);
    return a;
  }

  /** Drops counted for `prefix` (zero when none), summed over CPUs. */
  drops(prefix: Prefix): DropCount {
    const key = new Uint8Array(DROP_COUNTER_KEY_SIZE);
    counterKey(prefix, key, 0);
    const v = this.counters.lookup(key);
    return v ? sumCounters(v) : { packets: 0n, bytes: 0n };
  }

  /** Every prefix with drops counted, summed over CPUs. */
  async dropCounters(): Promise<Map<string, DropCount>> {
    const d = await this.counters.dump(true);
    const out = new Map<string, DropCount>();
    const stride = this.counters.valueStride;
    for (let i = 0; i < d.count; i++) {
      const k = d.keys.subarray(i * DROP_COUNTER_KEY_SIZE, (i + 1) * DROP_COUNTER_KEY_SIZE);
      const address = k.slice(4, k[0] === 4 ? 8 : 20);
      out.set(
        formatPrefix(makePrefix(address, k[1]!)),
        sumCounters(d.values.subarray(i * stride, (i + 1) * stride)),
      );
    }
    return out;
  }

  // A prefix that is no longer blackholed has no drops to count: its counter goes with it, so the
  // counter map never outgrows the tries.
  protected override async onRemoved(removed: readonly Prefix[]): Promise<void> {
    const keys = new Uint8Array(removed.length * DROP_COUNTER_KEY_SIZE);
    for (let i = 0; i < removed.length; i++) {
      counterKey(removed[i]!, keys, i * DROP_COUNTER_KEY_SIZE);
    }
    await this.counters.deleteBatch(keys);
  }

  protected override async closeResources(): Promise<void> {
    let first: unknown;
    for (const a of this.attachments.splice(0)) {
      try {
        a.detach();
      } catch (e) {
        first ??= e;
      }
    }
    this.object?.close();
    this.object = undefined;
    this.counters.close();
    await super.closeResources();
    if (first !== undefined) throw first;
  }

  private program(): number {
    if (!this.object) {
      const obj = BpfObject.open(this.objectPath);
      try {
        obj.reuseMap(BLACKHOLE_OBJECT.dropV4, this.maps.ipv4);
        obj.reuseMap(BLACKHOLE_OBJECT.dropV6, this.maps.ipv6);
        obj.reuseMap(BLACKHOLE_OBJECT.counters, this.counters);
        obj.load();
      } catch (e) {
        obj.close();
        throw e;
      }
      this.object = obj;
    }
    return this.object.programFd(BLACKHOLE_OBJECT.program);
  }
}
