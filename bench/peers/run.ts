/**
 * Side-by-side benchmark against GoBGP, BIRD 2 and FRR (issue 9): full-table ingest,
 * advertisement, many peers, memory per route, in one run on one machine.
 *
 * Run: `npm run bench:peers -- [--prefixes N] [--peers P] [--per-peer K] [--runs R] [--json]
 *   [--receivers ours,gobgp,bird,frr] [--scenarios floor,ingest,advertise,many] [--mrt FILE]
 *   [--profile DIR] [--timeout SECONDS] [--record]`
 * or `npx tsx bench/peers/run.ts -- ...`.
 *
 * `--record` rewrites the "peers" section of bench/README.md with this run's table;
 * `--from-json FILE... [--record]` re-renders results saved with `--json`.
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { daemonMissing } from '../../test/interop/harness/index.js';
import { daemonVersions, type ReceiverKind } from './daemons.js';
import {
  FEEDER_AS,
  type FeedSpec,
  type Measurement,
  measureAdvertise,
  measureFloor,
  measureIngest,
  RECEIVER_AS,
} from './scenarios.js';
import {
  encodeStream,
  mrtTable,
  prefixText,
  type SyntheticOptions,
  syntheticTable,
  type Table,
  tableSize,
} from './table.js';

/** Options of {@link runPeersBench}. */
export interface PeersOptions {
  /** Prefixes of the ingest and advertisement table. */
  readonly prefixes: number;
  /** Feeders in the many-peers scenario. */
  readonly peers: number;
  /** Prefixes each of those feeders sends (CLI default: `prefixes / peers`, rounded up). */
  readonly perPeer: number;
  /** Runs per receiver and scenario (medians reported). */
  readonly runs: number;
  /** Receivers to run (those whose binaries are missing are skipped with a message). */
  readonly receivers: readonly ReceiverKind[];
  /** Scenarios to run. */
  readonly scenarios: readonly Scenario[];
  /** Ingest a real table from this MRT dump instead of the synthetic one. */
  readonly mrt?: string;
  /**
   * Limit of each cell's measured part, milliseconds ("many" gets twice this). Default: 0.5 ms
   * per prefix, at least 120 s.
   */
  readonly timeoutMs?: number;
  /** Write a CPU profile of our receiver (first ingest run) into this directory. */
  readonly profileDir?: string;
  /** Progress messages (stderr). */
  readonly log?: (line: string) => void;
}

/** A scenario name. */
export type Scenario = 'floor' | 'ingest' | 'advertise' | 'many';

/** Medians of one receiver in one scenario. */
export interface Row {
  /** Scenario. */
  readonly scenario: Scenario;
  /** Receiver (`feeder` for the floor). */
  readonly receiver: ReceiverKind | 'feeder';
  /** Prefixes the receiver had to hold. */
  readonly prefixes: number;
  /** Every run's measurement. */
  readonly runs: readonly Measurement[];
  /** Median of each figure. */
  readonly median: Measurement;
}

/** The whole result. */
export interface PeersResult {
  /** ISO date of the start of the run. */
  readonly date: string;
  /** Machine and software. */
  readonly machine: {
    readonly cpu: string;
    readonly cores: number;
    readonly memoryGiB: number;
    readonly node: string;
    readonly daemons: Record<string, string>;
  };
  /** Options, as run. */
  readonly options: Omit<PeersOptions, 'log'>;
  /** Receivers skipped, with the reason. */
  readonly skipped: readonly string[];
  /** Wall time of the whole run, milliseconds (table building included). */
  readonly durationMs?: number;
  /** Rows. */
  readonly rows: readonly Row[];
}

