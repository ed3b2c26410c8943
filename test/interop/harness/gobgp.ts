/**
 * GoBGP driver: `gobgpd` with a TOML configuration, controlled and queried through the `gobgp`
 * CLI (`-j` JSON) over its gRPC port, which listens on the daemon's own loopback address.
 *
 * Interop notes: GoBGP treats a loopback next hop as invalid and turns such an UPDATE into a
 * withdraw, so routes sent to it must carry another next hop (the harness uses 192.0.2.x).
 * Capabilities come back as protobuf `Any` values; the few fields we need are decoded here.
 *
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonBase, type ResolvedConfig, resolveConfig } from './daemon-base.js';
import { allocatePort } from './net.js';
import { run, spawnDaemon, waitFor } from './process.js';
import type { DaemonConfig, PeerState, PeerStatus, ReceivedRoute, RouteConfig } from './types.js';

const STATES: Record<number, PeerState> = {
  1: 'Idle',
  2: 'Connect',
  3: 'Active',
  4: 'OpenSent',
  5: 'OpenConfirm',
  6: 'Established',
};

const CAPABILITY_NAMES: Record<string, string> = {
  RouteRefreshCapability: 'route-refresh',
  RouteRefreshCiscoCapability: 'route-refresh-cisco',
  EnhancedRouteRefreshCapability: 'enhanced-route-refresh',
  FourOctetASNCapability: 'four-octet-as',
  GracefulRestartCapability: 'graceful-restart',
  LongLivedGracefulRestartCapability: 'long-lived-graceful-restart',
  ExtendedMessageCapability: 'extended-message',
  ExtendedNexthopCapability: 'extended-next-hop',
  AddPathCapability: 'add-path',
  FqdnCapability: 'fqdn',
};

/** Reads the varint and length-delimited fields of a protobuf message: field number -> values. */
function protoFields(bytes: Uint8Array): Map<number, Array<number | Uint8Array>> {
  const out = new Map<number, Array<number | Uint8Array>>();
  let i = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = bytes[i++];
      if (b === undefined) throw new Error('truncated protobuf');
      v += (b & 0x7f) * mul;
      mul *= 128;
      if (b < 0x80) return v;
    }
  };
  while (i < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = varint();
      value = bytes.subarray(i, i + len);
      i += len;
    } else if (wire === 5) {
      i += 4;
      continue;
    } else if (wire === 1) {
      i += 8;
      continue;
    } else throw new Error(`protobuf wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(value);
    out.set(field, list);
  }
  return out;
}

const FAMILY_NAMES: Record<string, string> = { '1/1': 'ipv4-unicast', '2/1': 'ipv6-unicast' };

interface AnyCap {
  readonly type_url?: string;
  readonly value?: string;
}

function capabilityNames(caps: readonly AnyCap[] | undefined): string[] | undefined {
  if (!caps) return undefined;
  const names: string[] = [];
  for (const c of caps) {
    const type = (c.type_url ?? '').split('.').pop() ?? '';
    if (type === 'MultiProtocolCapability') {
      // MultiProtocolCapability { Family family = 1 }, Family { afi = 1, safi = 2 }
      const fam = protoFields(Buffer.from(c.value ?? '', 'base64')).get(1)?.[0];
      const f = fam instanceof Uint8Array ? protoFields(fam) : new Map();
      const key = `${f.get(1)?.[0] ?? 0}/${f.get(2)?.[0] ?? 0}`;
      names.push(`multiprotocol:${FAMILY_NAMES[key] ?? key}`);
    } else {
      names.push(CAPABILITY_NAMES[type] ?? `unknown:${type}`);
    }
  }
  return names;
}

/**
 * The restart time in the GracefulRestartCapability a GoBGP peer record reports, if any.
 *
 * @param caps - `state.remote_cap` or `state.local_cap` of `gobgp neighbor -j`
 * @returns restart time in seconds
 */
export function gobgpGracefulRestartTime(caps: readonly AnyCap[] | undefined): number | undefined {
  const gr = caps?.find((c) => c.type_url?.endsWith('.GracefulRestartCapability'));
  if (!gr) return undefined;
  // GracefulRestartCapability { uint32 flags = 1; uint32 time = 2; repeated tuples = 3 }
  const t = protoFields(Buffer.from(gr.value ?? '', 'base64')).get(2)?.[0];
  return typeof t === 'number' ? t : 0;
}

interface GobgpPath {
  readonly nlri?: { prefix?: string };
  readonly attrs?: ReadonlyArray<{
    type: number;
    nexthop?: string;
    as_paths?: ReadonlyArray<{ asns?: number[] }>;
  }>;
  readonly stale?: boolean;
  readonly 'neighbor-ip'?: string;
}

/** GoBGP (gobgpd + gobgp CLI). */
export class GobgpDaemon extends DaemonBase {
  /** @inheritdoc */
  readonly kind = 'gobgp' as const;
  /** gRPC API port on the daemon's address. */
  apiPort = 0;

  private constructor(config: ResolvedConfig) {
    super('gobgp', config);
  }

  /**
   * Allocates address and ports and writes the configuration; does not start.
   *
   * @param config - daemon configuration
   * @returns the daemon, not started
   */
  static async create(config: DaemonConfig): Promise<GobgpDaemon> {
    const d = new GobgpDaemon(await resolveConfig(config));
    d.apiPort = await allocatePort(d.address);
    d.writeConfig();
    return d;
  }

  private writeConfig(): void {
    if (this.peerConfigs.some((p) => p.extendedNextHop)) {
      throw new Error('extendedNextHop is not implemented by the GoBGP driver');
    }
    const lines = [
      '[global.config]',
      `  as = ${this.asn}`,
      `  router-id = "${this.routerId}"`,
      `  port = ${this.port}`,
      `  local-address-list = ["${this.address}"]`,
    ];
    for (const p of this.peerConfigs) {
      const hold = p.holdTime ?? 90;
      lines.push(
        '[[neighbors]]',
        '  [neighbors.config]',
        `    neighbor-address = "${p.address}"`,
        `    peer-as = ${p.asn}`,
        ...(p.password ? [`    auth-password = "${p.password}"`] : []),
        '  [neighbors.transport.config]',
        `    remote-port = ${p.port}`,
        `    local-address = "${this.address}"`,
        ...(p.passive ? ['    passive-mode = true'] : []),
        '  [neighbors.timers.config]',
        `    hold-time = ${hold}`,
        `    keepalive-interval = ${Math.max(1, Math.floor(hold / 3))}`,
        `    connect-retry = ${p.connectRetry ?? 5}`,
        // GoBGP waits idle-hold-time-after-reset (30 s default) before reconnecting; keep it
        // short so that a session a test tears down comes back within the test's budget.
        '    idle-hold-time-after-reset = 1',
      );
      if (p.ttlSecurityHops) {
        lines.push(
          '  [neighbors.ttl-security.config]',
          '    enabled = true',
          `    ttl-min = ${256 - p.ttlSecurityHops}`,
        );
      }
      if (p.gracefulRestart) {
        lines.push(
          '  [neighbors.graceful-restart.config]',
          '    enabled = true',
          `    restart-time = ${p.gracefulRestart.restartTime}`,
        );
      }
      lines.push(
        '  [[neighbors.afi-safis]]',
        '    [neighbors.afi-safis.config]',
        '      afi-safi-name = "ipv4-unicast"',
      );
      if (p.gracefulRestart) {
        lines.push('    [neighbors.afi-safis.mp-graceful-restart.config]', '      enabled = true');
      }
    }
    writeFileSync(join(this.dir, 'gobgpd.toml'), `${lines.join('\n')}\n`);
  }

  /** Runs the gobgp CLI against this daemon; throws on failure. */
  async cli(...args: string[]): Promise<string> {
    const r = await run('gobgp', ['-u', this.address, '-p', String(this.apiPort), ...args]);
    if (r.code !== 0) throw new Error(`gobgp ${args.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  /**
   * Starts gobgpd and waits until its API answers, then originates the configured routes.
   *
   * @param options - `restarting`: set the R bit (`gobgpd -r`), as after a graceful restart
   */
  async start(options: { restarting?: boolean } = {}): Promise<void> {
    const args = [
      '-f',
      join(this.dir, 'gobgpd.toml'),
      '--api-hosts',
      `${this.address}:${this.apiPort}`,
      '--pprof-disable',
      '-p',
      '-l',
      'debug',
    ];
    if (options.restarting) args.push('-r');
    this.proc = spawnDaemon('gobgpd', args, { logFile: this.logFile, cwd: this.dir });
    await waitFor(
      async () => {
        this.assertAlive();
        return (await this.cli('global', '-j')).length > 0;
      },
      { what: 'gobgpd API', timeoutMs: 20_000 },
    );
    for (const r of this.originated.values()) await this.addPath(r);
  }

  /** Kills gobgpd abruptly (SIGKILL, no NOTIFICATION), as a crash or a graceful restart does. */
  async kill(): Promise<void> {
    if (this.proc) {
      process.kill(-this.proc.pid, 'SIGKILL');
      await this.proc.exited;
    }
  }

  private async addPath(route: RouteConfig): Promise<void> {
    await this.cli(
      'global',
      'rib',
      'add',
      '-a',
      'ipv4',
      route.prefix,
      'nexthop',
      this.nextHopOf(route),
    );
  }

  /** @inheritdoc */
  async announce(route: RouteConfig): Promise<void> {
    this.originated.set(route.prefix, route);
    await this.addPath(route);
  }

  /** @inheritdoc */
  async withdraw(prefix: string): Promise<void> {
    this.originated.delete(prefix);
    await this.cli('global', 'rib', 'del', '-a', 'ipv4', prefix);
  }

  /** @inheritdoc */
  async peers(): Promise<PeerStatus[]> {
    const list = JSON.parse(await this.cli('neighbor', '-j')) as Array<{
      conf?: { neighbor_address?: string; peer_asn?: number };
      state?: {
        session_state?: number;
        router_id?: string;
        peer_asn?: number;
        remote_cap?: AnyCap[];
        messages?: {
          received?: { notification?: number | string };
          sent?: { notification?: number | string };
        };
      };
      timers?: { state?: { negotiated_hold_time?: number } };
    }>;
    return list.map((n) => {
      const state = STATES[n.state?.session_state ?? 0] ?? 'Unknown';
      const established = state === 'Established';
      return {
        address: n.conf?.neighbor_address ?? '',
        state,
        asn: n.state?.peer_asn ?? n.conf?.peer_asn,
        routerId: n.state?.router_id,
        holdTime: established ? n.timers?.state?.negotiated_hold_time : undefined,
        remoteCapabilities: established ? capabilityNames(n.state?.remote_cap) : undefined,
        notificationCounts: {
          sent: Number(n.state?.messages?.sent?.notification ?? 0),
          received: Number(n.state?.messages?.received?.notification ?? 0),
        },
        raw: n,
      } satisfies PeerStatus;
    });
  }

  /** @inheritdoc */
  async receivedRoutes(from?: string): Promise<ReceivedRoute[]> {
    const rib = JSON.parse(await this.cli('global', 'rib', '-a', 'ipv4', '-j')) as Record<
      string,
      GobgpPath[]
    >;
    const out: ReceivedRoute[] = [];
    for (const [prefix, paths] of Object.entries(rib)) {
      for (const p of paths) {
        const peer = p['neighbor-ip'];
        if (!peer || (from && peer !== from)) continue;
        const asPath = (p.attrs ?? [])
          .filter((a) => a.type === 2)
          .flatMap((a) => (a.as_paths ?? []).flatMap((s) => s.asns ?? []));
        const nextHop = p.attrs?.find((a) => a.type === 3)?.nexthop;
        out.push({
          prefix: p.nlri?.prefix ?? prefix,
          nextHop,
          asPath,
          from: peer,
          stale: !!p.stale,
        });
      }
    }
    return out;
  }
}
