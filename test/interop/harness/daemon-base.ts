/**
 * What every daemon driver shares: a temp directory, the allocated address and port, the log,
 * the route table it originates, and stop-and-clean-up.
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateLoopbackAddress, allocatePort, assertLoopback } from './net.js';
import type { DaemonProcess } from './process.js';
import type {
  BgpDaemon,
  DaemonConfig,
  DaemonKind,
  PeerConfig,
  PeerStatus,
  ReceivedRoute,
  RouteConfig,
} from './types.js';

/** Configuration with address and port filled in. */
export interface ResolvedConfig extends DaemonConfig {
  /** Listening and source address. */
  readonly address: string;
  /** Listening port. */
  readonly port: number;
}

/**
 * Fills in the address and port and checks that every address is loopback.
 *
 * @param config - the test's configuration
 * @returns the configuration with address and port
 */
export async function resolveConfig(config: DaemonConfig): Promise<ResolvedConfig> {
  const address = config.address ?? allocateLoopbackAddress();
  assertLoopback(address, 'daemon address');
  for (const p of config.peers) assertLoopback(p.address, 'peer address');
  const port = config.port ?? (await allocatePort(address));
  return { ...config, address, port };
}

/** The documentation next hop used for a route that has none (see {@link RouteConfig}). */
export function defaultNextHop(routerId: string): string {
  const last = Number(routerId.split('.')[3] ?? '1') || 1;
  return `192.0.2.${last}`;
}

/** Shared state and behaviour of the daemon drivers. */
export abstract class DaemonBase implements BgpDaemon {
  abstract readonly kind: DaemonKind;
  /** @inheritdoc */
  readonly address: string;
  /** @inheritdoc */
  readonly port: number;
  /** @inheritdoc */
  readonly asn: number;
  /** @inheritdoc */
  readonly routerId: string;
  /** @inheritdoc */
  readonly dir: string;
  /** Neighbours as configured. */
  readonly peerConfigs: readonly PeerConfig[];
  /** Routes currently originated, by prefix. */
  protected readonly originated = new Map<string, RouteConfig>();
  /** File receiving the daemon's stdout/stderr. */
  protected readonly logFile: string;
  /** The running process, once started. */
  protected proc: DaemonProcess | undefined;

  /**
   * @param kind - daemon kind, for the temp directory name
   * @param config - resolved configuration
   */
  constructor(kind: DaemonKind, config: ResolvedConfig) {
    this.address = config.address;
    this.port = config.port;
    this.asn = config.asn;
    this.routerId = config.routerId;
    this.peerConfigs = config.peers;
    for (const r of config.routes ?? []) this.originated.set(r.prefix, r);
    this.dir = mkdtempSync(join(tmpdir(), `bgp-${kind}-`));
    this.logFile = join(this.dir, 'daemon.log');
  }

  abstract start(): Promise<void>;
  abstract peers(): Promise<PeerStatus[]>;
  abstract receivedRoutes(from?: string): Promise<ReceivedRoute[]>;
  abstract announce(route: RouteConfig): Promise<void>;
  abstract withdraw(prefix: string): Promise<void>;

  /** @inheritdoc */
  async peer(address: string): Promise<PeerStatus | undefined> {
    return (await this.peers()).find((p) => p.address === address);
  }

  /** Next hop a route is advertised with. */
  protected nextHopOf(route: RouteConfig): string {
    return route.nextHop ?? defaultNextHop(this.routerId);
  }

  /** Extra log files a driver writes besides stdout/stderr. */
  protected extraLogs(): string[] {
    return [];
  }

  /** @inheritdoc */
  log(): string {
    let text = '';
    for (const f of [this.logFile, ...this.extraLogs()]) {
      try {
        text += readFileSync(f, 'utf8');
      } catch {
        // not written yet
      }
    }
    return text;
  }

  /** Fails with the log tail when the daemon died while we were waiting for it. */
  protected assertAlive(): void {
    if (this.proc?.hasExited()) {
      throw new Error(`${this.kind} exited; log:\n${this.log().slice(-3000)}`);
    }
  }

  /** @inheritdoc */
  async stop(): Promise<void> {
    await this.proc?.stop();
    if (!process.env.BGP_INTEROP_KEEP) rmSync(this.dir, { recursive: true, force: true });
  }
}