const ALL_RECEIVERS: readonly ReceiverKind[] = ['ours', 'gobgp', 'bird', 'frr'];
const ALL_SCENARIOS: readonly Scenario[] = ['floor', 'ingest', 'advertise', 'many'];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function medianOf(all: readonly Measurement[]): Measurement {
  const ms = all.filter((m) => m.error === undefined);
  if (ms.length === 0) {
    const cells = all.map((m) => m.cellMs).filter((x): x is number => x !== undefined);
    return {
      ms: Number.NaN,
      error: all[0]?.error ?? 'no run',
      ...(cells.length > 0 ? { cellMs: median(cells) } : {}),
    };
  }
  const pick = (k: keyof Measurement): number | undefined => {
    const xs = ms.map((m) => m[k]).filter((x): x is number => x !== undefined);
    return xs.length > 0 ? median(xs) : undefined;
  };
  const out: Record<string, number> = { ms: pick('ms')! };
  for (const k of [
    'firstUpdateMs',
    'cellMs',
    'rssBefore',
    'rssAfter',
    'peakRss',
    'cpuSeconds',
    'bytesPerRoute',
    'settledBytesPerRoute',
  ] as const) {
    const v = pick(k);
    if (v !== undefined) out[k] = v;
  }
  // The worst run, not the median: one run that leaked routes to the feeders is worth seeing.
  const leaked = ms.map((m) => m.toFeeders).filter((x): x is number => x !== undefined);
  if (leaked.length > 0) out.toFeeders = Math.max(...leaked);
  return out as unknown as Measurement;
}

const NEXT_HOP = Uint8Array.of(192, 0, 2, 1);

/** The last prefix `encodeStream` writes: sets in order, each set's prefixes in order. */
const lastPrefix = (t: Table): string => prefixText(t, tableSize(t) - 1);

function synthetic(prefixes: number, slice = 0, slices = 1, peerAs = FEEDER_AS): SyntheticOptions {
  return { prefixes, peerAs, nextHop: Uint8Array.of(192, 0, 2, 1 + slice), slice, slices, seed: 1 };
}

/**
 * Runs the benchmark.
 *
 * @param o - options
 * @returns the result
 */
