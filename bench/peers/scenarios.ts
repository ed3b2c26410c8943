/**
 * The measured scenarios: the feeder floor, ingest (one or many feeders into a receiver) and
 * advertisement (a receiver's originated routes to a sink). Every process and socket a scenario
 * opens is closed in its `finally`, also on failure or timeout.
 *
 * @module
 */
import { createServer, type Server } from 'node:net';
import { allocateLoopbackAddress, allocatePort } from '../../test/interop/harness/index.js';
import {
  BirdReceiver,
  FrrReceiver,
  GobgpReceiver,
  type Neighbour,
  type Receiver,
  type ReceiverConfig,
  type ReceiverKind,
} from './daemons.js';
import { BgpEndpoint } from './endpoint.js';
import { OurReceiver } from './ours.js';
import { procStats } from './proc-stats.js';
import type { EncodedStream, SyntheticOptions, Table } from './table.js';

/** AS of every receiver. */
export const RECEIVER_AS = 65000;
/** AS of feeder i is FEEDER_AS + i. */
export const FEEDER_AS = 65101;
/** AS of the sink. */
export const SINK_AS = 65200;

/** One measurement. */
export interface Measurement {
  /** Milliseconds from the first UPDATE until the receiver held every prefix. */
  readonly ms: number;
  /** Advertisement: milliseconds from the handshake until the first UPDATE (timers, batching). */
  readonly firstUpdateMs?: number;
  /** RSS before the first UPDATE, bytes. */
  readonly rssBefore?: number;
  /** RSS after the load, bytes. */
  readonly rssAfter?: number;
  /** Peak RSS of the process, bytes. */
  readonly peakRss?: number;
  /** CPU seconds the receiver spent during the measurement. */
  readonly cpuSeconds?: number;
  /** (rssAfter - rssBefore) / prefixes. */
  readonly bytesPerRoute?: number;
  /** Ours only: bytes per route with RSS read after a forced full GC. */
  readonly settledBytesPerRoute?: number;
  /**
   * Ingest: prefixes the receiver advertised back to the feeders while it loaded (0 when it only
   * receives, as configured; the feeders read and count whatever arrives, so a receiver that
   * does send is never blocked by a full socket).
   */
  readonly toFeeders?: number;
  /** Wall time of the whole cell: setup (start, origination), measurement, teardown. */
  readonly cellMs?: number;
  /** Why the run failed (then `ms` is NaN). */
  readonly error?: string;
}

/** One feeder: its table's pre-encoded stream and its prefix count. */
export interface FeedSpec {
  /** The UPDATEs. */
  readonly stream: EncodedStream;
  /** Prefixes in it. */
  readonly prefixes: number;
  /** The last prefix of the stream, as text: once the receiver holds it, it has read them all. */
  readonly last: string;
}

let routerIds = 1;

function makeReceiver(
  kind: ReceiverKind,
  config: ReceiverConfig,
  synthetic?: SyntheticOptions,
): Receiver {
  switch (kind) {
    case 'ours':
      return new OurReceiver(config, synthetic);
    case 'gobgp':
      return new GobgpReceiver(config);
    case 'bird':
      return new BirdReceiver(config);
    case 'frr':
      return new FrrReceiver(config);
  }
}

/** Thrown by a probe to stop polling at once (a feeder's session failed). */
class FatalProbeError extends Error {
  constructor(readonly reason: Error) {
    super(reason.message);
  }
}

/**
 * Polls `probe` every `intervalMs` until it returns true; throws after `timeoutMs`, or at once
 * when the probe throws {@link FatalProbeError} (other errors are retried).
 */
async function pollUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last: unknown;
  while (performance.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (err) {
      if (err instanceof FatalProbeError) throw err.reason;
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (${String(last)})` : ''}`,
  );
}

/**
 * The floor: the feeders' streams written into sinks in this process that only read bytes.
 *
 * @param feeds - the streams
 * @returns milliseconds from the first write until every byte was read
 */
