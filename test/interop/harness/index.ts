/**
 * Interop harness: real BGP daemons (GoBGP, BIRD 2, FRR's bgpd, ExaBGP) started with a minimal
 * configuration written to a temp directory, on their own 127/8 address and a free port, queried
 * as structured data, and always stopped (process groups, plus an exit hook).
 *
 * Used by the FSM interop tests, the RIB cross-check, the eBPF blackhole test and the benchmarks.
 *
 * @example
 * ```ts
 * const scope = daemonScope();
 * afterEach(() => scope.stopAll());
 *
 * it('gobgpd and bird exchange routes', async () => {
 *   const [a, b] = [allocateLoopbackAddress(), allocateLoopbackAddress()];
 *   const [pa, pb] = [await allocatePort(a), await allocatePort(b)];
 *   const gobgp = scope.add(await createDaemon('gobgp', {
 *     routerId: '10.0.0.1', asn: 65001, address: a, port: pa,
 *     peers: [{ address: b, port: pb, asn: 65002 }], routes: [{ prefix: '10.1.0.0/24' }],
 *   }));
 *   const bird = scope.add(await createDaemon('bird', {
 *     routerId: '10.0.0.2', asn: 65002, address: b, port: pb,
 *     peers: [{ address: a, port: pa, asn: 65001 }],
 *   }));
 *   await Promise.all([gobgp.start(), bird.start()]);
 *   await waitForEstablished(bird, a);
 *   await waitForRoutes(bird, ['10.1.0.0/24']);
 * });
 * ```
 *
 * @module
 */
import { accessSync, constants } from 'node:fs';
import { BirdDaemon } from './bird.js';
import { ExabgpDaemon } from './exabgp.js';
import { FRR_BGPD, FrrDaemon } from './frr.js';
import { GobgpDaemon } from './gobgp.js';
import { waitFor } from './process.js';
import type { BgpDaemon, DaemonConfig, DaemonKind, PeerStatus, ReceivedRoute } from './types.js';

export { BirdDaemon, parseBirdError, parseBirdProtocol, parseBirdRoutes } from './bird.js';
export { defaultNextHop } from './daemon-base.js';
export { ExabgpDaemon, shutdownCommunication } from './exabgp.js';
export {
  FRR_BGPD,
  FrrDaemon,
  lastLoggedNotification,
  parseFrrNeighbor,
  unescapeFrr,
} from './frr.js';
export { GobgpDaemon, gobgpGracefulRestartTime } from './gobgp.js';
export { allocateLoopbackAddress, allocatePort, assertLoopback } from './net.js';
export { OurSpeaker, type OurSpeakerOptions, type RecordedEvent } from './our-speaker.js';
export {
  type DaemonProcess,
  type RunResult,
  run,
  spawnDaemon,
  type WaitOptions,
  waitFor,
} from './process.js';
export { type HandshakeOptions, type RawEvent, RawPeer, simpleUpdate } from './raw-peer.js';
export type * from './types.js';

/** The binaries each daemon needs. */
export const DAEMON_BINARIES: Record<DaemonKind, readonly string[]> = {
  gobgp: ['gobgpd', 'gobgp'],
  bird: ['bird', 'birdc'],
  frr: [FRR_BGPD, 'vtysh'],
  exabgp: ['exabgp', 'python3'],
};

function findExecutable(name: string): string | undefined {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
        .split(':')
        .concat(['/usr/sbin', '/sbin'])
        .map((d) => `${d}/${name}`);
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // next
    }
  }
  return undefined;
}

/**
 * Why a daemon cannot run here, or undefined when it can: names the missing binary or the
 * missing permission. Use it with `describe.skipIf`.
 *
 * @param kind - the daemon
 * @returns the reason, or undefined
 */
export function daemonMissing(kind: DaemonKind): string | undefined {
  const missing = DAEMON_BINARIES[kind].filter((b) => !findExecutable(b));
  if (missing.length > 0) return `${kind}: missing ${missing.join(', ')}`;
  // FRR and BIRD want to create sockets and pid files as root; TCP-MD5 needs no root.
  if ((kind === 'frr' || kind === 'bird') && process.getuid?.() !== 0) {
    return `${kind}: needs root (runs its control socket and, for FRR, -S user handling)`;
  }
  return undefined;
}

