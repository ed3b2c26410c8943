/**
 * FRR driver: FRR's `bgpd` run standalone (no zebra, no watchfrr): `-Z` (no zebra), `-p` its own
 * port, `-l` its loopback address, `--vty_socket` a socket directory in the temp dir, `-S` to
 * skip the frr/frrvty user switch (we run as root, which is not in `frrvty`), `-P 0` no vty TCP
 * port. Queried with `vtysh --vty_socket DIR -d bgpd -c '... json'`.
 *
 * Interop notes: without zebra FRR cannot know that a 127/8 neighbour is connected, hence
 * `disable-connected-check`. A route's next hop is set by the route-map on its `network`
 * statement and kept with `set ip next-hop unchanged` outbound (FRR would otherwise advertise
 * its own loopback address, which GoBGP refuses).
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonBase, type ResolvedConfig, resolveConfig } from './daemon-base.js';
import { run, spawnDaemon, waitFor } from './process.js';
import type {
  DaemonConfig,
  PeerState,
  PeerStatus,
  ReceivedRoute,
  ReportedNotification,
  RouteConfig,
} from './types.js';

/** Path of FRR's bgpd in Debian's frr package. */
export const FRR_BGPD = '/usr/lib/frr/bgpd';

const FRR_STATES: Record<string, PeerState> = {
  Idle: 'Idle',
  Connect: 'Connect',
  Active: 'Active',
  OpenSent: 'OpenSent',
  OpenConfirm: 'OpenConfirm',
  Established: 'Established',
  Clearing: 'Idle',
  Deleted: 'Idle',
};

/** The fields of FRR's `show bgp neighbors json` record that the harness reads. */
interface FrrNeighbor {
  readonly remoteAs?: number;
  readonly bgpState?: string;
  readonly remoteRouterId?: string;
  readonly bgpTimerHoldTimeMsecs?: number;
  readonly neighborCapabilities?: Record<string, unknown>;
  readonly lastErrorCodeSubcode?: string;
  readonly lastNotificationReason?: string;
  readonly lastShutdownDescription?: string;
  readonly lastResetDueTo?: string;
}

const CAPABILITY_KEYS: Record<string, string> = {
  '4byteAs': 'four-octet-as',
  routeRefresh: 'route-refresh',
  enhancedRouteRefresh: 'enhanced-route-refresh',
  gracefulRestart: 'graceful-restart',
  gracefulRestartCapability: 'graceful-restart',
  longLivedGracefulRestart: 'long-lived-graceful-restart',
  extendedMessage: 'extended-message',
  extendedNexthop: 'extended-next-hop',
  addPath: 'add-path',
  hostName: 'fqdn',
  role: 'role',
};

const FAMILY_KEYS: Record<string, string> = {
  ipv4Unicast: 'ipv4-unicast',
  ipv6Unicast: 'ipv6-unicast',
};

function received(v: unknown): boolean {
  if (typeof v === 'string') return /received/i.test(v);
  if (v && typeof v === 'object') {
    return Object.entries(v).some(([k, x]) => /received/i.test(k) || received(x));
  }
  return false;
}

/**
 * FRR prints non-ASCII bytes of a shutdown communication as `\xNN`; this restores the UTF-8 text.
 *
 * @param text - as FRR shows it
 * @returns the text
 */
