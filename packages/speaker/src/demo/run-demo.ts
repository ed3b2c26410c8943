/**
 * The demo behind `npm start`: a bgp-agent for one node of the example cluster, peered with two
 * "top-of-rack" speakers built from the same library on 127.0.0.x, an eBGP ToR and an iBGP route
 * reflector. It waits for the sessions and the routes, prints the `bgp peers` table and what
 * each ToR received, and says where to go next.
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '../agent/agent.js';
import { parseHostPort, serveApi } from '../agent/api.js';
import { communityName, peersTable } from '../agent/format.js';
import { Speaker } from '../speaker.js';
import { acceptAll, type Logger } from '../types.js';
import {
  type DemoTor,
  haveProgram,
  startBirdTor,
  startGobgpTor,
  type TorRoute,
} from './daemon-tor.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** The cluster YAML (examples/demo/cluster.yaml). */
  readonly file: string;
  /** Node to run (default worker-1). */
  readonly node?: string;
  /** Address of the eBGP ToR (default 127.0.0.2, as in the YAML). */
  readonly torAddress?: string;
  /** Address of the iBGP route reflector (default 127.0.0.3, as in the YAML). */
  readonly rrAddress?: string;
  /** Port both ToRs listen on (default 11179, as in the YAML). */
  readonly port?: number;
  /** Address the agent connects from (default 127.0.0.1). */
  readonly nodeAddress?: string;
  /** Give up after this many milliseconds (default 10 000). */
  readonly timeoutMs?: number;
  /** Where to print (default stdout). */
  readonly out?: (line: string) => void;
  /** Agent logs (default silent). */
  readonly logger?: Logger;
  /** Play the ToRs with a real daemon instead of our own speakers (when installed). */
  readonly daemon?: 'gobgpd' | 'bird';
  /**
   * Keep running with the agent's API on this address (`bgp` talks to it) and the file watched,
   * until SIGINT or SIGTERM.
   */
  readonly keep?: string;
}

