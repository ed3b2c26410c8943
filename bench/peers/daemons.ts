/**
 * The three daemons as benchmark receivers: GoBGP, BIRD 2 and FRR's bgpd, each with a minimal
 * configuration written here on its own 127/8 address and a high port, with every neighbour
 * passive (the bench's feeders and sinks connect), and a way to originate N routes that is fast
 * enough to set up at a million routes.
 *
 * This is an adapter over the interop harness (test/interop/harness, owned by another helper):
 * it reuses its process handling (process groups, exit hook, `run`, `waitFor`) and loopback
 * allocation, and its interop notes (BIRD `multihop`, FRR `disable-connected-check` and `-Z`,
 * documentation next hops for GoBGP), but writes its own configurations because the harness's
 * are tuned for conformance tests: GoBGP at `-l debug` logs every UPDATE, which would measure
 * logging, and FRR gets one route-map per originated route, which does not scale to 1M.
 *
 * Origination (setup, excluded from timings):
 * - BIRD: a generated `protocol static` with N `route P blackhole;` lines;
 * - GoBGP: an MRT TABLE_DUMP_V2 file written with @bgp/wire, loaded with `gobgp mrt inject global`;
 * - FRR: N `network P` statements in bgpd.conf (with `no bgp network import-check`).
 *
 * @module
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AS4_CONTEXT, encodeMessage, encodeMrtRecord, Writer } from '@bgp/wire';
import {
  allocatePort,
  FRR_BGPD,
  run,
  spawnDaemon,
  waitFor,
} from '../../test/interop/harness/index.js';
import type { DaemonProcess } from '../../test/interop/harness/process.js';
import { daemonPid } from './proc-stats.js';
import { prefixAt, prefixText, type Table, tableSize } from './table.js';

/**
 * Every receiver is configured to only receive from its feeders (GoBGP a global default export
 * policy of reject, BIRD `export none`, FRR a deny route-map out, ours never advertises to a
 * feeder); env `BENCH_EXPORT_TO_FEEDERS=1` restores the daemons' default of re-advertising each
 * feeder's routes to the others, for A/B runs.
 */
const EXPORT_TO_FEEDERS = process.env.BENCH_EXPORT_TO_FEEDERS === '1';

/** Which receiver. */
export type ReceiverKind = 'ours' | 'gobgp' | 'bird' | 'frr';

/** A neighbour of a receiver: a feeder or a sink, both connecting to it. */
export interface Neighbour {
  /** Its loopback address. */
  readonly address: string;
  /** Its AS. */
  readonly asn: number;
  /** Prefixes it will send (ours pre-sizes its Adj-RIB-In; the daemons ignore it). */
  readonly expectedRoutes?: number;
}

/** What a receiver is configured with. */
export interface ReceiverConfig {
  /** Its address (loopback). */
  readonly address: string;
  /** Its AS. */
  readonly asn: number;
  /** Its router id, dotted quad. */
  readonly routerId: string;
  /** Neighbours that send it routes. */
  readonly feeders: readonly Neighbour[];
  /** The neighbour it advertises its originated routes to. */
  readonly sink?: Neighbour;
  /** Routes to originate (loaded before {@link Receiver.start} resolves). */
  readonly originate?: Table;
  /** Prefixes the Loc-RIB will hold (ours pre-sizes its tables; the daemons ignore it). */
  readonly expectedRoutes?: number;
  /** Our receiver only: write a V8 CPU profile into this directory. */
  readonly cpuProfileDir?: string;
}

/** A receiver under test. */
export interface Receiver {
  /** Which one. */
  readonly kind: ReceiverKind;
  /** Address it listens on. */
  readonly address: string;
  /** Port it listens on. */
  readonly port: number;
  /** Pid of the process whose memory and CPU are measured. */
  readonly pid: number;
  /** Starts it; resolves once it answers queries and holds its originated routes. */
  start(): Promise<void>;
  /** IPv4 prefixes in its Loc-RIB (for BIRD: networks in master4, originated ones included). */
  locRibCount(): Promise<number>;
  /**
   * Whether the Loc-RIB holds each of these exact prefixes: lookups, cheap at any table size,
   * unlike the counts of GoBGP (a walk of every destination in its server loop) and BIRD.
   */
  hasPrefixes(prefixes: readonly string[]): Promise<boolean[]>;
  /** Stops it (idempotent, never throws). */
  stop(): Promise<void>;
}

