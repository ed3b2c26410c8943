/**
 * The agent's HTTP API (node:http, JSON): what `bgp` reads.
 *
 * ```
 * GET /v1/peers
 * GET /v1/routes/available/{ipv4|ipv6}/unicast[?peer=ADDR]
 * GET /v1/routes/advertised/{ipv4|ipv6}/unicast[?peer=ADDR]
 * GET /v1/route-policies
 * GET /v1/explain?prefix=PREFIX
 * GET /v1/status
 * GET /metrics            (when a registry is given)
 * ```
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { parseAfiName } from '../attributes.js';
import type { Agent } from './agent.js';

/** Default API address of the agent (and of `bgp`). */
export const DEFAULT_API = '127.0.0.1:9965';

/** Splits `host:port` (`[v6]:port` too). */
export function parseHostPort(text: string): { readonly host: string; readonly port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(text);
  if (!m) throw new RangeError(`"${text}" is not HOST:PORT`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

/** Answers one API request; exported so that tests and embedders can call it without a socket. */
export async function handleApi(
  agent: Agent,
  method: string,
  url: string,
  registry?: Registry,
): Promise<{ status: number; type: string; body: string }> {
  const json = (status: number, value: unknown) => ({
    status,
    type: 'application/json',
    body: `${JSON.stringify(value, null, 2)}\n`,
  });
  if (method !== 'GET') return json(405, { error: 'only GET' });
  const u = new URL(url, 'http://agent');
  const parts = u.pathname.split('/').filter(Boolean);
  const s = agent.speaker;
  try {
    if (u.pathname === '/metrics' && registry)
      return { status: 200, type: registry.contentType, body: await registry.metrics() };
    if (parts[0] !== 'v1') return json(404, { error: `no ${u.pathname}` });
    switch (parts[1]) {
      case 'peers':
        return json(200, s.peers());
      case 'routes': {
        const afi = parseAfiName(parts[3] ?? 'ipv4');
        if (afi === undefined || (parts[4] ?? 'unicast') !== 'unicast')
          return json(400, { error: 'family must be ipv4|ipv6 unicast' });
        const peer = u.searchParams.get('peer') ?? undefined;
        if (parts[2] === 'available')
          return json(
            200,
            s.routes(afi).filter((r) => peer === undefined || r.peer === peer),
          );
        if (parts[2] === 'received') return json(200, s.received(afi, peer));
        if (parts[2] === 'advertised') return json(200, s.advertised(afi, peer));
        return json(400, { error: 'table must be available|advertised|received' });
      }
      case 'route-policies':
        return json(200, agent.routePolicies());
      case 'explain': {
        const prefix = u.searchParams.get('prefix');
        if (!prefix) return json(400, { error: 'prefix= is required' });
        return json(200, s.explain(prefix));
      }
      case 'status':
        return json(200, agent.status());
      default:
        return json(404, { error: `no ${u.pathname}` });
    }
  } catch (err) {
    return json(400, { error: (err as Error).message });
  }
}

/**
 * Serves the API of an agent.
 *
 * @example
 * ```ts
 * const server = await serveApi(agent, parseHostPort('127.0.0.1:9965'));
 * ```
 */
export function serveApi(
  agent: Agent,
  at: { readonly host: string; readonly port: number },
  registry?: Registry,
): Promise<Server> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handleApi(agent, req.method ?? 'GET', req.url ?? '/', registry).then(
      (r) => {
        res.writeHead(r.status, { 'content-type': r.type });
        res.end(r.body);
      },
      (err: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(err) }));
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
