/**
 * Plugin 1: {@link LpmRouteWriter}, a datapath sink that writes routes into BPF LPM tries, one
 * for IPv4 and one for IPv6, for an XDP or tc program to forward by.
 *
 * @module
 */
import type { DatapathRoute } from '@bgp/rib';
import {
  type LpmCapacity,
  type LpmMaps,
  LpmSinkBase,
  lpmSpec,
  openOrCreateMap,
} from './lpm-sink-base.js';
import { nextHopEncoder, type RouteValueEncoder } from './route-value.js';

/** Options of {@link LpmRouteWriter.create}. */
export interface LpmRouteWriterOptions {
  /** Name for logs, and prefix of the map names (default `bgp_routes`: maps `bgp_routes_v4/_v6`). */
  readonly name?: string;
  /** Trie capacities (default 1,048,576 IPv4 and 262,144 IPv6 entries). */
  readonly maxEntries?: Partial<LpmCapacity>;
  /**
   * Value encoder (default {@link nextHopEncoder}: route id and next hop, or the ECMP set when
   * `multipath` is on).
   */
  readonly encoder?: RouteValueEncoder;
  /** Store ECMP sets: `true` for 8 next-hop slots, or the number of slots. Ignored with `encoder`. */
  readonly multipath?: boolean | { readonly maxPaths: number };
  /**
   * Directory on bpffs (e.g. `/sys/fs/bpf/bgp`) to pin the maps in; existing pins there are
   * reopened (after a restart, call {@link LpmRouteWriter.reconcile}).
   */
  readonly pinPath?: string;
  /** Hold only the routes this accepts (default: all). */
  readonly filter?: (route: DatapathRoute) => boolean;
}

/**
 * Writes Loc-RIB (or any route stream) into an IPv4 and an IPv6 LPM trie: key
 * `struct bpf_lpm_trie_key`, value from the encoder. Diffs go in with batch syscalls;
 * {@link LpmRouteWriter.reconcile} repairs drift.
 *
 * @example
 * ```ts
 * const writer = LpmRouteWriter.create({ pinPath: '/sys/fs/bpf/bgp', multipath: true });
 * await writer.reconcile(locRibRoutes); // on start: repair what changed while we were down
 * await writer.apply([{ op: 'upsert', route }]);
 * await writer.close(); // the pinned maps stay for the datapath
 * ```
 */
export class LpmRouteWriter extends LpmSinkBase {
  readonly name: string;
  readonly maps: LpmMaps;
  readonly valueSize: number;
  /** The encoder in use. */
  readonly encoder: RouteValueEncoder;
  private readonly filter: (route: DatapathRoute) => boolean;

  private constructor(
    name: string,
    maps: LpmMaps,
    encoder: RouteValueEncoder,
    filter: (route: DatapathRoute) => boolean,
  ) {
    super();
    this.name = name;
    this.maps = maps;
    this.encoder = encoder;
    this.valueSize = encoder.valueSize;
    this.filter = filter;
  }

  /**
   * Creates (or reopens from `pinPath`) the two tries.
   *
   * @throws BpfError (EPERM without CAP_BPF; EINVAL when a pin has another layout)
   * @throws AddonUnavailableError when the native addon is not built
   */
  static create(options: LpmRouteWriterOptions = {}): LpmRouteWriter {
    const name = options.name ?? 'bgp_routes';
    const mp = options.multipath;
    const encoder =
      options.encoder ?? nextHopEncoder({ maxPaths: mp === true ? 8 : mp ? mp.maxPaths : 1 });
    const v4 = openOrCreateMap(
      { name: `${name}_v4`, pinPath: options.pinPath },
      lpmSpec(1, encoder.valueSize, options.maxEntries?.ipv4 ?? 1 << 20),
    );
    let v6: ReturnType<typeof openOrCreateMap>;
    try {
      v6 = openOrCreateMap(
        { name: `${name}_v6`, pinPath: options.pinPath },
        lpmSpec(2, encoder.valueSize, options.maxEntries?.ipv6 ?? 1 << 18),
      );
    } catch (e) {
      v4.close();
      throw e;
    }
    return new LpmRouteWriter(
      name,
      { ipv4: v4, ipv6: v6 },
      encoder,
      options.filter ?? (() => true),
    );
  }

  accepts(route: DatapathRoute): boolean {
    return this.filter(route);
  }

  protected encodeInto(route: DatapathRoute, out: Uint8Array, offset: number): void {
    this.encoder.encodeInto(route, out, offset);
  }
}
