/**
 * ExaBGP driver: `exabgp CONFIG` in the foreground with an API process (a small Python helper
 * written to the temp dir) that appends every JSON message ExaBGP emits (state changes, OPENs,
 * UPDATEs, NOTIFICATIONs) to `events.jsonl` and feeds ExaBGP the commands the harness appends to
 * `commands.txt` (`announce route ...`, `withdraw route ...`). Peer status and received routes
 * are reconstructed from the event log, since ExaBGP keeps no queryable table.
 *
 * Interop notes: ExaBGP runs as root here, so privilege dropping is turned off; its CLI pipes
 * are turned off too (they need a system-wide directory).
 *
 * @module
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DaemonBase, type ResolvedConfig, resolveConfig } from './daemon-base.js';
import { spawnDaemon, waitFor } from './process.js';
import type {
  DaemonConfig,
  PeerState,
  PeerStatus,
  ReceivedRoute,
  ReportedNotification,
  RouteConfig,
} from './types.js';

const API_HELPER = `import os, sys, threading, time
d = sys.argv[1]
events = open(os.path.join(d, 'events.jsonl'), 'a', buffering=1)
def pump():
    for line in sys.stdin:
        events.write(line if line.endswith('\\n') else line + '\\n')
    os._exit(0)
threading.Thread(target=pump, daemon=True).start()
path = os.path.join(d, 'commands.txt')
open(path, 'a').close()
open(os.path.join(d, 'api-ready'), 'w').close()
offset = 0
while True:
    with open(path) as f:
        f.seek(offset)
        data = f.read()
    # only whole lines: the harness appends a command and its newline in one write
    upto = data.rfind('\\n') + 1
    if upto:
        sys.stdout.write(data[:upto])
        sys.stdout.flush()
        offset += len(data[:upto].encode())
    time.sleep(0.05)
`;

/** One JSON message of ExaBGP's API (encoder json), the fields the harness reads. */
interface ExaEvent {
  readonly type?: string;
  readonly neighbor?: {
    readonly address?: { readonly peer?: string };
    readonly asn?: { readonly peer?: number };
    readonly state?: string;
    readonly reason?: string;
    readonly direction?: 'send' | 'receive';
    readonly open?: {
      readonly hold_time?: number;
      readonly router_id?: string;
      /** Keyed by capability code when received, by name when sent. */
      readonly capabilities?: Record<string, { name?: string; families?: string[] }>;
    };
    /** `data` is hex. */
    readonly notification?: {
      readonly code?: number;
      readonly subcode?: number;
      readonly data?: string;
    };
    readonly message?: {
      readonly update?: {
        readonly attribute?: { readonly 'as-path'?: number[] | Record<string, unknown> };
        readonly announce?: Record<string, Record<string, Array<{ nlri?: string } | string>>>;
        readonly withdraw?: Record<string, Array<{ nlri?: string } | string>>;
      };
    };
  };
}

/** Capability names by IANA code (ExaBGP keys received capabilities by code). */
const CAPABILITY_CODES: Record<string, string> = {
  '2': 'route-refresh',
  '5': 'extended-next-hop',
  '6': 'extended-message',
  '9': 'role',
  '64': 'graceful-restart',
  '65': 'four-octet-as',
  '69': 'add-path',
  '70': 'enhanced-route-refresh',
  '71': 'long-lived-graceful-restart',
  '73': 'fqdn',
  '128': 'route-refresh-cisco',
};

/**
 * The RFC 9003 shutdown communication in a Cease (subcode 2 or 4) NOTIFICATION's data.
 *
 * @param code - NOTIFICATION code
 * @param subcode - subcode
 * @param hex - data as hex
 * @returns the text, if any
 */
export function shutdownCommunication(
  code: number,
  subcode: number,
  hex: string,
): string | undefined {
  if (code !== 6 || (subcode !== 2 && subcode !== 4) || hex.length < 2) return undefined;
  const bytes = Buffer.from(hex.replace(/^0x/i, ''), 'hex');
  const len = bytes[0] ?? 0;
  if (len === 0 || len + 1 > bytes.length) return undefined;
  return bytes.subarray(1, 1 + len).toString('utf8');
}

function nlriOf(x: { nlri?: string } | string): string | undefined {
  return typeof x === 'string' ? x : x.nlri;
}

