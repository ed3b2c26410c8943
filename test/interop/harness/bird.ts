/**
 * BIRD 2 driver: `bird -f` with a generated configuration and its own control socket, queried
 * with `birdc -s SOCKET` (`show protocols all`, `show route all protocol`), whose text output is
 * parsed here. Routes are originated by a `static` protocol; announcing or withdrawing one at
 * runtime rewrites the configuration and runs `birdc configure`, which BIRD applies without
 * resetting the BGP sessions.
 *
 * Interop notes: BIRD does not consider a 127/8 neighbour directly connected, so every session is
 * configured `multihop`; received routes whose 192.0.2.x next hop cannot be resolved are kept
 * as `unreachable` in the table, which is enough to read them. `next hop keep` makes BIRD
 * advertise the next hop set on the static route instead of its own (loopback) address.
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

const BIRD_STATES: Record<string, PeerState> = {
  Idle: 'Idle',
  Connect: 'Connect',
  Active: 'Active',
  OpenSent: 'OpenSent',
  OpenConfirm: 'OpenConfirm',
  Established: 'Established',
  Close: 'Idle',
  Down: 'Idle',
};

/** BIRD's texts for NOTIFICATION codes/subcodes (proto/bgp/packets.c, bgp_msg_table). */
const BIRD_ERRORS: ReadonlyArray<readonly [string, number, number]> = [
  ['Unsupported version number', 2, 1],
  ['Bad peer AS', 2, 2],
  ['Invalid BGP identifier', 2, 3],
  ['Bad BGP identifier', 2, 3],
  ['Unsupported optional parameter', 2, 4],
  ['Authentication failure', 2, 5],
  ['Unacceptable hold time', 2, 6],
  ['Required capability missing', 2, 7],
  ['No supported AFI/SAFI', 2, 8],
  ['Role mismatch', 2, 11],
  ['Hold timer expired', 4, 0],
  ['Finite state machine error', 5, 0],
  ['Maximum number of prefixes reached', 6, 1],
  ['Administrative shutdown', 6, 2],
  ['Peer de-configured', 6, 3],
  ['Administrative reset', 6, 4],
  ['Connection rejected', 6, 5],
  ['Configuration change', 6, 6],
  ['Connection collision resolution', 6, 7],
  ['Out of Resources', 6, 8],
  ['Hard reset', 6, 9],
];

const CAPABILITIES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Route refresh$/, 'route-refresh'],
  [/^Enhanced refresh$/, 'enhanced-route-refresh'],
  [/^4-octet AS numbers$/, 'four-octet-as'],
  [/^Graceful restart$/, 'graceful-restart'],
  [/^Long-lived graceful restart$/, 'long-lived-graceful-restart'],
  [/^Extended message$/, 'extended-message'],
  [/^Extended next hop$/, 'extended-next-hop'],
  [/^ADD-PATH$/, 'add-path'],
  [/^Hostname:/, 'fqdn'],
  [/^Role:/, 'role'],
];

/**
 * Parses BIRD's "Last error" text into a NOTIFICATION, when it is one.
 *
 * @param text - e.g. `Received: Administrative shutdown: going down`
 * @returns the notification, or undefined for socket errors and the like
 */
export function parseBirdError(text: string): ReportedNotification | undefined {
  const m = /^(Received|Error):\s*(.*)$/.exec(text.trim());
  if (!m) return undefined;
  const direction = m[1] === 'Received' ? 'received' : 'sent';
  const rest = m[2] ?? '';
  for (const [name, code, subcode] of BIRD_ERRORS) {
    if (rest.startsWith(name)) {
      const tail = rest.slice(name.length).replace(/^:\s*/, '').trim();
      const message = tail.replace(/^"(.*)"$/, '$1');
      return { direction, code, subcode, ...(message ? { message } : {}) };
    }
  }
  return undefined;
}

/** BIRD 2 (bird + birdc). */
export class BirdDaemon extends DaemonBase {
  /** @inheritdoc */
  readonly kind = 'bird' as const;

  private constructor(config: ResolvedConfig) {
    super('bird', config);
  }

