/**
 * bgp-agent against real gobgpd top-of-rack peers: what arrives at the daemon, read from
 * gobgp's own JSON, is exactly what @bgp/policy rendered; YAML edits add and withdraw the
 * difference; a malformed file changes nothing; graceful restart keeps the routes at the
 * daemon; conflicting ClusterConfigs leave the node without sessions.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@bgp/speaker';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterYaml, E2E_NEXT_HOP as NEXT_HOP, startTorPair } from './e2e-cluster.js';
import {
  daemonMissing,
  daemonScope,
  type GobgpDaemon,
  waitFor,
  waitForEstablished,
  waitForRoutes,
} from './interop/harness/index.js';

const missing = daemonMissing('gobgp');

interface GobgpAttr {
  type: number;
  value?: unknown;
  communities?: number[];
  nexthop?: string;
}

/** Routes at gobgpd from `from`, with the attributes we check, from `gobgp global rib -j`. */
async function ribAt(d: GobgpDaemon, from: string) {
  const rib = JSON.parse(await d.cli('global', 'rib', '-a', 'ipv4', '-j')) as Record<
    string,
    { 'neighbor-ip'?: string; stale?: boolean; attrs?: GobgpAttr[] }[]
  >;
  const out: Record<
    string,
    {
      nextHop?: string;
      communities: string[];
      largeCommunities: string[];
      localPref?: number;
      stale: boolean;
    }
  > = {};
  for (const [prefix, paths] of Object.entries(rib))
    for (const p of paths) {
      if (p['neighbor-ip'] !== from) continue;
      const attrs = p.attrs ?? [];
      const lp = attrs.find((a) => a.type === 5)?.value as number | undefined;
      // GoBGP marshals its LargeCommunity struct without JSON tags.
      const large = (attrs.find((a) => a.type === 32)?.value ?? []) as {
        ASN: number;
        LocalData1: number;
        LocalData2: number;
      }[];
      out[prefix] = {
        nextHop: attrs.find((a) => a.type === 3)?.nexthop,
        communities: (attrs.find((a) => a.type === 8)?.communities ?? []).map(
          (c) => `${c >>> 16}:${c & 0xffff}`,
        ),
        largeCommunities: large.map((l) => `${l.ASN}:${l.LocalData1}:${l.LocalData2}`),
        ...(lp !== undefined ? { localPref: lp } : {}),
        stale: !!p.stale,
      };
    }
  return out;
}