export function unescapeFrr(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    const m = /^\\x([0-9a-f]{2})/i.exec(text.slice(i, i + 4));
    if (m) {
      bytes.push(Number.parseInt(m[1] ?? '0', 16));
      i += 4;
    } else {
      const cp = text.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The last NOTIFICATION for a neighbour in bgpd's log (`debug bgp neighbor-events`). FRR handles
 * an incoming connection on a temporary peer record whose counters never reach the neighbour's
 * JSON, so a NOTIFICATION exchanged before Established on such a connection is only in the log.
 *
 * @param log - bgpd's log
 * @param address - the neighbour
 * @returns the notification, if logged
 */
export function lastLoggedNotification(
  log: string,
  address: string,
): ReportedNotification | undefined {
  let last: ReportedNotification | undefined;
  const re =
    /%NOTIFICATION(?:\(Hard Reset\))?: (received from|sent to) neighbor (\S+) (\d+)\/(\d+)/g;
  for (const m of log.matchAll(re)) {
    if (m[2] !== address) continue;
    last = {
      direction: m[1] === 'sent to' ? 'sent' : 'received',
      code: Number(m[3]),
      subcode: Number(m[4]),
    };
  }
  return last;
}

/**
 * Normalises one neighbour of `show bgp neighbors json`.
 *
 * @param address - the neighbour's address
 * @param n - FRR's record
 * @returns the status
 */
export function parseFrrNeighbor(address: string, n: FrrNeighbor): PeerStatus {
  const state = FRR_STATES[n.bgpState ?? ''] ?? 'Unknown';
  let remoteCapabilities: string[] | undefined;
  if (state === 'Established' && n.neighborCapabilities) {
    remoteCapabilities = [];
    for (const [key, value] of Object.entries(n.neighborCapabilities)) {
      if (key === 'multiprotocolExtensions' && value && typeof value === 'object') {
        for (const [fam, v] of Object.entries(value)) {
          if (received(v)) remoteCapabilities.push(`multiprotocol:${FAMILY_KEYS[fam] ?? fam}`);
        }
      } else if (key === 'hostName') {
        if (value && typeof value === 'object' && 'advHostName' in value) {
          if ((value as { rcvHostName?: string }).rcvHostName) remoteCapabilities.push('fqdn');
        }
      } else if (CAPABILITY_KEYS[key] && received(value)) {
        remoteCapabilities.push(CAPABILITY_KEYS[key]);
      }
    }
  }
  let lastNotification: ReportedNotification | undefined;
  const cs = n.lastErrorCodeSubcode;
  if (cs && /^[0-9a-f]{4}$/i.test(cs) && cs !== '0000') {
    const reason = n.lastResetDueTo ?? '';
    lastNotification = {
      // FRR words the reset reason "Notification received" / "Notification sent".
      direction: /received/i.test(reason) ? 'received' : 'sent',
      code: Number.parseInt(cs.slice(0, 2), 16),
      subcode: Number.parseInt(cs.slice(2), 16),
      ...(n.lastShutdownDescription ? { message: unescapeFrr(n.lastShutdownDescription) } : {}),
    };
  }
  return {
    address,
    state,
    asn: n.remoteAs,
    routerId: n.remoteRouterId,
    holdTime:
      state === 'Established' && n.bgpTimerHoldTimeMsecs !== undefined
        ? n.bgpTimerHoldTimeMsecs / 1000
        : undefined,
    remoteCapabilities,
    lastNotification,
    raw: n,
  };
}

/** FRR's bgpd, standalone. */
export class FrrDaemon extends DaemonBase {
  /** @inheritdoc */
  readonly kind = 'frr' as const;
  private routeMaps = 0;
  private readonly mapOf = new Map<string, string>();

  private constructor(config: ResolvedConfig) {
    super('frr', config);
  }

  /**
   * Allocates address and port and writes the configuration; does not start.
   *
   * @param config - daemon configuration
   * @returns the daemon, not started
   */
  static async create(config: DaemonConfig): Promise<FrrDaemon> {
    const d = new FrrDaemon(await resolveConfig(config));
    d.writeConfig();
    return d;
  }

  protected override extraLogs(): string[] {
    return [join(this.dir, 'bgpd.log')];
  }

  private routeMapFor(route: RouteConfig): string[] {
    const name = this.mapOf.get(route.prefix) ?? `NH_${++this.routeMaps}`;
    this.mapOf.set(route.prefix, name);
    return [`route-map ${name} permit 10`, ` set ip next-hop ${this.nextHopOf(route)}`, 'exit'];
  }

  private writeConfig(): void {
    if (this.peerConfigs.some((p) => p.extendedNextHop)) {
      throw new Error('extendedNextHop is not implemented by the FRR driver');
    }
    const gr = this.peerConfigs.find((p) => p.gracefulRestart)?.gracefulRestart;
    const lines = [
      `hostname frr-${this.routerId}`,
      `log file ${join(this.dir, 'bgpd.log')} debugging`,
      // Session events (OPEN checks, NOTIFICATIONs with their codes) in the log, for assertions
      // and for the failure output of tests.
      'debug bgp neighbor-events',
      'route-map KEEP_NH permit 10',
      ' set ip next-hop unchanged',
      'exit',
    ];
    for (const r of this.originated.values()) lines.push(...this.routeMapFor(r));
    lines.push(
      `router bgp ${this.asn}`,
      ` bgp router-id ${this.routerId}`,
      ' no bgp ebgp-requires-policy',
      ' no bgp network import-check',
      ' no bgp default ipv4-unicast',
      ...(gr
        ? [' bgp graceful-restart', ` bgp graceful-restart restart-time ${gr.restartTime}`]
        : []),
    );
    for (const p of this.peerConfigs) {
      const hold = p.holdTime ?? 90;
      const a = p.address;
      lines.push(
        ` neighbor ${a} remote-as ${p.asn}`,
        ` neighbor ${a} port ${p.port}`,
        ` neighbor ${a} update-source ${this.address}`,
        ` neighbor ${a} disable-connected-check`,
        ` neighbor ${a} timers ${Math.max(1, Math.floor(hold / 3))} ${hold}`,
        ` neighbor ${a} timers connect ${p.connectRetry ?? 5}`,
        ...(p.passive ? [` neighbor ${a} passive`] : []),
        ...(p.password ? [` neighbor ${a} password ${p.password}`] : []),
        ...(p.ttlSecurityHops ? [` neighbor ${a} ttl-security hops ${p.ttlSecurityHops}`] : []),
      );
    }
    lines.push(' address-family ipv4 unicast');
    for (const p of this.peerConfigs) {
      lines.push(
        `  neighbor ${p.address} activate`,
        `  neighbor ${p.address} route-map KEEP_NH out`,
      );
    }
    for (const r of this.originated.values()) {
      lines.push(`  network ${r.prefix} route-map ${this.mapOf.get(r.prefix)}`);
    }
    lines.push(' exit-address-family', 'exit');
    writeFileSync(join(this.dir, 'bgpd.conf'), `${lines.join('\n')}\n`);
  }

  /** Runs vtysh commands against this bgpd; throws on failure. */
  async vtysh(...commands: string[]): Promise<string> {
    const args = ['--vty_socket', this.dir, '-d', 'bgpd'];
    for (const c of commands) args.push('-c', c);
    const r = await run('vtysh', args);
    if (r.code !== 0) throw new Error(`vtysh ${commands.join(' ; ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  /** Starts bgpd and waits until vtysh answers. */
  async start(): Promise<void> {
    this.proc = spawnDaemon(
      FRR_BGPD,
      [
        '-f',
        join(this.dir, 'bgpd.conf'),
        '-p',
        String(this.port),
        '-l',
        this.address,
        '-Z',
        '-n',
        '-S',
        '--vty_socket',
        this.dir,
        '-i',
        join(this.dir, 'bgpd.pid'),
        '-P',
        '0',
      ],
      { logFile: this.logFile, cwd: this.dir },
    );
    await waitFor(
      async () => {
        this.assertAlive();
        const out = JSON.parse(await this.vtysh('show bgp summary json')) as {
          ipv4Unicast?: { routerId?: string };
        };
        return out.ipv4Unicast?.routerId === this.routerId || out.ipv4Unicast === undefined;
      },
      { what: 'bgpd vty socket', timeoutMs: 20_000 },
    );
  }

  /** @inheritdoc */
  async announce(route: RouteConfig): Promise<void> {
    this.originated.set(route.prefix, route);
    const map = this.routeMapFor(route);
    await this.vtysh(
      'configure terminal',
      ...map,
      `router bgp ${this.asn}`,
      'address-family ipv4 unicast',
      `network ${route.prefix} route-map ${this.mapOf.get(route.prefix)}`,
    );
  }

  /** @inheritdoc */
  async withdraw(prefix: string): Promise<void> {
    this.originated.delete(prefix);
    await this.vtysh(
      'configure terminal',
      `router bgp ${this.asn}`,
      'address-family ipv4 unicast',
      `no network ${prefix}`,
    );
  }

  /** @inheritdoc */
  async peers(): Promise<PeerStatus[]> {
    const all = JSON.parse(await this.vtysh('show bgp neighbors json')) as Record<
      string,
      FrrNeighbor
    >;
    const log = this.log();
    return Object.entries(all)
      .filter(([k]) => /^[\d.:a-f]+$/i.test(k))
      .map(([address, n]) => {
        const status = parseFrrNeighbor(address, n);
        const logged = lastLoggedNotification(log, address);
        const fromJson = status.lastNotification;
        if (!logged) return status;
        // The log sees every connection; keep the JSON's shutdown text when it is the same one.
        const same =
          fromJson && fromJson.code === logged.code && fromJson.subcode === logged.subcode;
        return { ...status, lastNotification: same ? { ...logged, ...fromJson } : logged };
      });
  }

  /** @inheritdoc */
  async receivedRoutes(from?: string): Promise<ReceivedRoute[]> {
    const table = JSON.parse(await this.vtysh('show bgp ipv4 unicast json')) as {
      routes?: Record<
        string,
        Array<{
          peerId?: string;
          path?: string;
          nexthops?: Array<{ ip?: string }>;
          stale?: boolean;
        }>
      >;
    };
    const out: ReceivedRoute[] = [];
    for (const [prefix, paths] of Object.entries(table.routes ?? {})) {
      for (const p of paths) {
        if (!p.peerId || p.peerId === '(unspec)' || (from && p.peerId !== from)) continue;
        out.push({
          prefix,
          nextHop: p.nexthops?.[0]?.ip,
          asPath: (p.path ?? '').match(/\d+/g)?.map(Number) ?? [],
          from: p.peerId,
          stale: !!p.stale,
        });
      }
    }
    return out;
  }
}
