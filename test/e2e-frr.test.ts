/**
 * bgp-agent against FRR bgpd top-of-rack peers: every rendered prefix arrives with exactly the
 * rendered communities, large communities, LOCAL_PREF (iBGP only) and next hop, read back from
 * bgpd's `show bgp ipv4 unicast PREFIX json`; a YAML edit adds and withdraws exactly the difference.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@bgp/speaker';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterYaml } from './e2e-cluster.js';
import {
  allocateLoopbackAddress,
  allocatePort,
  createDaemon,
  daemonMissing,
  daemonScope,
  type FrrDaemon,
  waitFor,
  waitForEstablished,
} from './interop/harness/index.js';

const missing = daemonMissing('frr');
const NEXT_HOP = '192.0.2.11';

interface FrrRoute {
  nextHop?: string;
  communities: string[];
  largeCommunities: string[];
  localPref?: number;
}

const WELL_KNOWN: Readonly<Record<string, string>> = {
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'local-AS': '65535:65283',
  blackhole: '65535:666',
};

interface FrrPath {
  peer?: { peerId?: string };
  nexthops?: { ip?: string }[];
  community?: { string?: string };
  largeCommunity?: { string?: string };
  locPrf?: number;
  localpref?: number;
}

/** The attributes we check, from `show bgp ipv4 unicast PREFIX json` for each prefix. */
async function ribAt(d: FrrDaemon, from: string): Promise<Record<string, FrrRoute>> {
  const table = JSON.parse(await d.vtysh('show bgp ipv4 unicast json')) as {
    routes?: Record<string, { peerId?: string }[]>;
  };
  const out: Record<string, FrrRoute> = {};
  for (const [prefix, paths] of Object.entries(table.routes ?? {})) {
    if (!paths.some((p) => p.peerId === from)) continue;
    const detail = JSON.parse(await d.vtysh(`show bgp ipv4 unicast ${prefix} json`)) as {
      paths?: FrrPath[];
    };
    const p = detail.paths?.find((x) => x.peer?.peerId === from);
    if (!p) continue;
    const lp = p.localpref ?? p.locPrf;
    out[prefix] = {
      ...(p.nexthops?.[0]?.ip ? { nextHop: p.nexthops[0].ip } : {}),
      communities: (p.community?.string ?? '')
        .split(' ')
        .filter(Boolean)
        .map((c) => WELL_KNOWN[c] ?? c),
      largeCommunities: (p.largeCommunity?.string ?? '').split(' ').filter(Boolean),
      ...(lp !== undefined ? { localPref: lp } : {}),
    };
  }
  return out;
}

describe.skipIf(missing !== undefined)(
  `bgp-agent with FRR ToRs${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const scope = daemonScope();
    const dir = mkdtempSync(join(tmpdir(), 'bgp-e2e-frr-'));
    afterAll(async () => {
      await scope.stopAll();
      rmSync(dir, { recursive: true, force: true });
    });

    it('advertises exactly the rendered routes and applies a YAML edit as a difference', async () => {
      const local = allocateLoopbackAddress();
      const torAddress = allocateLoopbackAddress();
      const rrAddress = allocateLoopbackAddress();
      const peer = { address: local, port: await allocatePort(local), passive: true };
      const tor = scope.add(
        await createDaemon('frr', {
          routerId: '10.0.0.2',
          asn: 65100,
          address: torAddress,
          peers: [{ ...peer, asn: 65001 }],
        }),
      );
      const rr = scope.add(
        await createDaemon('frr', {
          routerId: '10.0.0.3',
          asn: 65001,
          address: rrAddress,
          peers: [{ ...peer, asn: 65001 }],
        }),
      );
      await Promise.all([tor.start(), rr.start()]);
      const file = join(dir, 'cluster.yaml');
      const base = {
        tor: torAddress,
        rr: rrAddress,
        torPort: tor.port,
        rrPort: rr.port,
        local,
        podAdvert: true,
        extraService: false,
      };
      writeFileSync(file, clusterYaml(base));
      const agent = new Agent({
        files: [file],
        node: 'worker-1',
        watch: false,
        nextHop: { ipv4: NEXT_HOP },
      });
      try {
        expect((await agent.start()).errors).toEqual([]);
        await Promise.all([waitForEstablished(tor, local), waitForEstablished(rr, local)]);
        const check = async (d: FrrDaemon, address: string, ibgp: boolean) => {
          const want = agent.routePolicies().filter((e) => e.peerAddress === address);
          const got = await waitFor(
            async () => {
              const r = await ribAt(d, local);
              return Object.keys(r).sort().join() ===
                want
                  .map((e) => e.prefix)
                  .sort()
                  .join()
                ? r
                : undefined;
            },
            { what: `bgpd ${address} to hold the rendered routes`, timeoutMs: 10_000 },
          );
          for (const e of want) {
            const a = e.attributes as {
              communities: string[];
              largeCommunities: string[];
              localPref?: number;
            };
            // bgpd reports LOCAL_PREF only when one was received: none from us over eBGP.
            const { localPref, ...rest } = got[e.prefix] ?? {
              communities: [],
              largeCommunities: [],
            };
            expect(rest, e.prefix).toEqual({
              nextHop: NEXT_HOP,
              communities: a.communities,
              largeCommunities: a.largeCommunities,
            });
            expect(localPref, e.prefix).toBe(ibgp ? a.localPref : undefined);
          }
          return got;
        };
        expect((await check(tor, torAddress, false))['203.0.113.0/32']?.communities).toEqual([
          '65001:200',
          '65535:65281',
        ]);
        expect((await check(rr, rrAddress, true))['203.0.113.0/32']?.localPref).toBe(200);
        writeFileSync(file, clusterYaml({ ...base, podAdvert: false, extraService: true }));
        expect((await agent.reconcile()).applied).toBe(true);
        expect(Object.keys(await check(tor, torAddress, false)).sort()).toEqual([
          '203.0.113.0/32',
          '203.0.113.1/32',
        ]);
        expect(Object.keys(await check(rr, rrAddress, true)).sort()).toEqual([
          '10.244.1.0/24',
          '203.0.113.0/32',
          '203.0.113.1/32',
        ]);
      } finally {
        await agent.stop();
      }
    });
  },
);
