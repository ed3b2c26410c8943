/**
 * bgp-agent against BIRD 2 top-of-rack peers: every rendered prefix arrives with exactly the
 * rendered communities, large communities, LOCAL_PREF (iBGP only) and next hop, read back from
 * `birdc show route all`; a YAML edit adds and withdraws exactly the difference.
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
  type BirdDaemon,
  createDaemon,
  daemonMissing,
  daemonScope,
  waitFor,
  waitForEstablished,
} from './interop/harness/index.js';

const missing = daemonMissing('bird');
const NEXT_HOP = '192.0.2.11';

interface BirdRoute {
  nextHop?: string;
  communities: string[];
  largeCommunities: string[];
  localPref?: number;
}

/** Parses the attributes we check out of `birdc show route all protocol NAME`. */
async function ribAt(d: BirdDaemon, from: string): Promise<Record<string, BirdRoute>> {
  const text = await d.birdc('show', 'route', 'all', 'protocol', d.protocolName(from));
  const out: Record<string, BirdRoute> = {};
  let cur: BirdRoute | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\d+\.\d+\.\d+\.\d+\/\d+)\s/.exec(line);
    if (head?.[1]) {
      cur = { communities: [], largeCommunities: [] };
      out[head[1]] = cur;
      continue;
    }
    if (!cur) continue;
    const m = /^\s*BGP\.(\w+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value = ''] = m;
    if (key === 'next_hop') cur.nextHop = value.split(/\s+/)[0];
    else if (key === 'local_pref') cur.localPref = Number(value);
    else if (key === 'community')
      cur.communities = [...value.matchAll(/\((\d+),\s*(\d+)\)/g)].map((x) => `${x[1]}:${x[2]}`);
    else if (key === 'large_community')
      cur.largeCommunities = [...value.matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map(
        (x) => `${x[1]}:${x[2]}:${x[3]}`,
      );
  }
  return out;
}

describe.skipIf(missing !== undefined)(
  `bgp-agent with BIRD ToRs${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const scope = daemonScope();
    const dir = mkdtempSync(join(tmpdir(), 'bgp-e2e-bird-'));
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
        await createDaemon('bird', {
          routerId: '10.0.0.2',
          asn: 65100,
          address: torAddress,
          peers: [{ ...peer, asn: 65001 }],
        }),
      );
      const rr = scope.add(
        await createDaemon('bird', {
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
        const check = async (d: BirdDaemon, address: string, ibgp: boolean) => {
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
            { what: `bird ${address} to hold the rendered routes`, timeoutMs: 10_000 },
          );
          for (const e of want) {
            const a = e.attributes as {
              communities: string[];
              largeCommunities: string[];
              localPref?: number;
            };
            // BIRD gives eBGP routes its default LOCAL_PREF 100 on import, so an eBGP route shows 100
            // whether or not one was sent (the gobgpd test checks that none is).
            const { localPref, ...rest } = got[e.prefix] ?? {
              communities: [],
              largeCommunities: [],
            };
            expect(rest, e.prefix).toEqual({
              nextHop: NEXT_HOP,
              communities: a.communities,
              largeCommunities: a.largeCommunities,
            });
            expect(localPref, e.prefix).toBe(ibgp ? a.localPref : 100);
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