/** ExaBGP with a JSON API helper. */
export class ExabgpDaemon extends DaemonBase {
  /** @inheritdoc */
  readonly kind = 'exabgp' as const;

  private readonly debug: boolean;

  private constructor(config: ResolvedConfig) {
    super('exabgp', config);
    this.debug = config.debug ?? false;
  }

  /**
   * Allocates address and port and writes the configuration; does not start.
   *
   * @param config - daemon configuration
   * @returns the daemon, not started
   */
  static async create(config: DaemonConfig): Promise<ExabgpDaemon> {
    const d = new ExabgpDaemon(await resolveConfig(config));
    d.writeConfig();
    return d;
  }

  private writeConfig(): void {
    if (this.peerConfigs.some((p) => p.ttlSecurityHops !== undefined)) {
      throw new Error('ttlSecurityHops is not implemented by the ExaBGP driver');
    }
    writeFileSync(join(this.dir, 'api.py'), API_HELPER);
    const lines = [
      'process api {',
      `  run /usr/bin/python3 ${join(this.dir, 'api.py')} ${this.dir};`,
      '  encoder json;',
      '}',
    ];
    for (const p of this.peerConfigs) {
      lines.push(
        `neighbor ${p.address} {`,
        `  router-id ${this.routerId};`,
        `  local-address ${this.address};`,
        `  local-as ${this.asn};`,
        `  peer-as ${p.asn};`,
        `  hold-time ${p.holdTime ?? 90};`,
        `  connect ${p.port};`,
        ...(p.passive ? ['  passive true;'] : []),
        ...(p.password ? [`  md5-password "${p.password}";`] : []),
        '  capability {',
        '    route-refresh;',
        ...(p.gracefulRestart ? [`    graceful-restart ${p.gracefulRestart.restartTime};`] : []),
        ...(p.extendedNextHop ? ['    nexthop;'] : []),
        '  }',
        // ExaBGP offers a next hop family only when that family is configured too.
        p.extendedNextHop
          ? '  family { ipv4 unicast; ipv6 unicast; }'
          : '  family { ipv4 unicast; }',
        ...(p.extendedNextHop ? ['  nexthop { ipv4 unicast ipv6; }'] : []),
        '  api {',
        '    processes [ api ];',
        '    neighbor-changes;',
        '    receive { parsed; update; notification; open; }',
        '    send { parsed; notification; open; }',
        '  }',
        '  static {',
        ...[...this.originated.values()].map(
          (r) => `    route ${r.prefix} next-hop ${this.nextHopOf(r)};`,
        ),
        '  }',
        '}',
      );
    }
    writeFileSync(join(this.dir, 'exabgp.conf'), `${lines.join('\n')}\n`);
  }