export async function measureFloor(feeds: readonly FeedSpec[]): Promise<Measurement> {
  const address = allocateLoopbackAddress();
  const port = await allocatePort(address);
  const endpoints: BgpEndpoint[] = [];
  const accepted: BgpEndpoint[] = [];
  const ready: Promise<void>[] = [];
  const server: Server = createServer((socket) => {
    const { endpoint, ready: r } = BgpEndpoint.accept(socket, {
      host: address,
      port,
      localAddress: address,
      asn: RECEIVER_AS,
      bgpIdentifier: 0x0a0000fe,
    });
    endpoint.bytesOnly();
    accepted.push(endpoint);
    ready.push(r);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    for (const [i] of feeds.entries()) {
      endpoints.push(
        await BgpEndpoint.connect({
          host: address,
          port,
          localAddress: allocateLoopbackAddress(),
          asn: FEEDER_AS + i,
          bgpIdentifier: 0x0b000001 + i,
        }),
      );
    }
    await Promise.all(ready);
    const total = feeds.reduce((a, f) => a + f.stream.bytes, 0);
    const t0 = performance.now();
    const sent = Promise.all(endpoints.map((e, i) => e.send(feeds[i]!.stream.chunks)));
    await Promise.all(
      accepted.map((a, i) =>
        a.until(() => a.bytesIn >= feeds[i]!.stream.bytes, 600_000, `floor sink ${i}`),
      ),
    );
    await sent;
    void total;
    return { ms: performance.now() - t0 };
  } finally {
    for (const e of [...endpoints, ...accepted]) e.close();
    server.close();
  }
}

/**
 * Ingest: every feeder connects to a fresh receiver, then all send at once; the clock runs from
 * the first UPDATE until the receiver's Loc-RIB (polled through its CLI/API every 100 ms) holds
 * every prefix.
 *
 * @param kind - the receiver
 * @param feeds - one stream per feeder (disjoint prefixes)
 * @param options - timeout, CPU profile directory (ours)
 * @returns the measurement
 */
export async function measureIngest(
  kind: ReceiverKind,
  feeds: readonly FeedSpec[],
  options: { timeoutMs: number; cpuProfileDir?: string },
): Promise<Measurement> {
  const feeders: Neighbour[] = feeds.map((f, i) => ({
    address: allocateLoopbackAddress(),
    asn: FEEDER_AS + i,
    expectedRoutes: f.prefixes,
  }));
  const id = routerIds++;
  const receiver = makeReceiver(kind, {
    address: allocateLoopbackAddress(),
    asn: RECEIVER_AS,
    routerId: `10.0.${(id >> 8) & 255}.${id & 255}`,
    feeders,
    expectedRoutes: feeds.reduce((n, f) => n + f.prefixes, 0),
    ...(options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {}),
  });
  const endpoints: BgpEndpoint[] = [];
  try {
    await receiver.start();
    for (const [i, f] of feeders.entries()) {
      endpoints.push(
        await BgpEndpoint.connect({
          host: receiver.address,
          port: receiver.port,
          localAddress: f.address,
          asn: f.asn,
          bgpIdentifier: 0x0b000001 + i,
        }),
      );
    }
    // Let the receiver settle after the handshakes before the baseline is read.
    await new Promise((r) => setTimeout(r, 500));
    const total = feeds.reduce((a, f) => a + f.prefixes, 0);
    const before = procStats(receiver.pid);
    const t0 = performance.now();
    let t1 = 0;
    const sending = Promise.all(endpoints.map((e, i) => e.send(feeds[i]!.stream.chunks)));
    sending.catch(() => {});
    // Done when the Loc-RIB holds every prefix. Polled with exact lookups of each feeder's last
    // prefix (a receiver takes a peer's UPDATEs in order), then confirmed by the count: GoBGP's
    // count walks every destination in the loop that also processes UPDATEs (17 % of its CPU
    // in "many" at 200,000 when the count was polled every 100 ms), and BIRD's walks its table.
    // One lookup per poll while loading (the first feeder not yet seen); once it is there, the
    // others are looked up together, since feeders sending at once finish at about the same time.
    const pending = feeds.map((f) => f.last);
    let seenAt = 0;
    await pollUntil(
      async () => {
        for (const e of endpoints) if (e.error) throw new FatalProbeError(e.error);
        if (pending.length > 0) {
          if (!(await receiver.hasPrefixes([pending[0]!]))[0]) return false;
          pending.shift();
          const found = await receiver.hasPrefixes(pending);
          for (let i = found.length - 1; i >= 0; i--) if (found[i]) pending.splice(i, 1);
          seenAt = performance.now();
          if (pending.length > 0) return false;
        }
        const n = await receiver.locRibCount();
        // Complete at the lookup unless the count was still short then (not in prefix order).
        if (n >= total) t1 = t1 === 0 && seenAt > 0 ? seenAt : performance.now();
        else seenAt = 0;
        return n >= total;
      },
      options.timeoutMs,
      `${kind} to hold ${total} prefixes`,
    );
    await sending;
    const after = procStats(receiver.pid);
    const toFeeders = endpoints.reduce((n, e) => n + e.announced, 0);
    // Ours also after a forced GC: RSS right after the load holds garbage V8 has not collected.
    let settledRss: number | undefined;
    if (receiver instanceof OurReceiver) {
      await receiver.collectGarbage();
      settledRss = procStats(receiver.pid).rss;
    }
    return {
      ...(settledRss !== undefined
        ? { settledBytesPerRoute: (settledRss - before.rss) / total }
        : {}),
      ms: t1 - t0,
      toFeeders,
      rssBefore: before.rss,
      rssAfter: after.rss,
      peakRss: after.peakRss,
      cpuSeconds: after.cpuSeconds - before.cpuSeconds,
      bytesPerRoute: (after.rss - before.rss) / total,
    };
  } finally {
    for (const e of endpoints) e.close();
    await receiver.stop();
  }
}

/**
 * Advertisement: the receiver originates the table (loaded before the clock starts), a sink
 * connects, and the clock runs from the end of the handshake until the sink has counted every
 * prefix (with @bgp/wire's walkUpdatePrefixes).
 *
 * @param kind - the speaker
 * @param table - the routes it originates
 * @param synthetic - the table's options (our child process rebuilds it from them)
 * @param options - timeout
 * @returns the measurement
 */
export async function measureAdvertise(
  kind: ReceiverKind,
  table: Table,
  synthetic: SyntheticOptions,
  options: { timeoutMs: number },
): Promise<Measurement> {
  const sink: Neighbour = { address: allocateLoopbackAddress(), asn: SINK_AS };
  const id = routerIds++;
  const receiver = makeReceiver(
    kind,
    {
      address: allocateLoopbackAddress(),
      asn: RECEIVER_AS,
      routerId: `10.1.${(id >> 8) & 255}.${id & 255}`,
      feeders: [],
      sink,
      originate: table,
    },
    synthetic,
  );
  let ep: BgpEndpoint | undefined;
  try {
    await receiver.start();
    const n = table.address.length;
    const before = procStats(receiver.pid);
    ep = await BgpEndpoint.connect({
      host: receiver.address,
      port: receiver.port,
      localAddress: sink.address,
      asn: sink.asn,
      bgpIdentifier: 0x0c000001,
    });
    const e = ep;
    await e.until(
      () => e.announced >= n,
      options.timeoutMs,
      `sink to receive ${n} prefixes from ${kind}`,
    );
    const after = procStats(receiver.pid);
    return {
      ms: e.lastUpdateAt - e.establishedAt,
      firstUpdateMs: e.firstUpdateAt - e.establishedAt,
      cpuSeconds: after.cpuSeconds - before.cpuSeconds,
      peakRss: after.peakRss,
    };
  } finally {
    ep?.close();
    await receiver.stop();
  }
}