/** Versions of the daemon binaries, for the report. */
export async function daemonVersions(): Promise<Record<string, string>> {
  const first = async (cmd: string, args: string[]): Promise<string> => {
    const r = await run(cmd, args, 5000);
    return (
      `${r.stdout}\n${r.stderr}`
        .trim()
        .split('\n')
        .find((l) => /version/i.test(l))
        ?.trim() ?? 'unknown'
    );
  };
  return {
    gobgp: await first('gobgpd', ['--version']),
    bird: await first('bird', ['--version']),
    frr: await first(FRR_BGPD, ['--version']),
  };
}

abstract class DaemonReceiver implements Receiver {
  abstract readonly kind: ReceiverKind;
  readonly dir: string;
  port = 0;
  protected proc: DaemonProcess | undefined;

  constructor(readonly config: ReceiverConfig) {
    this.dir = mkdtempSync(join(tmpdir(), 'bgp-bench-'));
  }

  get address(): string {
    return this.config.address;
  }

  /** The daemon's command name in /proc/PID/comm. */
  protected abstract readonly comm: string;
  private daemon = 0;

  get pid(): number {
    if (!this.proc) throw new Error(`${this.kind} is not running`);
    this.daemon ||= daemonPid(this.proc.pid, this.comm);
    return this.daemon;
  }

  get neighbours(): Neighbour[] {
    return [...this.config.feeders, ...(this.config.sink ? [this.config.sink] : [])];
  }

  protected alive(): void {
    if (this.proc?.hasExited()) {
      let log = '';
      try {
        log = readFileSync(join(this.dir, 'daemon.log'), 'utf8').slice(-2000);
      } catch {
        // no log
      }
      throw new Error(`${this.kind} exited: ${log}`);
    }
  }

  abstract start(): Promise<void>;
  abstract locRibCount(): Promise<number>;
  abstract hasPrefixes(prefixes: readonly string[]): Promise<boolean[]>;