  /** Starts exabgp and waits until its API helper runs. */
  async start(): Promise<void> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      exabgp_daemon_user: 'root',
      exabgp_daemon_drop: 'false',
      exabgp_daemon_daemonize: 'false',
      exabgp_api_cli: 'false',
      exabgp_tcp_bind: this.address,
      exabgp_tcp_port: String(this.port),
      exabgp_log_destination: 'stdout',
      exabgp_log_level: this.debug ? 'DEBUG' : 'INFO',
      ...(this.debug ? { exabgp_log_packets: 'true', exabgp_log_message: 'true' } : {}),
    };
    this.proc = spawnDaemon('exabgp', [join(this.dir, 'exabgp.conf')], {
      logFile: this.logFile,
      cwd: this.dir,
      env,
    });
    await waitFor(
      () => {
        this.assertAlive();
        return existsSync(join(this.dir, 'api-ready'));
      },
      { what: 'exabgp API helper', timeoutMs: 20_000 },
    );
  }

  /** Every JSON message ExaBGP has emitted so far, in order. */
  events(): ExaEvent[] {
    let text = '';
    try {
      text = readFileSync(join(this.dir, 'events.jsonl'), 'utf8');
    } catch {
      return [];
    }
    const out: ExaEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue; // "done" acknowledgements
      try {
        out.push(JSON.parse(line) as ExaEvent);
      } catch {
        // a line still being written
      }
    }
    return out;
  }

  /** Sends one API command, e.g. `neighbor 127.0.0.1 teardown 2`. */
  command(line: string): void {
    appendFileSync(join(this.dir, 'commands.txt'), `${line}\n`);
  }

  /** @inheritdoc */
  async announce(route: RouteConfig): Promise<void> {
    this.originated.set(route.prefix, route);
    this.command(`announce route ${route.prefix} next-hop ${this.nextHopOf(route)}`);
  }

  /** @inheritdoc */
  async withdraw(prefix: string): Promise<void> {
    const r = this.originated.get(prefix);
    this.originated.delete(prefix);
    this.command(`withdraw route ${prefix}${r ? ` next-hop ${this.nextHopOf(r)}` : ''}`);
  }

  /** @inheritdoc */
  async peers(): Promise<PeerStatus[]> {
    const events = this.events();
    return this.peerConfigs.map((p) => {
      let state: PeerState = 'Idle';
      let sent: number | undefined;
      let rcvd: number | undefined;
      let routerId: string | undefined;
      let caps: string[] | undefined;
      let lastNotification: ReportedNotification | undefined;
      const mine: ExaEvent[] = [];
      for (const e of events) {
        const n = e.neighbor;
        if (n?.address?.peer !== p.address) continue;
        mine.push(e);
        if (e.type === 'state') {
          state = n.state === 'up' ? 'Established' : n.state === 'connected' ? 'OpenSent' : 'Idle';
          if (n.state !== 'up') {
            sent = undefined;
            rcvd = undefined;
          }
        } else if (e.type === 'open') {
          const open = n.open;
          if (n.direction === 'send') sent = open?.hold_time;
          else {
            rcvd = open?.hold_time;
            routerId = open?.router_id;
            caps = [];
            for (const [code, c] of Object.entries(open?.capabilities ?? {})) {
              if (code === '1') {
                for (const f of c.families ?? []) caps.push(`multiprotocol:${f.replace('/', '-')}`);
              } else caps.push(CAPABILITY_CODES[code] ?? `unknown:${code}`);
            }
          }
        } else if (e.type === 'notification') {
          const m = n.notification;
          const code = m?.code ?? 0;
          const subcode = m?.subcode ?? 0;
          const message = shutdownCommunication(code, subcode, m?.data ?? '');
          lastNotification = {
            direction: n.direction === 'send' ? 'sent' : 'received',
            code,
            subcode,
            ...(message !== undefined ? { message } : {}),
          };
        }
      }
      const established = state === 'Established';
      return {
        address: p.address,
        state,
        asn: p.asn,
        routerId,
        holdTime:
          established && sent !== undefined && rcvd !== undefined
            ? Math.min(sent, rcvd)
            : undefined,
        remoteCapabilities: established ? caps : undefined,
        lastNotification,
        raw: mine,
      } satisfies PeerStatus;
    });
  }

  /** @inheritdoc */
  async receivedRoutes(from?: string): Promise<ReceivedRoute[]> {
    const tables = new Map<string, Map<string, ReceivedRoute>>();
    for (const e of this.events()) {
      const peer = e.neighbor?.address?.peer;
      if (!peer || (from && peer !== from)) continue;
      const table = tables.get(peer) ?? new Map<string, ReceivedRoute>();
      tables.set(peer, table);
      if (e.type === 'state' && e.neighbor?.state === 'down') table.clear();
      const u = e.type === 'update' ? e.neighbor?.message?.update : undefined;
      if (!u) continue;
      for (const list of Object.values(u.withdraw ?? {})) {
        for (const x of list) {
          const prefix = nlriOf(x);
          if (prefix) table.delete(prefix);
        }
      }
      const asPathAttr = u.attribute?.['as-path'];
      const asPath = Array.isArray(asPathAttr)
        ? asPathAttr.map(Number)
        : (JSON.stringify(asPathAttr ?? [])
            .match(/\d+/g)
            ?.map(Number) ?? []);
      for (const [family, byNextHop] of Object.entries(u.announce ?? {})) {
        if (family !== 'ipv4 unicast') continue;
        for (const [nextHop, list] of Object.entries(byNextHop)) {
          for (const x of list) {
            const prefix = nlriOf(x);
            if (prefix) table.set(prefix, { prefix, nextHop, asPath, from: peer });
          }
        }
      }
    }
    return [...tables.values()].flatMap((t) => [...t.values()]);
  }
}