/** The result of a demo run. */
export interface DemoResult {
  /** 0 on success. */
  readonly exitCode: number;
  /** Why it failed, when it did. */
  readonly reason?: string;
  /** Routes each ToR received: ToR name to prefix to attributes. */
  readonly received: Readonly<Record<string, readonly TorRoute[]>>;
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Runs the demo; never throws for an expected failure (busy port, timeout): see `reason`. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const out = options.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const node = options.node ?? 'worker-1';
  const torAddress = options.torAddress ?? '127.0.0.2';
  const rrAddress = options.rrAddress ?? '127.0.0.3';
  const port = options.port ?? 11179;
  const nodeAddress = options.nodeAddress ?? '127.0.0.1';
  const timeoutMs = options.timeoutMs ?? 10_000;
  // The YAML names 127.0.0.2/.3 and port 11179; other addresses (tests) go into a copy.
  const dir = mkdtempSync(join(tmpdir(), 'bgp-demo-'));
  const custom = torAddress !== '127.0.0.2' || rrAddress !== '127.0.0.3' || port !== 11179;
  const file = custom ? join(dir, 'cluster.yaml') : options.file;
  if (custom)
    writeFileSync(
      file,
      readFileSync(options.file, 'utf8')
        .replaceAll('peerAddress: 127.0.0.2', `peerAddress: ${torAddress}`)
        .replaceAll('peerAddress: 127.0.0.3', `peerAddress: ${rrAddress}`)
        .replaceAll('peerPort: 11179', `peerPort: ${port}`),
    );
  const specs = [
    {
      name: 'tor-a',
      address: torAddress,
      asn: 65100,
      routerId: '10.0.0.2',
      kind: 'eBGP top-of-rack',
    },
    {
      name: 'rr',
      address: rrAddress,
      asn: 65001,
      routerId: '10.0.0.3',
      kind: 'iBGP route reflector',
    },
  ];
  const daemon = options.daemon;
  // GoBGP treats a loopback next hop as invalid and drops the route: advertise a documentation
  // address instead when a daemon plays the ToRs (no traffic is sent anywhere).
  const agent = new Agent(
    {
      files: [file],
      node,
      watch: options.keep !== undefined,
      ...(daemon ? { nextHop: { ipv4: '192.0.2.11' } } : {}),
    },
    options.logger ? { logger: options.logger } : {},
  );
  const tors: (DemoTor & (typeof specs)[number])[] = [];
  const fail = async (reason: string): Promise<DemoResult> => {
    agent.speaker.destroy();
    for (const t of tors) await t.stop();
    rmSync(dir, { recursive: true, force: true });
    out(`demo failed: ${reason}`);
    return { exitCode: 1, reason, received: {} };
  };
  if (daemon === 'gobgpd' && !(await haveProgram('gobgpd')))
    return fail('gobgpd is not installed (apt-get install gobgpd, or run the demo without --peer)');
  if (daemon === 'bird' && !(await haveProgram('bird')))
    return fail('bird is not installed (apt-get install bird2, or run the demo without --peer)');
  try {
    for (const t of specs) {
      if (daemon !== undefined) {
        const tor = await (daemon === 'gobgpd' ? startGobgpTor : startBirdTor)(
          { ...t, port, node: { address: nodeAddress, asn: 65001 } },
          dir,
        );
        tors.push({ ...t, ...tor });
        continue;
      }
      const speaker = new Speaker({ import: acceptAll });
      await speaker.addInstance({
        name: t.name,
        asn: t.asn,
        routerId: t.routerId,
        listen: { host: t.address, port },
      });
      speaker.addPeer(t.name, {
        name: node,
        address: nodeAddress,
        asn: 65001,
        passive: true,
        gracefulRestart: { restartTime: 120 },
      });
      tors.push({
        ...t,
        routes: async () =>
          [...speaker.routes(1), ...speaker.routes(2)].map((x) => ({
            prefix: x.prefix,
            nextHop: x.nextHop,
            attributes: x.attributes,
          })),
        stop: async () => speaker.destroy(),
      });
      await speaker.start();
    }
  } catch (err) {
    return fail(
      `cannot start the ToRs on ${torAddress}/${rrAddress} port ${port}: ${(err as Error).message}`,
    );
  }
  const r = await agent.start();
  if (!r.applied) return fail(`the example cluster did not load: ${r.errors.join('; ')}`);
  const expected = new Map<string, number>();
  for (const e of agent.routePolicies())
    expected.set(e.peerAddress, (expected.get(e.peerAddress) ?? 0) + 1);
  const received: Record<string, TorRoute[]> = {};
  const done = async (): Promise<boolean> => {
    if (!agent.speaker.peers().every((p) => p.sessionState === 'Established')) return false;
    for (const t of tors) received[t.name] = await t.routes();
    return tors.every((t) => received[t.name]?.length === (expected.get(t.address) ?? 0));
  };
  if (!(await waitUntil(done, timeoutMs))) {
    const states = agent.speaker
      .peers()
      .map((p) => `${p.name} ${p.sessionState}${p.lastError ? ` (${p.lastError})` : ''}`);
    return fail(`sessions or routes not there after ${timeoutMs} ms: ${states.join(', ')}`);
  }
  const status = agent.status();
  out(`bgp-agent for node ${node} (${status.source?.kind}/${status.source?.name}), sessions up:\n`);
  out(peersTable(node, agent.speaker.peers()));
  for (const t of tors) {
    const routes = received[t.name] ?? [];
    out(`\n${t.name} (${daemon ?? 'our speaker'}, ${t.kind}, AS ${t.asn}, ${t.address}) received:`);
    for (const x of routes) {
      const a = x.attributes;
      const parts = [
        `next hop ${x.nextHop}`,
        `AS path [${a.asPath.join(' ')}]`,
        ...(a.localPref !== undefined ? [`LOCAL_PREF ${a.localPref}`] : []),
        ...(a.communities.length > 0
          ? [`communities ${a.communities.map(communityName).join(' ')}`]
          : []),
        ...(a.largeCommunities.length > 0 ? [`large ${a.largeCommunities.join(' ')}`] : []),
      ];
      out(`  ${x.prefix.padEnd(18)} ${parts.join(', ')}`);
    }
  }
  if (options.keep !== undefined) {
    const server = await serveApi(agent, parseHostPort(options.keep));
    out(
      `\nThe agent keeps running, API on http://${options.keep}. In another shell:\n` +
        `  npx bgp peers; npx bgp routes advertised ipv4 unicast; npx bgp explain 10.244.1.0/24; npx bgp status\n` +
        `Edit ${options.file} and the difference goes out. Ctrl-C stops.`,
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    server.close();
  } else {
    out(
      `\nNext: keep it running and ask the agent questions with the bgp CLI —\n` +
        `  npm start -- --keep        # then, in another shell: npx bgp peers; npx bgp routes advertised ipv4 unicast\n` +
        `and edit examples/demo/cluster.yaml while it runs. Guide: packages/speaker/README.md`,
    );
  }
  await agent.stop({ message: 'demo finished' });
  for (const t of tors) await t.stop();
  rmSync(dir, { recursive: true, force: true });
  return { exitCode: 0, received };
}