/** The daemon class for each kind. */
export type DaemonOf<K extends DaemonKind> = K extends 'gobgp'
  ? GobgpDaemon
  : K extends 'bird'
    ? BirdDaemon
    : K extends 'frr'
      ? FrrDaemon
      : ExabgpDaemon;

/**
 * Creates a daemon of the given kind (configuration written, not started).
 *
 * @param kind - which daemon
 * @param config - its configuration
 * @returns the daemon
 */
export async function createDaemon<K extends DaemonKind>(
  kind: K,
  config: DaemonConfig,
): Promise<DaemonOf<K>> {
  switch (kind) {
    case 'gobgp':
      return (await GobgpDaemon.create(config)) as DaemonOf<K>;
    case 'bird':
      return (await BirdDaemon.create(config)) as DaemonOf<K>;
    case 'frr':
      return (await FrrDaemon.create(config)) as DaemonOf<K>;
    default:
      return (await ExabgpDaemon.create(config)) as DaemonOf<K>;
  }
}

/** A set of daemons that a test stops together in `afterEach`/`afterAll`. */
export interface DaemonScope {
  /** Registers a daemon (or anything with `stop`) and returns it. */
  add<T extends { stop(): Promise<void> }>(d: T): T;
  /** Stops everything registered, in reverse order; never throws. */
  stopAll(): Promise<void>;
}

/**
 * A cleanup scope: register each daemon as it is created, call `stopAll` in a hook, so daemons
 * stop even when the test failed halfway.
 *
 * @returns the scope
 */
export function daemonScope(): DaemonScope {
  const items: Array<{ stop(): Promise<void> }> = [];
  return {
    add(d) {
      items.push(d);
      return d;
    },
    async stopAll() {
      const all = items.splice(0).reverse();
      await Promise.all(all.map((d) => d.stop().catch(() => {})));
    },
  };
}

/**
 * Waits until `daemon` reports the neighbour `peer` in `state` (Established by default).
 *
 * @param daemon - the daemon
 * @param peer - neighbour address
 * @param options - state and timeout
 * @returns the neighbour's status at that moment
 */
export function waitForState(
  daemon: BgpDaemon,
  peer: string,
  options: { state?: PeerStatus['state']; timeoutMs?: number } = {},
): Promise<PeerStatus> {
  const state = options.state ?? 'Established';
  return waitFor(
    async () => {
      const s = await daemon.peer(peer);
      return s?.state === state ? s : undefined;
    },
    { what: `${daemon.kind} to see ${peer} ${state}`, timeoutMs: options.timeoutMs ?? 30_000 },
  );
}

/** {@link waitForState} for Established. */
export function waitForEstablished(
  daemon: BgpDaemon,
  peer: string,
  timeoutMs = 30_000,
): Promise<PeerStatus> {
  return waitForState(daemon, peer, { timeoutMs });
}

/**
 * Waits until the daemon's received routes contain exactly `prefixes` (from `from`, if given).
 *
 * @param daemon - the daemon
 * @param prefixes - expected prefixes (order irrelevant); `[]` waits for all to be gone
 * @param options - source neighbour and timeout
 * @returns the received routes at that moment
 */
export function waitForRoutes(
  daemon: BgpDaemon,
  prefixes: readonly string[],
  options: { from?: string; timeoutMs?: number } = {},
): Promise<ReceivedRoute[]> {
  const want = [...prefixes].sort().join(',');
  return waitFor(
    async () => {
      const routes = await daemon.receivedRoutes(options.from);
      const have = [...new Set(routes.map((r) => r.prefix))].sort().join(',');
      return have === want ? routes : undefined;
    },
    { what: `${daemon.kind} to hold routes [${want}]`, timeoutMs: options.timeoutMs ?? 30_000 },
  );
}
