/**
 * `bgp`: asks a running bgp-agent over its HTTP API and prints Cilium-shaped tables or JSON.
 *
 * ```
 * bgp [--api HOST:PORT] peers [-o json]
 * bgp routes available|advertised ipv4|ipv6 unicast [--peer ADDR] [-o json]
 * bgp route-policies [-o json]
 * bgp explain PREFIX [-o json]
 * bgp status [-o json]
 * ```
 *
 * The API address defaults to `$BGP_API`, else 127.0.0.1:9965.
 *
 * @module
 */
import type { AgentStatus, RoutePolicyEntry } from '../agent/agent.js';
import { DEFAULT_API } from '../agent/api.js';
import {
  advertisedTable,
  availableTable,
  explainTable,
  peersTable,
  routePoliciesTable,
  statusText,
} from '../agent/format.js';
import type { AdvertisedStatus, ExplainedRoute, PeerStatus, RouteStatus } from '../types.js';

/** Usage text. */
export const BGP_USAGE = `usage: bgp [--api HOST:PORT] <command> [-o json]
  peers                                         sessions, state, uptime, per-family counts
  routes available|advertised ipv4|ipv6 unicast [--peer ADDR]
  route-policies                                per-peer export policy rendered from the YAML
  explain PREFIX                                best path and why the others lost
  status                                        node, configuration source, conditions, errors
The API defaults to $BGP_API or ${DEFAULT_API}.`;

/** How `bgp` fetches (injectable for tests). */
export type Fetcher = (
  url: string,
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * Runs `bgp` with `argv`, writing to `out`; returns the exit code.
 *
 * @param argv - arguments after the program name
 * @param out - where to print
 * @param fetcher - HTTP client (default global fetch)
 */
export async function bgpMain(
  argv: readonly string[],
  out: (text: string) => void = (t) => process.stdout.write(`${t}\n`),
  fetcher: Fetcher = (u) => fetch(u),
): Promise<number> {
  let api = process.env.BGP_API ?? DEFAULT_API;
  let json = false;
  let peer: string | undefined;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--api') api = argv[++i] ?? api;
    else if (a === '-o' || a === '--output') json = argv[++i] === 'json';
    else if (a === '--peer' || a === 'peer' || a === 'neighbor') peer = argv[++i];
    else if (a === '-h' || a === '--help') {
      out(BGP_USAGE);
      return 0;
    } else words.push(a);
  }
  const base = `http://${api}`;
  const get = async <T>(path: string): Promise<T> => {
    let r: Awaited<ReturnType<Fetcher>>;
    try {
      r = await fetcher(`${base}${path}`);
    } catch (err) {
      throw new Error(
        `cannot reach bgp-agent at ${api} (${(err as Error).message}); start it with --api ${api} or set BGP_API`,
      );
    }
    const body = await r.json();
    if (!r.ok) throw new Error((body as { error?: string }).error ?? `HTTP ${r.status}`);
    return body as T;
  };
  const print = (value: unknown, table: () => string): void =>
    out(json ? JSON.stringify(value, null, 2) : table());
  try {
    const status = await get<AgentStatus>('/v1/status');
    const node = status.node;
    const vrouter = (name: string): string =>
      String(status.instances.find((i) => i.name === name)?.localASN ?? name);
    switch (words[0]) {
      case 'peers':
      case 'neighbors': {
        const peers = await get<PeerStatus[]>('/v1/peers');
        print(peers, () => peersTable(node, peers));
        return 0;
      }
      case 'routes': {
        const table = words[1] ?? 'available';
        const afi = words[2] ?? 'ipv4';
        const safi = words[3] ?? 'unicast';
        const q = peer ? `?peer=${encodeURIComponent(peer)}` : '';
        if (table === 'available') {
          const routes = await get<RouteStatus[]>(`/v1/routes/available/${afi}/${safi}${q}`);
          print(routes, () => availableTable(node, routes, vrouter));
        } else if (table === 'advertised') {
          const peers = await get<AdvertisedStatus[]>(`/v1/routes/advertised/${afi}/${safi}${q}`);
          print(peers, () => advertisedTable(node, peers, vrouter));
        } else {
          out(BGP_USAGE);
          return 2;
        }
        return 0;
      }
      case 'route-policies': {
        const entries = await get<RoutePolicyEntry[]>('/v1/route-policies');
        print(entries, () => routePoliciesTable(entries));
        return 0;
      }
      case 'explain': {
        if (!words[1]) {
          out(BGP_USAGE);
          return 2;
        }
        const routes = await get<ExplainedRoute[]>(
          `/v1/explain?prefix=${encodeURIComponent(words[1])}`,
        );
        print(routes, () => explainTable(routes));
        return 0;
      }
      case 'status':
        print(status, () => statusText(status));
        return 0;
      default:
        out(BGP_USAGE);
        return 2;
    }
  } catch (err) {
    process.stderr.write(`bgp: ${(err as Error).message}\n`);
    return 1;
  }
}