  /**
   * Allocates address and port and writes the configuration; does not start.
   *
   * @param config - daemon configuration
   * @returns the daemon, not started
   */
  static async create(config: DaemonConfig): Promise<BirdDaemon> {
    const d = new BirdDaemon(await resolveConfig(config));
    d.writeConfig();
    return d;
  }

  /** The control socket path. */
  get socket(): string {
    return join(this.dir, 'bird.ctl');
  }

  /** BIRD's protocol name for a neighbour. */
  protocolName(address: string): string {
    return `peer_${address.replaceAll('.', '_').replaceAll(':', '_')}`;
  }

  protected override extraLogs(): string[] {
    return [join(this.dir, 'bird.log')];
  }

  private writeConfig(): void {
    if (this.peerConfigs.some((p) => p.extendedNextHop)) {
      throw new Error('extendedNextHop is not implemented by the BIRD driver');
    }
    if (this.peerConfigs.some((p) => p.ttlSecurityHops !== undefined)) {
      throw new Error('ttlSecurityHops is not implemented by the BIRD driver');
    }
    const lines = [
      `router id ${this.routerId};`,
      `log "${join(this.dir, 'bird.log')}" all;`,
      'debug protocols { states, events };',
      'protocol device {}',
      'protocol static originated {',
      '  ipv4;',
      ...[...this.originated.values()].map(
        (r) => `  route ${r.prefix} blackhole { bgp_next_hop = ${this.nextHopOf(r)}; };`,
      ),
      '}',
    ];
    for (const p of this.peerConfigs) {
      lines.push(
        `protocol bgp ${this.protocolName(p.address)} {`,
        `  local ${this.address} port ${this.port} as ${this.asn};`,
        `  neighbor ${p.address} port ${p.port} as ${p.asn};`,
        '  multihop;',
        `  hold time ${p.holdTime ?? 90};`,
        `  connect retry time ${p.connectRetry ?? 5};`,
        '  error wait time 1, 5;',
        ...(p.passive ? ['  passive on;'] : []),
        ...(p.password ? [`  password "${p.password}";`] : []),
        ...(p.gracefulRestart
          ? ['  graceful restart on;', `  graceful restart time ${p.gracefulRestart.restartTime};`]
          : []),
        '  ipv4 { import all; export where source = RTS_STATIC; next hop keep; };',
        '}',
      );
    }
    writeFileSync(join(this.dir, 'bird.conf'), `${lines.join('\n')}\n`);
  }