export async function runPeersBench(o: PeersOptions): Promise<PeersResult> {
  const started = performance.now();
  const date = new Date().toISOString();
  const log = o.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const skipped: string[] = [];
  const receivers = o.receivers.filter((r) => {
    const why = r === 'ours' ? undefined : daemonMissing(r);
    if (why) {
      skipped.push(why);
      log(`skipping ${why}`);
    }
    return !why;
  });
  const rows: Row[] = [];
  // 0.5 ms per prefix: over 15 times GoBGP's ingest, the slowest receiver (14 s for 500,000,
  // 43 s for "many" at 10 x 50,000 on a shared 2-core machine), so only a stuck one times out.
  const timeoutFor = (n: number): number => o.timeoutMs ?? Math.max(120_000, n * 0.5);
  const record = (
    scenario: Scenario,
    receiver: Row['receiver'],
    prefixes: number,
    runs: Measurement[],
  ): void => {
    rows.push({ scenario, receiver, prefixes, runs, median: medianOf(runs) });
  };

  // Pre-encode every stream before anything connects.
  let table: Table | undefined;
  let feed: FeedSpec | undefined;
  if (o.scenarios.some((s) => s === 'floor' || s === 'ingest')) {
    table = o.mrt
      ? await mrtTable(o.mrt, { peerAs: FEEDER_AS, nextHop: NEXT_HOP, max: o.prefixes })
      : syntheticTable(synthetic(o.prefixes));
    const stream = encodeStream(table);
    feed = { stream, prefixes: tableSize(table), last: lastPrefix(table) };
    log(
      `table: ${feed.prefixes} prefixes, ${table.sets.length} attribute sets, ${stream.messages} UPDATEs, ${(stream.bytes / 1e6).toFixed(1)} MB`,
    );
  }
  let many: FeedSpec[] = [];
  if (o.scenarios.includes('many')) {
    many = Array.from({ length: o.peers }, (_, i) => {
      const t = syntheticTable({ ...synthetic(o.perPeer, i, o.peers, FEEDER_AS + i) });
      return { stream: encodeStream(t), prefixes: tableSize(t), last: lastPrefix(t) };
    });
  }
  const advOptions = synthetic(o.prefixes, 0, 1, RECEIVER_AS);
  const advTable = o.scenarios.includes('advertise') ? syntheticTable(advOptions) : undefined;

  for (const scenario of o.scenarios) {
    if (scenario === 'floor') {
      const runs: Measurement[] = [];
      for (let r = 0; r < o.runs; r++) runs.push(await measureFloor([feed!]));
      record('floor', 'feeder', feed!.prefixes, runs);
      if (many.length > 0) {
        const mr: Measurement[] = [];
        for (let r = 0; r < o.runs; r++) mr.push(await measureFloor(many));
        record('many', 'feeder', o.peers * o.perPeer, mr);
      }
      log(`floor: ${rows.at(-1)!.median.ms.toFixed(0)} ms`);
      continue;
    }
    const results = new Map<ReceiverKind, Measurement[]>(receivers.map((r) => [r, []]));
    // A receiver whose cell failed after more than a minute (a timeout, a stuck setup) is not
    // run again in this scenario: each try would cost minutes at the default size for a result
    // already known. A quick failure is tried again in the next run.
    const givenUp = new Map<ReceiverKind, number>();
    // Interleave receivers run by run, so that a slow phase of the machine hits all of them.
    for (let r = 0; r < o.runs; r++) {
      for (const kind of receivers) {
        const lost = givenUp.get(kind);
        if (lost !== undefined) {
          const m = { ms: Number.NaN, error: `not run: run ${lost} failed after over a minute` };
          results.get(kind)!.push(m);
          log(`${scenario} run ${r + 1}/${o.runs} ${kind}: ${m.error}`);
          continue;
        }
        let m: Measurement;
        const cellStart = performance.now();
        try {
          if (scenario === 'ingest') {
            const profile =
              kind === 'ours' && r === 0 && o.profileDir ? { cpuProfileDir: o.profileDir } : {};
            m = await measureIngest(kind, [feed!], {
              timeoutMs: timeoutFor(feed!.prefixes),
              ...profile,
            });
          } else if (scenario === 'advertise') {
            m = await measureAdvertise(kind, advTable!, advOptions, {
              timeoutMs: timeoutFor(o.prefixes),
            });
          } else {
            m = await measureIngest(kind, many, { timeoutMs: 2 * timeoutFor(o.peers * o.perPeer) });
          }
        } catch (err) {
          // One receiver failing (a timeout, a refused session) must not lose the others' figures.
          m = { ms: Number.NaN, error: err instanceof Error ? err.message : String(err) };
        }
        m = { ...m, cellMs: performance.now() - cellStart };
        if (m.error !== undefined && m.cellMs! > 60_000) givenUp.set(kind, r + 1);
        results.get(kind)!.push(m);
        log(
          `${scenario} run ${r + 1}/${o.runs} ${kind}: ${m.error ?? `${m.ms.toFixed(0)} ms`} (cell ${(m.cellMs! / 1000).toFixed(1)} s) ${JSON.stringify(m)}`,
        );
      }
    }
    const prefixes =
      scenario === 'many'
        ? o.peers * o.perPeer
        : scenario === 'ingest'
          ? feed!.prefixes
          : o.prefixes;
    for (const [kind, runs] of results) record(scenario, kind, prefixes, runs);
  }
  const { log: _log, ...options } = o;
  return {
    date,
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      daemons: await daemonVersions(),
    },
    options,
    skipped,
    durationMs: performance.now() - started,
    rows,
  };
}