  async stop(): Promise<void> {
    try {
      await this.proc?.stop(2000);
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Waits until the Loc-RIB holds the originated routes (setup, not measured). */
  protected async loaded(timeoutMs: number): Promise<void> {
    const n = this.config.originate ? tableSize(this.config.originate) : 0;
    if (n === 0) return;
    await waitFor(async () => (await this.locRibCount()) >= n, {
      what: `${this.kind} to load ${n} originated routes`,
      timeoutMs,
      intervalMs: 250,
    });
  }
}

/** GoBGP: gobgpd + the gobgp CLI over gRPC on the daemon's own address. */
export class GobgpReceiver extends DaemonReceiver {
  readonly kind = 'gobgp' as const;
  protected readonly comm = 'gobgpd';
  private apiPort = 0;

  async start(): Promise<void> {
    const c = this.config;
    // The export policy below is global: it cannot tell a feeder from the sink.
    if (c.sink && c.feeders.length > 0) throw new Error('gobgp: feeders and a sink at once');
    this.port = await allocatePort(c.address);
    this.apiPort = await allocatePort(c.address);
    const lines = [
      '[global.config]',
      `  as = ${c.asn}`,
      `  router-id = "${c.routerId}"`,
      `  port = ${this.port}`,
      `  local-address-list = ["${c.address}"]`,
    ];
    if (!c.sink && !EXPORT_TO_FEEDERS) {
      // Receive only, like BIRD's `export none` and FRR's deny route-map: by default GoBGP
      // re-advertises every feeder's routes to all the other feeders, which at 10 peers
      // multiplied its work (10 x 10,000 took 50 s, 4.4 s once rejected). Outside route-server
      // mode the export policy is the global one: a per-neighbor apply-policy is ignored for
      // ordinary peers (policy.md, "Attach policy to global rib").
      lines.push('[global.apply-policy.config]', '  default-export-policy = "reject-route"');
    }
    for (const n of this.neighbours) {
      lines.push(
        '[[neighbors]]',
        '  [neighbors.config]',
        `    neighbor-address = "${n.address}"`,
        `    peer-as = ${n.asn}`,
        '  [neighbors.transport.config]',
        '    passive-mode = true',
        `    local-address = "${c.address}"`,
        '  [neighbors.timers.config]',
        '    hold-time = 180',
        '    keepalive-interval = 60',
        '  [[neighbors.afi-safis]]',
        '    [neighbors.afi-safis.config]',
        '      afi-safi-name = "ipv4-unicast"',
      );
    }
    writeFileSync(join(this.dir, 'gobgpd.toml'), `${lines.join('\n')}\n`);
    this.proc = spawnDaemon(
      'gobgpd',
      [
        '-f',
        join(this.dir, 'gobgpd.toml'),
        '--api-hosts',
        `${c.address}:${this.apiPort}`,
        '--pprof-disable',
        '-p',
        '-l',
        'warn',
      ],
      { logFile: join(this.dir, 'daemon.log'), cwd: this.dir },
    );
    await waitFor(
      async () => {
        this.alive();
        // The API answers before the configuration file is applied (AS 0, no listener): a
        // feeder connecting then was refused. Ready once the BGP port is open and every
        // neighbour is configured.
        if (!(await this.cli('global')).includes(`Listening Port: ${this.port},`)) return false;
        const table = await this.cli('neighbor');
        return this.neighbours.every((n) => table.includes(`${n.address} `));
      },
      { what: 'gobgpd API, listener and neighbours', timeoutMs: 20_000 },
    );
    if (c.originate) {
      const file = join(this.dir, 'originate.mrt');
      await writeMrt(c.originate, file, c.asn);
      const r = await run(
        'gobgp',
        ['-u', c.address, '-p', String(this.apiPort), 'mrt', 'inject', 'global', file],
        600_000,
      );
      if (r.code !== 0) throw new Error(`gobgp mrt inject: ${r.stderr || r.stdout}`);
      await this.loaded(600_000);
    }
  }

  private async cli(...args: string[]): Promise<string> {
    const r = await run('gobgp', ['-u', this.address, '-p', String(this.apiPort), ...args]);
    if (r.code !== 0) throw new Error(`gobgp ${args.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  async locRibCount(): Promise<number> {
    // "Table ipv4-unicast\nDestination: 1000000, Path: 1000000"
    const out = await this.cli('global', 'rib', 'summary', '-a', 'ipv4');
    const m = /Destination:\s*(\d+)/.exec(out);
    if (!m) throw new Error(`gobgp rib summary: ${out}`);
    return Number(m[1]);
  }

  hasPrefixes(prefixes: readonly string[]): Promise<boolean[]> {
    // One prefix per call (the CLI takes one), about 10 ms each. The answer is `{"P":[paths]}`
    // when present, `{}` when not: an exact lookup in the table's map.
    return Promise.all(
      prefixes.map(async (p) => {
        const out = JSON.parse(await this.cli('global', 'rib', '-a', 'ipv4', p, '-j')) as Record<
          string,
          unknown[]
        >;
        return (out[p]?.length ?? 0) > 0;
      }),
    );
  }
}

/** Writes the table as a TABLE_DUMP_V2 file for `gobgp mrt inject global`. */
async function writeMrt(t: Table, file: string, asn: number): Promise<void> {
  const out = createWriteStream(file);
  const write = (b: Uint8Array): Promise<void> | undefined =>
    out.write(b) ? undefined : new Promise((r) => out.once('drain', () => r()));
  await write(
    encodeMrtRecord({
      kind: 'PEER_INDEX_TABLE',
      timestamp: 0,
      collectorBgpId: 1,
      viewName: '',
      peers: [{ bgpId: 1, address: Uint8Array.of(192, 0, 2, 1), asn, as4: true }],
    }),
  );
  let seq = 0;
  // `gobgp mrt inject` can return before its last queued paths reach gobgpd, which then never
  // get them (1566 of 2000 in one try). So the file repeats the first prefixes after the table:
  // whatever is lost at the end is a duplicate, and `loaded()` still checks the count.
  const padding = Math.min(tableSize(t), 20_000);
  let written = 0;
  for (let s = 0; s < t.sets.length * 2 && written < tableSize(t) + padding; s++) {
    const set = s % t.sets.length;
    // The bare attributes of an UPDATE without NLRI: after header (19), withdrawn length (2)
    // and attribute length (2).
    const upd = encodeMessage(
      { type: 'UPDATE', withdrawn: [], attributes: t.sets[set]!, nlri: [] },
      AS4_CONTEXT,
    );
    const attributes = upd.subarray(23);
    for (let i = t.setStart[set]!; i < t.setStart[set + 1]!; i++) {
      written++;
      const rec = encodeMrtRecord(
        {
          kind: 'RIB',
          timestamp: 0,
          afi: 1,
          safi: 1,
          addPath: false,
          sequence: seq++,
          prefix: prefixAt(t, i),
          entries: [{ peerIndex: 0, originatedTime: 0, attributes }],
        },
        new Writer(128),
      );
      const p = write(rec);
      if (p) await p;
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((err?: Error | null) => (err ? reject(err) : resolve())),
  );
}

/** BIRD 2: bird -f + birdc on a private control socket. */
export class BirdReceiver extends DaemonReceiver {
  readonly kind = 'bird' as const;
  protected readonly comm = 'bird';

  private get socket(): string {
    return join(this.dir, 'bird.ctl');
  }

  async start(): Promise<void> {
    const c = this.config;
    this.port = await allocatePort(c.address);
    const file = join(this.dir, 'bird.conf');
    const out = createWriteStream(file);
    const w = (s: string): Promise<void> | undefined =>
      out.write(s) ? undefined : new Promise((r) => out.once('drain', () => r()));
    await w(
      `router id ${c.routerId};\nlog "${join(this.dir, 'bird.log')}" { warning, error, fatal };\nprotocol device {}\n`,
    );
    if (c.originate) {
      await w('protocol static originated {\n  ipv4;\n');
      const t = c.originate;
      for (let i = 0; i < tableSize(t); i++) {
        const p = w(`  route ${prefixText(t, i)} blackhole;\n`);
        if (p) await p;
      }
      await w('}\n');
    }
    for (const [i, n] of this.neighbours.entries()) {
      const isSink = n === c.sink;
      // BIRD does not see a 127/8 neighbour as directly connected: multihop (harness note).
      await w(
        [
          `protocol bgp n${i} {`,
          `  local ${c.address} port ${this.port} as ${c.asn};`,
          `  neighbor ${n.address} as ${n.asn};`,
          '  multihop;',
          '  passive on;',
          '  hold time 180;',
          `  ipv4 { import ${isSink ? 'none' : 'all'}; export ${isSink || EXPORT_TO_FEEDERS ? 'all' : 'none'}; };`,
          '}\n',
        ].join('\n'),
      );
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    this.proc = spawnDaemon(
      'bird',
      ['-f', '-c', file, '-s', this.socket, '-P', join(this.dir, 'bird.pid')],
      {
        logFile: join(this.dir, 'daemon.log'),
        cwd: this.dir,
      },
    );
    await waitFor(
      async () => {
        this.alive();
        return (await this.birdc('show', 'status')).includes('Daemon is up and running');
      },
      { what: 'bird control socket', timeoutMs: 120_000 },
    );
    await this.loaded(600_000);
  }

  private async birdc(...args: string[]): Promise<string> {
    const r = await run('birdc', ['-s', this.socket, ...args]);
    if (r.code !== 0) throw new Error(`birdc ${args.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  async locRibCount(): Promise<number> {
    // "1000000 of 1000000 routes for 1000000 networks in table master4"
    const out = await this.birdc('show', 'route', 'count');
    const m = /routes for (\d+) networks in table master4/.exec(out);
    if (!m) throw new Error(`birdc show route count: ${out}`);
    return Number(m[1]);
  }

  hasPrefixes(prefixes: readonly string[]): Promise<boolean[]> {
    // The route lines start with the network; a miss says "Network not found".
    return Promise.all(
      prefixes.map(async (p) =>
        (await this.birdc('show', 'route', p)).split('\n').some((l) => l.startsWith(p)),
      ),
    );
  }
}

/** FRR: bgpd standalone (no zebra) + vtysh on a private socket directory. */
export class FrrReceiver extends DaemonReceiver {
  readonly kind = 'frr' as const;
  protected readonly comm = 'bgpd';

  async start(): Promise<void> {
    const c = this.config;
    this.port = await allocatePort(c.address);
    const file = join(this.dir, 'bgpd.conf');
    const out = createWriteStream(file);
    const w = (s: string): Promise<void> | undefined =>
      out.write(s) ? undefined : new Promise((r) => out.once('drain', () => r()));
    const head = [
      `hostname bench-${c.routerId}`,
      `log file ${join(this.dir, 'bgpd.log')} warnings`,
      // Receive only from the feeders (as BIRD's `export none` and GoBGP's global reject): with
      // `no bgp ebgp-requires-policy` bgpd would otherwise advertise each feeder's routes to
      // every other feeder. A route-map without match clauses matches every route.
      'route-map BENCH-RECEIVE-ONLY deny 10',
      'exit',
      `router bgp ${c.asn}`,
      ` bgp router-id ${c.routerId}`,
      ' no bgp ebgp-requires-policy',
      ' no bgp network import-check',
      ' no bgp default ipv4-unicast',
    ];
    for (const n of this.neighbours) {
      head.push(
        ` neighbor ${n.address} remote-as ${n.asn}`,
        ` neighbor ${n.address} passive`,
        ` neighbor ${n.address} disable-connected-check`,
        ` neighbor ${n.address} timers 60 180`,
      );
    }
    head.push(' address-family ipv4 unicast');
    for (const n of this.neighbours) head.push(`  neighbor ${n.address} activate`);
    if (!EXPORT_TO_FEEDERS) {
      for (const n of c.feeders)
        head.push(`  neighbor ${n.address} route-map BENCH-RECEIVE-ONLY out`);
    }
    await w(`${head.join('\n')}\n`);
    if (c.originate) {
      const t = c.originate;
      for (let i = 0; i < tableSize(t); i++) {
        const p = w(`  network ${prefixText(t, i)}\n`);
        if (p) await p;
      }
    }
    await w(' exit-address-family\nexit\n');
    await new Promise<void>((resolve) => out.end(() => resolve()));
    this.proc = spawnDaemon(
      FRR_BGPD,
      [
        '-f',
        file,
        '-p',
        String(this.port),
        '-l',
        c.address,
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
      { logFile: join(this.dir, 'daemon.log'), cwd: this.dir },
    );
    await waitFor(
      async () => {
        this.alive();
        await this.vtysh('show bgp summary json');
        return true;
      },
      { what: 'bgpd vty socket', timeoutMs: 600_000, intervalMs: 500 },
    );
    await this.loaded(600_000);
  }

  private async vtysh(command: string): Promise<string> {
    const r = await run('vtysh', ['--vty_socket', this.dir, '-d', 'bgpd', '-c', command]);
    if (r.code !== 0) throw new Error(`vtysh ${command}: ${r.stderr || r.stdout}`);
    return r.stdout;
  }

  async locRibCount(): Promise<number> {
    const s = JSON.parse(await this.vtysh('show bgp ipv4 unicast summary json')) as {
      ribCount?: number;
    };
    return s.ribCount ?? 0;
  }

  async hasPrefixes(prefixes: readonly string[]): Promise<boolean[]> {
    // One vtysh for all (each start costs about 60 ms): one JSON object per command, `{}` for
    // a miss; every object ends with a `}` alone on its line.
    if (prefixes.length === 0) return [];
    const r = await run('vtysh', [
      '--vty_socket',
      this.dir,
      '-d',
      'bgpd',
      ...prefixes.flatMap((p) => ['-c', `show bgp ipv4 unicast ${p} json`]),
    ]);
    if (r.code !== 0) throw new Error(`vtysh show bgp: ${r.stderr || r.stdout}`);
    const objects = r.stdout.split(/^\}$/m).slice(0, prefixes.length);
    if (objects.length !== prefixes.length) throw new Error(`vtysh show bgp: ${r.stdout}`);
    return objects.map((o) => (JSON.parse(`${o}}`) as { paths?: unknown[] }).paths !== undefined);
  }
}