  /** Runs a birdc command; returns its output without the greeting line. */
  async birdc(...args: string[]): Promise<string> {
    const r = await run('birdc', ['-s', this.socket, ...args]);
    if (r.code !== 0) throw new Error(`birdc ${args.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout.replace(/^BIRD [^\n]* ready\.\n/, '');
  }

  /** Starts bird in the foreground and waits until its control socket answers. */
  async start(): Promise<void> {
    this.proc = spawnDaemon(
      'bird',
      [
        '-f',
        '-c',
        join(this.dir, 'bird.conf'),
        '-s',
        this.socket,
        '-P',
        join(this.dir, 'bird.pid'),
      ],
      { logFile: this.logFile, cwd: this.dir },
    );
    await waitFor(
      async () => {
        this.assertAlive();
        return (await this.birdc('show', 'status')).includes('Daemon is up and running');
      },
      { what: 'bird control socket', timeoutMs: 20_000 },
    );
  }

  private async reconfigure(): Promise<void> {
    this.writeConfig();
    const out = await this.birdc('configure');
    if (!/Reconfigured|Reconfiguration in progress/.test(out)) {
      throw new Error(`birdc configure: ${out}`);
    }
  }

  /** @inheritdoc */
  async announce(route: RouteConfig): Promise<void> {
    this.originated.set(route.prefix, route);
    await this.reconfigure();
  }

  /** @inheritdoc */
  async withdraw(prefix: string): Promise<void> {
    this.originated.delete(prefix);
    await this.reconfigure();
  }

  /** @inheritdoc */
  async peers(): Promise<PeerStatus[]> {
    const out: PeerStatus[] = [];
    for (const p of this.peerConfigs) {
      const text = await this.birdc('show', 'protocols', 'all', this.protocolName(p.address));
      out.push(parseBirdProtocol(text, p.address, p.asn));
    }
    return out;
  }

  /** @inheritdoc */
  async receivedRoutes(from?: string): Promise<ReceivedRoute[]> {
    const routes: ReceivedRoute[] = [];
    for (const p of this.peerConfigs) {
      if (from && p.address !== from) continue;
      const text = await this.birdc(
        'show',
        'route',
        'all',
        'protocol',
        this.protocolName(p.address),
      );
      routes.push(...parseBirdRoutes(text, p.address));
    }
    return routes;
  }
}

/**
 * Parses `birdc show protocols all NAME` for one BGP protocol.
 *
 * @param text - birdc output
 * @param address - the neighbour's address
 * @param asn - the configured neighbour AS
 * @returns the normalised status
 */
export function parseBirdProtocol(text: string, address: string, asn: number): PeerStatus {
  const field = (name: string): string | undefined =>
    new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const bgpState = field('BGP state') ?? '';
  const state = BIRD_STATES[bgpState] ?? 'Unknown';
  const hold = /^\s*Hold timer:\s*[\d.]+\/(\d+)/m.exec(text)?.[1];
  let remoteCapabilities: string[] | undefined;
  const capBlock = /^\s*Neighbor capabilities\n([\s\S]*?)^\s*Session:/m.exec(text)?.[1];
  if (capBlock !== undefined) {
    remoteCapabilities = [];
    for (const line of capBlock.split('\n').map((l) => l.trim())) {
      const af = /^AF announced:\s*(.*)$/.exec(line);
      if (af) {
        for (const f of (af[1] ?? '').split(/\s+/)) {
          remoteCapabilities.push(
            `multiprotocol:${f === 'ipv4' ? 'ipv4-unicast' : f === 'ipv6' ? 'ipv6-unicast' : f}`,
          );
        }
        continue;
      }
      const hit = CAPABILITIES.find(([re]) => re.test(line));
      if (hit) remoteCapabilities.push(hit[1]);
    }
  }
  const lastError = field('Last error');
  const lastNotification = lastError ? parseBirdError(lastError) : undefined;
  const neighborAs = field('Neighbor AS');
  return {
    address,
    state,
    asn: neighborAs ? Number(neighborAs) : asn,
    routerId: field('Neighbor ID'),
    holdTime: state === 'Established' && hold ? Number(hold) : undefined,
    remoteCapabilities: state === 'Established' ? remoteCapabilities : undefined,
    lastNotification,
    raw: text,
  };
}

/**
 * Parses `birdc show route all protocol NAME`.
 *
 * @param text - birdc output
 * @param from - the neighbour the protocol talks to
 * @returns the routes
 */
export function parseBirdRoutes(text: string, from: string): ReceivedRoute[] {
  const routes: ReceivedRoute[] = [];
  let prefix: string | undefined;
  let current: { prefix: string; nextHop?: string; asPath: number[]; stale?: boolean } | undefined;
  const flush = (): void => {
    if (current) routes.push({ ...current, from });
    current = undefined;
  };
  for (const line of text.split('\n')) {
    const head = /^(\d+\.\d+\.\d+\.\d+\/\d+|[0-9a-f:]+\/\d+)\s+(.*)$/.exec(line);
    const alt = /^\s+(unicast|unreachable|blackhole|via)\b.*\[/.exec(line);
    if (head || alt) {
      flush();
      if (head) prefix = head[1];
      if (prefix)
        current = { prefix, asPath: [], ...(/\bstale\b/i.test(line) ? { stale: true } : {}) };
      continue;
    }
    if (!current) continue;
    const asPath = /^\s*BGP\.as_path:\s*(.*)$/.exec(line);
    if (asPath) current.asPath = (asPath[1] ?? '').match(/\d+/g)?.map(Number) ?? [];
    const nh = /^\s*BGP\.next_hop:\s*(\S+)/.exec(line);
    if (nh) current.nextHop = nh[1];
  }
  flush();
  return routes;
}