describe.skipIf(missing !== undefined)(
  `bgp-agent with gobgpd ToRs${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const scope = daemonScope();
    const dir = mkdtempSync(join(tmpdir(), 'bgp-e2e-'));
    afterAll(async () => {
      await scope.stopAll();
      rmSync(dir, { recursive: true, force: true });
    });

    it('advertises exactly the rendered routes, applies YAML edits as a difference, survives bad files and restarts', async () => {
      const { local, tor, rr, torAddress, rrAddress, base } = await startTorPair(scope, 'gobgp', {
        gracefulRestart: { restartTime: 60 },
      });
      const file = join(dir, 'cluster.yaml');
      writeFileSync(file, clusterYaml(base));
      let agent = new Agent({
        files: [file],
        node: 'worker-1',
        watch: false,
        nextHop: { ipv4: NEXT_HOP },
      });
      let downs = 0;
      agent.speaker.on('peer:down', () => downs++);
      const first = await agent.start();
      expect(first.errors).toEqual([]);
      await Promise.all([waitForEstablished(tor, local), waitForEstablished(rr, local)]);

      // 1. Exactly the rendered routes with the rendered attributes, as gobgpd stores them.
      const rendered = (address: string) =>
        agent.routePolicies().filter((e) => e.peerAddress === address);
      const expectRendered = async (d: GobgpDaemon, address: string, ibgp: boolean) => {
        const want = rendered(address);
        await waitForRoutes(
          d,
          want.map((e) => e.prefix),
          { from: local, timeoutMs: 10_000 },
        );
        const got = await ribAt(d, local);
        for (const e of want) {
          const a = e.attributes as {
            communities: string[];
            largeCommunities: string[];
            localPref?: number;
          };
          expect(got[e.prefix], e.prefix).toEqual({
            nextHop: NEXT_HOP,
            communities: a.communities,
            largeCommunities: a.largeCommunities,
            ...(ibgp ? { localPref: a.localPref } : {}),
            stale: false,
          });
        }
        return got;
      };
      const torRoutes = await expectRendered(tor, torAddress, false);
      expect(torRoutes['203.0.113.0/32']?.communities).toEqual(['65001:200', '65535:65281']);
      expect(torRoutes['10.244.1.0/24']?.communities).toEqual(['65001:100']);
      const rrRoutes = await expectRendered(rr, rrAddress, true);
      expect(rrRoutes['203.0.113.0/32']?.localPref).toBe(200);
      expect(rrRoutes['10.244.1.0/24']?.localPref).toBe(100);

      // 2. Edit: one more service (announce), pod CIDR no longer to the ToR (withdraw); no reset.
      const sent: string[] = [];
      agent.speaker.on('routes:sent', (e) =>
        sent.push(
          ...e.announced.map((p) => `${e.name}+${p}`),
          ...e.withdrawn.map((p) => `${e.name}-${p}`),
        ),
      );
      writeFileSync(file, clusterYaml({ ...base, podAdvert: false, extraService: true }));
      expect((await agent.reconcile()).applied).toBe(true);
      await waitForRoutes(tor, ['203.0.113.0/32', '203.0.113.1/32'], {
        from: local,
        timeoutMs: 10_000,
      });
      await waitForRoutes(rr, ['203.0.113.0/32', '203.0.113.1/32', '10.244.1.0/24'], {
        from: local,
        timeoutMs: 10_000,
      });
      expect(sent.sort()).toEqual(['rr+203.0.113.1/32', 'tor+203.0.113.1/32', 'tor-10.244.1.0/24']);
      await expectRendered(tor, torAddress, false);
      expect(downs).toBe(0);

      // 3. A malformed file: error in status, sessions and routes untouched.
      writeFileSync(file, clusterYaml({ ...base, broken: true }));
      const bad = await agent.reconcile();
      expect(bad.applied).toBe(false);
      expect(agent.status().errors.join('\n')).toMatch(/YAML/);
      expect(agent.speaker.peers().map((p) => p.sessionState)).toEqual([
        'Established',
        'Established',
      ]);
      expect(Object.keys(await ribAt(tor, local)).sort()).toEqual([
        '203.0.113.0/32',
        '203.0.113.1/32',
      ]);

      // 4. Graceful restart: stop without NOTIFICATION, the daemon keeps the routes (stale); the
      //    new agent drops the extra service, and after its End-of-RIB the stale one is swept.
      writeFileSync(file, clusterYaml({ ...base, podAdvert: false, extraService: true }));
      // Poll the daemon through the whole restart: the kept route must never disappear there.
      const samples: string[][] = [];
      let polling = true;
      const poller = (async () => {
        while (polling) {
          samples.push(Object.keys(await ribAt(tor, local)));
          await new Promise((r) => setTimeout(r, 50));
        }
      })();
      await agent.stop({ graceful: true });
      await waitFor(
        async () => Object.values(await ribAt(tor, local)).every((r) => r.stale) || undefined,
        { what: 'stale routes at gobgpd', timeoutMs: 10_000 },
      );
      expect(Object.keys(await ribAt(tor, local)).sort()).toEqual([
        '203.0.113.0/32',
        '203.0.113.1/32',
      ]);
      writeFileSync(file, clusterYaml({ ...base, podAdvert: false, extraService: false }));
      agent = new Agent({
        files: [file],
        node: 'worker-1',
        watch: false,
        nextHop: { ipv4: NEXT_HOP },
        restarting: true,
      });
      await agent.start();
      await waitForEstablished(tor, local, 15_000);
      await waitForRoutes(tor, ['203.0.113.0/32'], { from: local, timeoutMs: 15_000 });
      expect((await ribAt(tor, local))['203.0.113.0/32']?.stale).toBe(false);
      polling = false;
      await poller;
      expect(samples.length).toBeGreaterThan(5);
      expect(samples.filter((k) => !k.includes('203.0.113.0/32'))).toEqual([]);

      // 5. Conflicting ClusterConfigs: no sessions on the node, the condition in status.
      writeFileSync(file, clusterYaml({ ...base, conflict: true }));
      expect((await agent.reconcile()).applied).toBe(true);
      expect(agent.speaker.peers()).toEqual([]);
      const st = agent.status();
      expect(st.source).toBeNull();
      expect(st.conditions.map((c) => `${c.object} ${c.type} ${c.status}`)).toContain(
        'CiliumBGPClusterConfig/rack1 cilium.io/ConflictingClusterConfig True',
      );
      expect(st.warnings.join('\n')).toMatch(/several CiliumBGPClusterConfigs/);
      await waitFor(
        async () => ((await tor.peer(local))?.state !== 'Established' ? true : undefined),
        { what: 'gobgpd to see the session end', timeoutMs: 10_000 },
      );
      await agent.stop();
    });
  },
);
