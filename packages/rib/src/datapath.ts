/**
 * The datapath sink interface: how routes leave the RIB for a forwarding plane.
 *
 * A sink receives batched diffs of the routes it {@link DatapathSink.accepts | accepts} and can
 * reconcile its whole state against the desired set (after a restart, or on demand), reporting
 * the drift it corrected. `@bgp/ebpf` implements it over BPF maps; {@link MemorySink} is the
 * reference implementation. Every implementation runs the compliance suite in
 * `@bgp/rib/testing`.
 *
 * @module
 */
import { formatPrefix, type Prefix } from '@bgp/wire';

/** A route as a datapath sees it: where to send packets for a prefix. */
export interface DatapathRoute {
  /** Destination prefix. */
  readonly prefix: Prefix;
  /** Next hops (4 or 16 bytes each); more than one when multipath selected an ECMP set. */
  readonly nextHops: readonly Uint8Array[];
  /** A stable identifier of the route (for counters and debugging), 32-bit unsigned. */
  readonly routeId: number;
  /** Standard communities (RFC 1997) as 32-bit values. */
  readonly communities: readonly number[];
}

/** One change in a batch sent to a sink. */
export type DatapathChange =
  | {
      /** Add the route, or replace the route of its prefix. */
      readonly op: 'upsert';
      /** The route. */
      readonly route: DatapathRoute;
    }
  | {
      /** Remove the prefix (not an error when absent). */
      readonly op: 'remove';
      /** The prefix. */
      readonly prefix: Prefix;
    };

/** What a reconcile found and fixed. */
export interface ReconcileReport {
  /** Entries that were missing and were added. */
  readonly added: number;
  /** Entries that should not have been there and were removed. */
  readonly removed: number;
  /** Entries whose value was wrong and was rewritten. */
  readonly fixed: number;
  /** Entries that were already right. */
  readonly unchanged: number;
}

/** A forwarding plane that mirrors (part of) a RIB. */
export interface DatapathSink {
  /** Name for logs and status. */
  readonly name: string;
  /** True when this sink holds `route` (an LPM writer holds all; a blackhole sink only some). */
  accepts(route: DatapathRoute): boolean;
  /** The value the sink stores for `route`, as bytes, so that state can be compared. */
  encode(route: DatapathRoute): Uint8Array;
  /**
   * Applies a batch of changes in order. Upserts of routes the sink does not accept are treated
   * as removals of their prefix; removing an absent prefix is not an error.
   */
  apply(changes: readonly DatapathChange[]): Promise<void>;
  /** Makes the sink hold exactly the accepted routes of `desired`, and says what it changed. */
  reconcile(desired: Iterable<DatapathRoute>): Promise<ReconcileReport>;
  /** What the sink holds now, keyed by prefix text ("10.0.0.0/24"), as stored value bytes. */
  snapshot(): Promise<ReadonlyMap<string, Uint8Array>>;
  /** Releases resources (maps stay pinned if the sink pinned them). */
  close(): Promise<void>;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Default value encoding shared by the reference sinks: the first next hop (16 bytes, IPv4 in
 * the first 4), the route id (4 bytes, big-endian) and the number of next hops (1 byte).
 */
export function encodeNextHopValue(route: DatapathRoute): Uint8Array {
  const out = new Uint8Array(21);
  const nh = route.nextHops[0];
  if (nh) out.set(nh.subarray(0, 16), 0);
  new DataView(out.buffer).setUint32(16, route.routeId >>> 0);
  out[20] = Math.min(route.nextHops.length, 255);
  return out;
}

/**
 * Computes the changes that take `current` (prefix text to value bytes) to the accepted routes
 * of `desired`. Shared by sinks that reconcile by diffing.
 */
export function diffForReconcile(
  sink: Pick<DatapathSink, 'accepts' | 'encode'>,
  current: ReadonlyMap<string, Uint8Array>,
  desired: Iterable<DatapathRoute>,
): {
  /** Upserts of the missing and wrong entries. */
  readonly changes: DatapathChange[];
  /** What the changes and removals amount to. */
  readonly report: ReconcileReport;
  /** Prefix texts held but not desired. */
  readonly removeKeys: string[];
} {
  const changes: DatapathChange[] = [];
  const wanted = new Set<string>();
  let added = 0;
  let fixed = 0;
  let unchanged = 0;
  for (const route of desired) {
    if (!sink.accepts(route)) continue;
    const key = formatPrefix(route.prefix);
    wanted.add(key);
    const have = current.get(key);
    if (have === undefined) added++;
    else if (!bytesEqual(have, sink.encode(route))) fixed++;
    else {
      unchanged++;
      continue;
    }
    changes.push({ op: 'upsert', route });
  }
  const removeKeys = [...current.keys()].filter((k) => !wanted.has(k));
  return { changes, report: { added, removed: removeKeys.length, fixed, unchanged }, removeKeys };
}

/**
 * The reference sink: holds routes in memory. Useful in tests and as a model for new sinks.
 *
 * @example
 * ```ts
 * const sink = new MemorySink();
 * await sink.apply([{ op: 'upsert', route: { prefix: parsePrefix('10.0.0.0/24'),
 *   nextHops: [parseAddress('192.0.2.1')], routeId: 1, communities: [] } }]);
 * (await sink.snapshot()).has('10.0.0.0/24'); // true
 * ```
 */
export class MemorySink implements DatapathSink {
  readonly name: string;
  private readonly entries = new Map<string, Uint8Array>();
  private readonly filter: (route: DatapathRoute) => boolean;

  /**
   * @param options - `name` for logs; `filter` to hold only some routes (default: all)
   */
  constructor(options: { name?: string; filter?: (route: DatapathRoute) => boolean } = {}) {
    this.name = options.name ?? 'memory';
    this.filter = options.filter ?? (() => true);
  }

  accepts(route: DatapathRoute): boolean {
    return this.filter(route);
  }

  encode(route: DatapathRoute): Uint8Array {
    return encodeNextHopValue(route);
  }

  async apply(changes: readonly DatapathChange[]): Promise<void> {
    for (const c of changes) {
      if (c.op === 'remove') this.entries.delete(formatPrefix(c.prefix));
      else if (this.accepts(c.route))
        this.entries.set(formatPrefix(c.route.prefix), this.encode(c.route));
      else this.entries.delete(formatPrefix(c.route.prefix));
    }
  }

  async reconcile(desired: Iterable<DatapathRoute>): Promise<ReconcileReport> {
    const { changes, report, removeKeys } = diffForReconcile(this, this.entries, desired);
    for (const k of removeKeys) this.entries.delete(k);
    await this.apply(changes);
    return report;
  }

  async snapshot(): Promise<ReadonlyMap<string, Uint8Array>> {
    return new Map(this.entries);
  }

  /** Writes an entry behind the sink's back (tests use it to simulate drift). */
  corrupt(prefixText: string, value: Uint8Array): void {
    this.entries.set(prefixText, value);
  }

  async close(): Promise<void> {}
}
