/**
 * bgp-agent (in-process, real TCP on 127/8) with its HTTP API, Prometheus metrics, file watcher,
 * and the `bgp` CLI reading the API; the ToRs are speakers from the same library.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  acceptAll,
  bgpMain,
  parseAgentArgs,
  type RunningAgent,
  runAgent,
  Speaker,
} from '@bgp/speaker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateLoopbackAddress, allocatePort, waitFor } from './interop/harness/index.js';

const DEMO = readFileSync(
  fileURLToPath(new URL('../examples/demo/cluster.yaml', import.meta.url)),
  'utf8',
);
const quiet = { info() {}, warn() {}, error() {} };

describe('bgp-agent, its API and metrics, and the bgp CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bgp-agent-'));
  const file = join(dir, 'cluster.yaml');
  const tor = allocateLoopbackAddress();
  const rr = allocateLoopbackAddress();
  const host = allocateLoopbackAddress();
  let port = 0;
  let api = '';
  let metrics = '';
  let running: RunningAgent;
  const tors: Speaker[] = [];
  const yaml = (text: string) =>
    text.replaceAll('127.0.0.2', tor).replaceAll('127.0.0.3', rr).replaceAll('11179', String(port));
  const bgp = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await bgpMain(['--api', api, ...argv], (t) => lines.push(t));
    return { code, text: lines.join('\n') };
  };

  beforeAll(async () => {
    port = await allocatePort(tor);
    api = `${host}:${await allocatePort(host)}`;
    metrics = `${host}:${await allocatePort(host)}`;
    for (const [address, asn, name] of [
      [tor, 65100, 'tor'],
      [rr, 65001, 'rr'],
    ] as const) {
      const s = new Speaker({ import: acceptAll });
      await s.addInstance({
        name,
        asn,
        routerId: asn === 65100 ? '10.0.0.2' : '10.0.0.3',
        listen: { host: address, port },
      });
      s.addPeer(name, { address: '127.0.0.1', asn: 65001, passive: true });
      await s.start();
      tors.push(s);
    }
    writeFileSync(file, yaml(DEMO));
    running = await runAgent(
      parseAgentArgs(['-f', file, '--node', 'worker-1', '--api', api, '--metrics', metrics]),
      quiet,
    );
    await waitFor(() => tors.every((t) => t.routes(1).length === 3) || undefined, {
      what: 'routes at both ToRs',
      timeoutMs: 10_000,
    });
  });
  afterAll(async () => {
    await running?.close(false);
    for (const t of tors) t.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("bgp peers: a Cilium-shaped table, and JSON with the issue's field names", async () => {
    const t = await bgp('peers');
    expect(t.code).toBe(0);
    expect(t.text.split('\n')[0]).toMatch(
      /^Node\s+Local AS\s+Peer AS\s+Peer Address\s+Session State\s+Uptime\s+Family\s+Received\s+Advertised$/,
    );
    expect(t.text).toMatch(
      new RegExp(
        `worker-1\\s+65001\\s+65100\\s+${tor}:${port}\\s+established\\s+\\d+s\\s+ipv4/unicast\\s+0\\s+3`,
      ),
    );
    const j = await bgp('peers', '-o', 'json');
    const peers = JSON.parse(j.text) as Record<string, unknown>[];
    expect(peers).toHaveLength(2);
    expect(peers[0]).toMatchObject({
      name: 'tor-a',
      peerAddress: tor,
      peerASN: 65100,
      localASN: 65001,
      sessionState: 'Established',
      holdTime: 90,
      keepalive: 30,
      families: [{ afi: 'ipv4', safi: 'unicast', received: 0, accepted: 0, advertised: 3 }],
    });
    expect(peers[0]!.capabilities).toContain('4-octet-as');
    expect(typeof peers[0]!.uptimeSeconds).toBe('number');
  });

  it('bgp routes available / advertised, route-policies, explain, status', async () => {
    const avail = JSON.parse(
      (await bgp('routes', 'available', 'ipv4', 'unicast', '-o', 'json')).text,
    ) as Record<string, unknown>[];
    expect(avail.map((r) => [r.prefix, r.peer, r.best, r.nextHop])).toEqual([
      ['10.244.1.0/24', null, true, null],
      ['203.0.113.0/32', null, true, null],
      ['203.0.113.1/32', null, true, null],
    ]);
    const adv = JSON.parse(
      (await bgp('routes', 'advertised', 'ipv4', 'unicast', '--peer', tor, '-o', 'json')).text,
    ) as {
      peerAddress: string;
      routes: { prefix: string; nextHop: string; attributes: { communities: string[] } }[];
    }[];
    expect(adv).toHaveLength(1);
    expect(adv[0]!.routes.find((r) => r.prefix === '203.0.113.0/32')).toMatchObject({
      nextHop: '127.0.0.1',
      attributes: {
        asPath: [65001],
        communities: ['65001:200', '65535:65281'],
        largeCommunities: ['65001:1:1'],
      },
    });
    const advText = (await bgp('routes', 'advertised', 'ipv4', 'unicast')).text;
    expect(advText.split('\n')[0]).toMatch(/^Node\s+VRouter\s+Peer\s+Prefix\s+NextHop\s+Attrs$/);
    expect(advText).toContain('{Communities: 65001:200, no-export}');
    expect((await bgp('routes', 'available', 'ipv4', 'unicast')).text).toMatch(
      /worker-1\s+65001\s+10\.244\.1\.0\/24\s+0\.0\.0\.0/,
    );
    const pol = (await bgp('route-policies')).text;
    expect(pol).toMatch(
      /rack1\s+tor-a .*203\.0\.113\.0\/32\s+AddCommunities: \[65001:200 65535:65281\], AddLargeCommunities: \[65001:1:1\]/,
    );
    expect(pol).toMatch(/rr .*203\.0\.113\.0\/32\s+SetLocalPreference: 200/);
    const ex = JSON.parse((await bgp('explain', '10.244.1.0/24', '-o', 'json')).text) as {
      best: boolean;
      peer: null;
    }[];
    expect(ex).toEqual([expect.objectContaining({ best: true, peer: null })]);
    const st = await bgp('status');
    expect(st.text).toMatch(/Configured:\s+CiliumBGPClusterConfig\/rack1/);
    expect(st.text).toMatch(/Instance:\s+rack1 AS 65001 router ID 192\.168\.1\.11, 2 peer\(s\)/);
  });

  it("serves Prometheus metrics with Cilium's names and labels", async () => {
    const text = await (await fetch(`http://${metrics}/metrics`)).text();
    expect(text).toContain(
      `cilium_bgp_control_plane_session_state{vrouter="65001",neighbor="${tor}:${port}",neighbor_asn="65100"} 1`,
    );
    expect(text).toContain(
      `cilium_bgp_control_plane_advertised_routes{vrouter="65001",neighbor="${rr}:${port}",neighbor_asn="65001",afi="ipv4",safi="unicast"} 3`,
    );
    expect(text).toContain(
      `cilium_bgp_control_plane_received_routes{vrouter="65001",neighbor="${tor}:${port}",neighbor_asn="65100",afi="ipv4",safi="unicast"} 0`,
    );
    expect(text).toMatch(
      /cilium_bgp_control_plane_reconcile_run_duration_seconds_count\{component="agent",outcome="success"\} 1/,
    );
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('watches the file: an edit announces and withdraws only the difference; a bad file keeps everything', async () => {
    const torSpeaker = tors[0]!;
    // Drop the pod CIDR advertisement towards the ToR, add a service.
    const edited = yaml(DEMO)
      .replace(
        '    - advertisementType: PodCIDR\n      attributes:\n        communities: { standard: ["65001:100"] }\n',
        '',
      )
      .concat(
        '\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: admin\n  namespace: shop\n  labels: { bgp-announce: "true" }\nspec:\n  type: LoadBalancer\n  clusterIP: 10.96.10.9\n  ports: [{ port: 9000 }]\n',
      );
    writeFileSync(file, edited);
    await waitFor(
      () =>
        torSpeaker
          .routes(1)
          .map((r) => r.prefix)
          .sort()
          .join() === '203.0.113.0/32,203.0.113.1/32,203.0.113.2/32'
          ? true
          : undefined,
      { what: 'the edit at the ToR', timeoutMs: 10_000 },
    );
    expect(
      tors[1]!
        .routes(1)
        .map((r) => r.prefix)
        .sort(),
    ).toEqual(['10.244.1.0/24', '203.0.113.0/32', '203.0.113.1/32', '203.0.113.2/32']);
    expect(
      running.agent.speaker
        .peers()
        .every((p) => p.sessionState === 'Established' && p.uptimeSeconds >= 0),
    ).toBe(true);
    writeFileSync(file, 'kind: [broken\n');
    await waitFor(() => (running.agent.status().errors.length > 0 ? true : undefined), {
      what: 'the error in status',
      timeoutMs: 10_000,
    });
    const st = await bgp('status', '-o', 'json');
    expect(JSON.parse(st.text).errors[0]).toMatch(/YAML/);
    expect(torSpeaker.routes(1)).toHaveLength(3);
    expect(running.agent.speaker.peers().map((p) => p.sessionState)).toEqual([
      'Established',
      'Established',
    ]);
  });

  it('a timer change resets that session alone', async () => {
    const downs: string[] = [];
    running.agent.speaker.on('peer:down', (e) => downs.push(e.name));
    writeFileSync(
      file,
      yaml(DEMO).replace(
        'timers: { connectRetryTimeSeconds: 5, holdTimeSeconds: 90',
        'timers: { connectRetryTimeSeconds: 5, holdTimeSeconds: 60',
      ),
    );
    await waitFor(
      () =>
        running.agent.speaker
          .peers()
          .find((p) => p.name === 'tor-a' && p.sessionState === 'Established' && p.holdTime === 60)
          ? true
          : undefined,
      { what: 'tor-a back with hold time 60', timeoutMs: 15_000 },
    );
    expect(downs).toEqual(['tor-a']);
    expect(running.agent.speaker.peers().find((p) => p.name === 'rr')).toMatchObject({
      sessionState: 'Established',
      holdTime: 90,
    });
    await waitFor(() => (tors[0]!.routes(1).length === 3 ? true : undefined), {
      what: 'routes back at the ToR',
      timeoutMs: 10_000,
    });
  });

  it('bgp reports an unreachable agent and bad usage', async () => {
    const lines: string[] = [];
    const dead = `${host}:${await allocatePort(host)}`;
    const errs: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((s: string) => errs.push(String(s)) > 0) as typeof process.stderr.write;
    try {
      expect(await bgpMain(['--api', dead, 'peers'], (t) => lines.push(t))).toBe(1);
    } finally {
      process.stderr.write = write;
    }
    expect(errs.join('')).toContain(`cannot reach bgp-agent at ${dead}`);
    expect((await bgp('frobnicate')).code).toBe(2);
    expect(() => parseAgentArgs(['--node', 'x'])).toThrow(/-f FILE/);
    expect(() => parseAgentArgs(['-f', 'a.yaml'])).toThrow(/--node/);
    expect(
      parseAgentArgs(['-f', 'a', '--node', 'n', '--no-graceful', '--next-hop', '192.0.2.1']),
    ).toMatchObject({ graceful: false, nextHop: { ipv4: '192.0.2.1' } });
  });
});
