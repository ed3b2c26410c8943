/**
 * Turns Loc-RIB change batches into {@link DatapathChange} batches for datapath sinks, and
 * produces the full desired set for {@link DatapathSink.reconcile}.
 *
 * With the RIB's multipath option on, a route's next hops are those of its ECMP set (distinct,
 * best path's first); otherwise the best path's next hop alone. The route id is a hash of the
 * prefix, so it is stable across restarts and the same in every sink.
 *
 * @module
 */
import type { Prefix } from '@bgp/wire';
import type { DatapathChange, DatapathRoute, DatapathSink } from './datapath.js';
import type { LocRibChange, Rib } from './rib.js';

/** A stable 32-bit id for a prefix (FNV-1a over family, length and address). */
export function prefixRouteId(prefix: Prefix): number {
  let h = Math.imul(0x811c9dc5 ^ prefix.afi, 0x01000193);
  h = Math.imul(h ^ prefix.length, 0x01000193);
  for (let i = 0; i < prefix.address.length; i++) h = Math.imul(h ^ prefix.address[i]!, 0x01000193);
  return h >>> 0;
}

/** Feeds datapath sinks from a {@link Rib}. */
export class DatapathFeeder {
  private readonly rib: Rib;
  private readonly sinks: DatapathSink[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private unsubscribe: (() => void) | undefined;

  /** @param rib - the Loc-RIB to mirror */
  constructor(rib: Rib) {
    this.rib = rib;
  }

  /** The datapath route of `prefix` now, or undefined when it has no usable path. */
  route(prefix: Prefix): DatapathRoute | undefined {
    const paths = this.rib.multipath(prefix);
    const best = paths[0];
    if (best === undefined) return undefined;
    const nextHops: Uint8Array[] = [];
    for (const p of paths) {
      // An IPv6 next hop may carry a link-local address after the global one; forward via the global.
      const nh = p.attributes.attributes.nextHop.subarray(0, 16);
      if (!nextHops.some((x) => x.length === nh.length && x.every((b, i) => b === nh[i])))
        nextHops.push(nh);
    }
    return {
      prefix,
      nextHops,
      routeId: prefixRouteId(prefix),
      communities: best.attributes.attributes.communities,
    };
  }

  /** The sink changes for a Loc-RIB batch, in batch order. */
  changesFor(batch: readonly LocRibChange[]): DatapathChange[] {
    const out: DatapathChange[] = [];
    for (const c of batch) {
      const route = c.best === undefined ? undefined : this.route(c.prefix);
      out.push(route ? { op: 'upsert', route } : { op: 'remove', prefix: c.prefix });
    }
    return out;
  }

  /** Every route the sinks should hold now (for reconcile). */
  *desired(): IterableIterator<DatapathRoute> {
    for (const afi of [1, 2]) {
      for (const { prefix } of this.rib.locRib(afi)) {
        const r = this.route(prefix);
        if (r) yield r;
      }
    }
  }

  /**
   * Starts feeding `sink`: reconciles it to the current Loc-RIB, then applies every flushed batch.
   * Batches are applied one after another; {@link DatapathFeeder.idle} waits for them.
   */
  attach(sink: DatapathSink): void {
    this.sinks.push(sink);
    this.enqueue(async () => {
      await sink.reconcile(this.desired());
    });
    this.unsubscribe ??= this.rib.subscribe((batch) => {
      const changes = this.changesFor(batch);
      if (changes.length === 0) return;
      for (const s of this.sinks) this.enqueue(() => s.apply(changes));
    });
  }

  /** Stops feeding every sink (they keep their state). */
  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.sinks.length = 0;
  }

  /** Resolves when every queued batch has been applied; rejects with the first sink failure. */
  async idle(): Promise<void> {
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  private enqueue(job: () => Promise<void>): void {
    this.chain = this.chain.then(job).catch((err: unknown) => {
      this.failure ??= err;
    });
  }
}