const TITLES: Record<Scenario, string> = {
  floor: 'Feeder floor (sink that only reads)',
  ingest: 'Ingest: one feeder, time until the Loc-RIB holds every prefix',
  advertise: 'Advertisement: originated routes to a sink, time until the sink has them all',
  many: 'Many peers: every feeder at once, time until the Loc-RIB holds every prefix',
};

const mb = (b: number | undefined): string => (b === undefined ? '' : (b / 2 ** 20).toFixed(0));
const ratio = (ours: number | undefined, theirs: number | undefined): string =>
  ours === undefined || theirs === undefined || theirs <= 0 ? '' : `${(ours / theirs).toFixed(2)}×`;

/**
 * Formats the result as markdown: machine line, then one table per scenario with the ratio of
 * our median to each daemon's (below 1 means we are faster / smaller).
 *
 * @param r - the result
 * @returns markdown
 */
export function toMarkdown(r: PeersResult): string {
  const m = r.machine;
  const sizes = [
    `${r.options.prefixes} prefixes${r.options.mrt ? ` from ${r.options.mrt}` : ' (synthetic)'}`,
  ];
  if (r.options.scenarios.includes('many'))
    sizes.push(`${r.options.peers} peers × ${r.options.perPeer} for "many"`);
  const out = [
    `Run ${r.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}; ` +
      `${Object.values(m.daemons).join('; ')}. Medians of ${r.options.runs} run(s); ${sizes.join(', ')}.` +
      (r.durationMs !== undefined
        ? ` The whole run took ${(r.durationMs / 60_000).toFixed(1)} min.`
        : ''),
    '',
  ];
  if (r.skipped.length > 0) out.push(`Skipped: ${r.skipped.join('; ')}.`, '');
  const notes: string[] = [];
  for (const s of ALL_SCENARIOS) {
    const rows = r.rows.filter(
      (x) => x.scenario === s && (s === 'floor' || x.receiver !== 'feeder'),
    );
    const floor = r.rows.find((x) => x.scenario === s && x.receiver === 'feeder');
    if (rows.length === 0) continue;
    out.push(
      `**${TITLES[s]}** (${rows[0]!.prefixes} prefixes${floor && s !== 'floor' ? `; feeder floor ${(floor.median.ms / 1000).toFixed(2)} s` : ''})`,
      '',
    );
    if (s === 'floor') {
      out.push(
        '| feeder | time (s) |',
        '|---|---:|',
        `| floor | ${(rows[0]!.median.ms / 1000).toFixed(2)} |`,
        '',
      );
      continue;
    }
    const ours = rows.find((x) => x.receiver === 'ours')?.median;
    const mem = s !== 'advertise';
    out.push(
      mem
        ? '| receiver | time (s) | ours ÷ this | CPU (s) | ours ÷ this | peak RSS (MiB) | RSS after (MiB) | bytes/route | ours ÷ this |'
        : '| speaker | time (s) | ours ÷ this | first UPDATE after (s) | CPU (s) | ours ÷ this | peak RSS (MiB) |',
      mem ? '|---|---:|---:|---:|---:|---:|---:|---:|---:|' : '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const row of rows) {
      const x = row.median;
      const failed = row.runs.filter((m) => m.error !== undefined);
      if (x.error !== undefined) {
        out.push(`| ${row.receiver} | failed: ${x.error.replaceAll('|', '/')} |`);
        continue;
      }
      if (failed.length > 0)
        notes.push(
          `${row.receiver} (${s}): ${failed.length} of ${row.runs.length} runs failed: ${failed[0]!.error}`,
        );
      const cells = [
        row.receiver,
        (x.ms / 1000).toFixed(2),
        row.receiver === 'ours' ? '' : ratio(ours?.ms, x.ms),
        ...(mem ? [] : [((x.firstUpdateMs ?? 0) / 1000).toFixed(2)]),
        x.cpuSeconds?.toFixed(2) ?? '',
        row.receiver === 'ours' ? '' : ratio(ours?.cpuSeconds, x.cpuSeconds),
      ];
      if (mem) {
        cells.push(
          mb(x.peakRss),
          mb(x.rssAfter),
          x.bytesPerRoute?.toFixed(0) ?? '',
          row.receiver === 'ours' ? '' : ratio(ours?.bytesPerRoute, x.bytesPerRoute),
        );
      } else {
        // Peak RSS with the originated table loaded (no bytes/route: the table is there before
        // the baseline can be read).
        cells.push(mb(x.peakRss));
      }
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  const receiving = r.rows.filter((x) => x.median.toFeeders !== undefined);
  const leaks = receiving.filter((x) => x.median.toFeeders! > 0);
  if (leaks.length > 0) {
    for (const x of leaks)
      notes.push(
        `${x.receiver} (${x.scenario}) advertised ${x.median.toFeeders} prefixes back to the feeders during the load (worst run)`,
      );
  } else if (receiving.length > 0) {
    notes.push(
      'no receiver advertised any prefix back to the feeders during the load (receive-only configuration)',
    );
  }
  for (const s of ALL_SCENARIOS) {
    const cells = r.rows.filter((x) => x.scenario === s && x.median.cellMs !== undefined);
    if (cells.length === 0) continue;
    notes.push(
      `cell wall time, ${s} (start, origination, load, stop; median): ` +
        cells.map((x) => `${x.receiver} ${(x.median.cellMs! / 1000).toFixed(1)} s`).join(', '),
    );
  }
  for (const row of r.rows) {
    const b = row.median.settledBytesPerRoute;
    if (row.receiver === 'ours' && b !== undefined) {
      notes.push(
        `ours (${row.scenario}): ${b.toFixed(0)} bytes/route when RSS is read after a forced full GC`,
      );
    }
  }
  if (notes.length > 0) out.push(...notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

const BEGIN = '<!-- peers:begin -->';
const END = '<!-- peers:end -->';

/** Rewrites only the "peers" section of bench/README.md (re-read just before writing). */
export function recordInReadme(markdown: string): void {
  const file = fileURLToPath(new URL('../README.md', import.meta.url));
  const text = readFileSync(file, 'utf8');
  const section = [
    BEGIN,
    '## peers',
    '',
    'Side-by-side with GoBGP, BIRD 2 and FRR bgpd (`npm run bench:peers`, bench/peers/run.ts). Every',
    'receiver runs on its own 127/8 address; times run from the first UPDATE until the Loc-RIB holds',
    "every prefix: polled every 100 ms through the receiver's CLI/API with exact lookups of each",
    "feeder's last prefix, then confirmed by the Loc-RIB count (GoBGP's count walks the whole table",
    'in the loop that also takes UPDATEs, so polling it would slow GoBGP down). RSS and CPU are the',
    "receiver process's own (/proc); bytes/route = (RSS after load - RSS before) / prefixes. Ratios",
    'are ours ÷ theirs (below 1: we are faster or smaller).',
    '',
    'In "ingest" and "many" every receiver only receives: GoBGP with a global',
    '`default-export-policy = "reject-route"`, BIRD `export none`, FRR a deny route-map out, ours',
    "never advertises to a feeder. By default GoBGP and FRR would send each feeder's routes to all",
    'the others (GoBGP took 50 s instead of 4 s for 10 × 10,000). The feeders read and count',
    'whatever arrives (the "advertised back" note), so no receiver is held up by their sockets.',
    'GoBGP still prepares every path for every other peer before its export policy rejects it',
    '(about 40 % of its CPU samples in "many"): that is its design, not the configuration.',
    '',
    'The feeder pre-encodes the table (full UPDATEs: as many prefixes of one attribute set as fit in',
    '4096 bytes, then End-of-RIB) and writes it as fast as the socket takes it; the floor row is the',
    'same stream into a sink that only reads. "ours" is @bgp/fsm sessions + @bgp/rib in a child',
    'process running the built packages (packages/*/dist), its sessions in raw-UPDATE mode feeding',
    '`ingestUpdate`, its RIB pre-sized (`expectedRoutes`) and flushed as column batches once per',
    'event-loop turn; the Speaker (bgp-agent) is not the receiver here, since its receive path still',
    'converts attributes to its display form and back (see the notes below the tables). Origination',
    'for the advertisement (setup, not timed): BIRD a generated `protocol static`, GoBGP an MRT',
    'TABLE_DUMP_V2 file written with @bgp/wire and `gobgp mrt inject global`, FRR `network`',
    'statements in bgpd.conf, ours `Rib.announceIpv4` from the local pseudo-peer. "first UPDATE after"',
    "is the speaker's own delay before it starts sending (GoBGP's and FRR's batching timers), included",
    'in the time; BIRD starts at once but paces its output (little CPU, about 3 s for any size here).',
    'On a shared machine wall times are noisy; CPU seconds are the figure that depends least on what',
    'else runs.',
    '',
    markdown.trim(),
    END,
  ].join('\n');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${text.slice(0, start)}${section}${text.slice(end + END.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

/**
 * Parses the command line.
 *
 * @param argv - arguments after the script
 * @returns options and output flags
 */
export function parseArgs(
  argv: readonly string[],
): PeersOptions & { json: boolean; record: boolean } {
  const args = argv.filter((a) => a !== '--');
  const value = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const num = (name: string, def: number): number => {
    const v = value(name);
    const n = v === undefined ? def : Number(v);
    if (!Number.isInteger(n) || n <= 0)
      throw new Error(`${name} wants a positive integer, got ${v}`);
    return n;
  };
  const list = <T extends string>(name: string, all: readonly T[]): T[] => {
    const v = value(name);
    if (v === undefined) return [...all];
    const xs = v.split(',') as T[];
    for (const x of xs)
      if (!all.includes(x)) throw new Error(`${name}: unknown ${x} (have ${all.join(',')})`);
    return xs;
  };
  const quick = args.includes('--quick');
  const mrt = value('--mrt');
  const profileDir = value('--profile');
  const timeout = value('--timeout');
  const prefixes = num('--prefixes', quick ? 20_000 : 1_000_000);
  const peers = num('--peers', quick ? 2 : 10);
  return {
    prefixes,
    peers,
    // "many" holds as many prefixes as the single-feeder ingest, spread over the peers.
    perPeer: num('--per-peer', Math.ceil(prefixes / peers)),
    runs: num('--runs', quick ? 1 : 3),
    receivers: list('--receivers', ALL_RECEIVERS),
    scenarios: list('--scenarios', ALL_SCENARIOS),
    ...(mrt ? { mrt } : {}),
    ...(profileDir ? { profileDir } : {}),
    ...(timeout !== undefined ? { timeoutMs: num('--timeout', 0) * 1000 } : {}),
    json: args.includes('--json'),
    record: args.includes('--record'),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fromJson = process.argv.indexOf('--from-json');
  if (fromJson >= 0) {
    // Re-renders (and with --record, records) a result saved with --json.
    // Several files (e.g. a 3-run medium-size result and a 1-run full-size one) go one after another.
    const files = process.argv.slice(fromJson + 1).filter((a) => !a.startsWith('--'));
    const md = files
      .map((f) => toMarkdown(JSON.parse(readFileSync(f, 'utf8')) as PeersResult))
      .join('\n');
    process.stdout.write(`${md}\n`);
    if (process.argv.includes('--record')) recordInReadme(md);
    process.exit(0);
  }
  const o = parseArgs(process.argv.slice(2));
  const result = await runPeersBench(o);
  if (o.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${toMarkdown(result)}\n`);
  if (o.record) recordInReadme(toMarkdown(result));
  // Child processes and daemons are stopped; timers of closed sockets may linger.
  process.exit(0);
}
