/**
 * `bgp-agent`: runs one node of a cluster described in Cilium YAML.
 *
 * ```
 * bgp-agent -f cluster.yaml [-f more.yaml] --node NAME [--api HOST:PORT] [--metrics HOST:PORT]
 *           [--datapath lpm=/sys/fs/bpf/NAME] [--accept-routes] [--no-graceful] [--restarting]
 * ```
 *
 * SIGTERM stops gracefully: TCP closes without NOTIFICATION, so that peers with graceful
 * restart keep our routes until we return (RFC 4724). A second SIGINT, or `--no-graceful`,
 * sends Cease 6/2 with a shutdown message (RFC 9003) instead.
 *
 * @module
 */
import type { Server } from 'node:http';
import type { DatapathSink } from '@bgp/rib';
import { Agent } from '../agent/agent.js';
import { DEFAULT_API, parseHostPort, serveApi } from '../agent/api.js';
import { agentMetrics } from '../agent/metrics.js';
import type { Logger } from '../types.js';

/** Parsed command line of `bgp-agent`. */
export interface AgentArgs {
  /** `-f` files. */
  readonly files: string[];
  /** `--node`. */
  readonly node: string;
  /** `--api` (default 127.0.0.1:9965; `off` disables). */
  readonly api: string | null;
  /** `--metrics`. */
  readonly metrics: string | null;
  /** `--datapath KIND=PATH`. */
  readonly datapath: string[];
  /** `--accept-routes`. */
  readonly acceptRoutes: boolean;
  /** `--no-graceful`. */
  readonly graceful: boolean;
  /** `--restarting`. */
  readonly restarting: boolean;
  /** `--next-hop ADDR` (IPv4 and/or IPv6). */
  readonly nextHop: { ipv4?: string; ipv6?: string };
}

/** Usage text. */
export const AGENT_USAGE = `usage: bgp-agent -f cluster.yaml [-f more.yaml] --node NAME [--api HOST:PORT|off]
                 [--metrics HOST:PORT] [--datapath lpm=/sys/fs/bpf/NAME] [--accept-routes]
                 [--no-graceful] [--restarting] [--next-hop ADDR]`;

/** Parses the command line; throws with a message for the user. */
export function parseAgentArgs(argv: readonly string[]): AgentArgs {
  const files: string[] = [];
  const datapath: string[] = [];
  let node: string | undefined;
  let api: string | null = process.env.BGP_API ?? DEFAULT_API;
  let metrics: string | null = null;
  let acceptRoutes = false;
  let graceful = true;
  let restarting = false;
  const nextHop: { ipv4?: string; ipv6?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '-f' || a === '--file') files.push(value());
    else if (a === '--node') node = value();
    else if (a === '--api') api = value();
    else if (a === '--metrics') metrics = value();
    else if (a === '--datapath') datapath.push(value());
    else if (a === '--accept-routes') acceptRoutes = true;
    else if (a === '--no-graceful') graceful = false;
    else if (a === '--restarting') restarting = true;
    else if (a === '--next-hop') {
      const v = value();
      if (v.includes(':')) nextHop.ipv6 = v;
      else nextHop.ipv4 = v;
    } else throw new Error(`unknown argument ${a}`);
  }
  if (files.length === 0) throw new Error('at least one -f FILE is required');
  if (node === undefined) throw new Error('--node NAME is required');
  return {
    files,
    node,
    api: api === 'off' ? null : api,
    metrics,
    datapath,
    acceptRoutes,
    graceful,
    restarting,
    nextHop,
  };
}

/** A logger writing timestamped lines to stderr. */
export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(`${new Date().toISOString()} info  ${m}\n`),
  warn: (m) => process.stderr.write(`${new Date().toISOString()} warn  ${m}\n`),
  error: (m) => process.stderr.write(`${new Date().toISOString()} error ${m}\n`),
};

/** Opens the datapath sinks of `--datapath` (lpm=PATH needs @bgp/ebpf). */
async function openSinks(specs: readonly string[]): Promise<DatapathSink[]> {
  const sinks: DatapathSink[] = [];
  for (const spec of specs) {
    const [kind, path] = spec.split('=', 2);
    if (kind !== 'lpm' || !path)
      throw new Error(`--datapath ${spec}: expected lpm=/sys/fs/bpf/NAME`);
    // Loaded lazily through a variable (so that bundlers leave it alone): the agent runs without
    // the native addon unless a datapath is asked for.
    const ebpf = '@bgp/ebpf';
    const mod = (await import(ebpf)) as {
      LpmRouteWriter?: { create(o: { pinPath: string }): DatapathSink };
    };
    if (!mod.LpmRouteWriter) throw new Error('@bgp/ebpf has no LpmRouteWriter in this build');
    const open = async (o: { path: string }) => mod.LpmRouteWriter!.create({ pinPath: o.path });
    sinks.push(await open({ path }));
  }
  return sinks;
}

/** A running agent with its servers, for tests. */
export interface RunningAgent {
  /** The agent. */
  readonly agent: Agent;
  /** API server, if any. */
  readonly api: Server | undefined;
  /** Metrics server, if any. */
  readonly metrics: Server | undefined;
  /** Stops everything. */
  close(graceful: boolean): Promise<void>;
}

/** Starts an agent from parsed arguments. */
export async function runAgent(
  args: AgentArgs,
  logger: Logger = stderrLogger,
): Promise<RunningAgent> {
  const sinks = await openSinks(args.datapath);
  const agent = new Agent(
    {
      files: args.files,
      node: args.node,
      acceptRoutes: args.acceptRoutes,
      restarting: args.restarting,
      ...(args.nextHop.ipv4 || args.nextHop.ipv6 ? { nextHop: args.nextHop } : {}),
    },
    { logger, sinks },
  );
  const registry = agentMetrics(agent);
  const r = await agent.start();
  if (!r.applied) logger.error(`configuration not applied: ${r.errors.join('; ')}`);
  const api = args.api ? await serveApi(agent, parseHostPort(args.api), registry) : undefined;
  const metrics = args.metrics
    ? await serveApi(agent, parseHostPort(args.metrics), registry)
    : undefined;
  if (args.api) logger.info(`API on http://${args.api}`);
  if (args.metrics) logger.info(`metrics on http://${args.metrics}/metrics`);
  return {
    agent,
    api,
    metrics,
    async close(graceful) {
      await agent.stop(graceful ? { graceful: true } : { message: 'bgp-agent shutting down' });
      api?.close();
      metrics?.close();
      for (const s of sinks) await s.close();
    },
  };
}

/** `bgp-agent` main: returns the exit code once stopped by a signal. */
export async function agentMain(argv: readonly string[]): Promise<number> {
  let args: AgentArgs;
  try {
    args = parseAgentArgs(argv);
  } catch (err) {
    process.stderr.write(`bgp-agent: ${(err as Error).message}\n${AGENT_USAGE}\n`);
    return 2;
  }
  const running = await runAgent(args);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (graceful: boolean): void => {
      if (stopping && graceful) return;
      stopping = true;
      stderrLogger.info(
        graceful ? 'stopping gracefully (peers keep our routes)' : 'stopping with Cease',
      );
      void running.close(graceful).then(() => resolve(0));
    };
    process.on('SIGTERM', () => stop(args.graceful));
    let sigints = 0;
    process.on('SIGINT', () => {
      sigints++;
      stop(args.graceful && sigints === 1);
    });
  });
}
