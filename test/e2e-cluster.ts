/**
 * The cluster the end-to-end tests run bgp-agent on: node worker-1 with an eBGP ToR (AS 65100)
 * and an iBGP route reflector (AS 65001), pod CIDR and LoadBalancer advertisements with
 * communities, no-export, large communities and LOCAL_PREF; variants for edits, conflicts and a
 * malformed file.
 *
 * @module
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@bgp/speaker';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allocateLoopbackAddress,
  allocatePort,
  createDaemon,
  type DaemonOf,
  type DaemonScope,
  daemonMissing,
  daemonScope,
  waitFor,
  waitForEstablished,
} from './interop/harness/index.js';
import type { DaemonKind, PeerConfig } from './interop/harness/types.js';

/** The next hop the agent sets on every route in these tests (gobgpd refuses loopback ones). */
export const E2E_NEXT_HOP = '192.0.2.11';

/** Options of {@link clusterYaml}. */
export interface ClusterYamlOptions {
  /** ToR address. */
  readonly tor: string;
  /** Route reflector address. */
  readonly rr: string;
  /** ToR port. */
  readonly torPort: number;
  /** Route reflector port. */
  readonly rrPort: number;
  /** Our source address (NodeConfigOverride localAddress). */
  readonly local: string;
  /** Advertise the pod CIDR to the ToR. */
  readonly podAdvert: boolean;
  /** Add a second LoadBalancer service. */
  readonly extraService: boolean;
  /** Add a second ClusterConfig selecting the node. */
  readonly conflict?: boolean;
  /** Return malformed YAML instead. */
  readonly broken?: boolean;
  /** TCP-MD5: PeerConfigs name Secret `bgp-auth` in kube-system, which holds this password. */
  readonly md5Password?: string;
}

/** The YAML text. */
export function clusterYaml(o: {
  tor: string;
  rr: string;
  torPort: number;
  rrPort: number;
  local: string;
  podAdvert: boolean;
  extraService: boolean;
  conflict?: boolean;
  broken?: boolean;
  md5Password?: string;
}): string {
  if (o.broken) return 'apiVersion: v1\nkind: Node\nmetadata: [unclosed\n';
  const doc = (s: string) => s.trim();
  return [
    doc(`
apiVersion: v1
kind: Node
metadata: { name: worker-1, labels: { bgp: rack1 } }
spec: { podCIDRs: ["10.244.1.0/24"] }
status: { addresses: [{ type: InternalIP, address: 192.168.1.11 }] }`),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumNode
metadata: { name: worker-1, labels: { bgp: rack1 } }
spec: { addresses: [{ type: InternalIP, ip: 192.168.1.11 }], ipam: { podCIDRs: ["10.244.1.0/24"] } }`),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPClusterConfig
metadata: { name: rack1 }
spec:
  nodeSelector: { matchLabels: { bgp: rack1 } }
  bgpInstances:
    - name: rack1
      localASN: 65001
      peers:
        - { name: tor, peerASN: 65100, peerAddress: ${o.tor}, peerConfigRef: { name: tor } }
        - { name: rr, peerASN: 65001, peerAddress: ${o.rr}, peerConfigRef: { name: rr } }`),
    ...(o.conflict
      ? [
          doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPClusterConfig
metadata: { name: rack1-again }
spec:
  nodeSelector: { matchLabels: { bgp: rack1 } }
  bgpInstances: [{ name: other, localASN: 65009, peers: [] }]`),
        ]
      : []),
    ...(o.md5Password !== undefined
      ? [
          doc(`
apiVersion: v1
kind: Secret
metadata: { name: bgp-auth, namespace: kube-system }
data: { password: ${Buffer.from(o.md5Password).toString('base64')} }`),
        ]
      : []),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPNodeConfigOverride
metadata: { name: worker-1 }
spec:
  bgpInstances:
    - name: rack1
      peers: [{ name: tor, localAddress: ${o.local} }, { name: rr, localAddress: ${o.local} }]`),
    ...[
      ['tor', o.torPort],
      ['rr', o.rrPort],
    ].map(([name, port]) =>
      doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPPeerConfig
metadata: { name: ${name} }
spec:
  transport: { peerPort: ${port} }${o.md5Password !== undefined ? '\n  authSecretRef: bgp-auth' : ''}
  timers: { connectRetryTimeSeconds: 2, holdTimeSeconds: 90, keepAliveTimeSeconds: 30 }
  gracefulRestart: { enabled: true, restartTimeSeconds: 60 }
  families: [{ afi: ipv4, safi: unicast, advertisements: { matchLabels: { advertise: ${name} } } }]`),
    ),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPAdvertisement
metadata: { name: to-tor, labels: { advertise: tor } }
spec:
  advertisements:
${o.podAdvert ? '    - { advertisementType: PodCIDR, attributes: { communities: { standard: ["65001:100"] } } }\n' : ''}    - advertisementType: Service
      service: { addresses: [LoadBalancerIP] }
      selector: { matchLabels: { bgp-announce: "true" } }
      attributes:
        communities: { standard: ["65001:200"], wellKnown: [no-export], large: ["65001:1:1"] }`),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPAdvertisement
metadata: { name: to-rr, labels: { advertise: rr } }
spec:
  advertisements:
    - advertisementType: PodCIDR
    - advertisementType: Service
      service: { addresses: [LoadBalancerIP] }
      selector: { matchLabels: { bgp-announce: "true" } }
      attributes: { localPreference: 200, communities: { large: ["65001:2:1"] } }`),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata: { name: public }
spec: { blocks: [{ cidr: 203.0.113.0/28 }], serviceSelector: { matchLabels: { bgp-announce: "true" } } }`),
    ...['web', ...(o.extraService ? ['api'] : [])].map((n, i) =>
      doc(`
apiVersion: v1
kind: Service
metadata: { name: ${n}, namespace: shop, labels: { bgp-announce: "true" } }
spec: { type: LoadBalancer, clusterIP: 10.96.10.${i + 1}, ports: [{ port: 80 }] }`),
    ),
  ].join('\n---\n');
}

/** The attributes a daemon reports for one route it received from us, as the tests compare them. */
export interface TorRoute {
  nextHop?: string;
  communities: string[];
  largeCommunities: string[];
  localPref?: number;
}

/** A top-of-rack (eBGP, AS 65100) and a route reflector (iBGP, AS 65001) peering with our agent. */
export interface TorPair<D> {
  /** Our address, the one the agent's sessions use. */
  readonly local: string;
  readonly tor: D;
  readonly rr: D;
  readonly torAddress: string;
  readonly rrAddress: string;
  /** The {@link clusterYaml} options that point the agent at both. */
  readonly base: ClusterYamlOptions;
}

/**
 * Starts a ToR and a route reflector of one daemon kind on fresh loopback addresses, both
 * passive towards our agent's address; the scope stops them.
 *
 * @param scope - the test's daemon scope
 * @param kind - which daemon
 * @param peerExtra - extra neighbour settings (graceful restart, ...)
 */
export async function startTorPair<K extends DaemonKind>(
  scope: DaemonScope,
  kind: K,
  peerExtra: Partial<PeerConfig> = {},
): Promise<TorPair<DaemonOf<K>>> {
  const local = allocateLoopbackAddress();
  const torAddress = allocateLoopbackAddress();
  const rrAddress = allocateLoopbackAddress();
  const peer = { address: local, port: await allocatePort(local), passive: true, ...peerExtra };
  const tor = scope.add(
    await createDaemon(kind, {
      routerId: '10.0.0.2',
      asn: 65100,
      address: torAddress,
      peers: [{ ...peer, asn: 65001 }],
    }),
  );
  const rr = scope.add(
    await createDaemon(kind, {
      routerId: '10.0.0.3',
      asn: 65001,
      address: rrAddress,
      peers: [{ ...peer, asn: 65001 }],
    }),
  );
  await Promise.all([tor.start(), rr.start()]);
  const base = {
    tor: torAddress,
    rr: rrAddress,
    torPort: tor.port,
    rrPort: rr.port,
    local,
    podAdvert: true,
    extraService: false,
  };
  return { local, tor, rr, torAddress, rrAddress, base };
}

/**
 * Registers the shared end-to-end case for a daemon kind: the agent advertises exactly the
 * rendered routes with the rendered attributes, then a YAML edit adds and withdraws exactly the
 * difference, as read back from the daemon by `ribAt`.
 *
 * @param options - the daemon kind, how to read its RIB, and the LOCAL_PREF it shows for eBGP
 *   routes (BIRD assigns its default 100 on import; others show none)
 */
export function renderedRoutesSuite<K extends 'bird' | 'frr'>(options: {
  readonly kind: K;
  readonly label: string;
  readonly ribAt: (d: DaemonOf<K>, from: string) => Promise<Record<string, TorRoute>>;
  readonly ebgpLocalPref: number | undefined;
}): void {
  const missing = daemonMissing(options.kind);
  describe.skipIf(missing !== undefined)(
    `bgp-agent with ${options.label} ToRs${missing ? ` (skipped: ${missing})` : ''}`,
    () => {
      const scope = daemonScope();
      const dir = mkdtempSync(join(tmpdir(), `bgp-e2e-${options.kind}-`));
      afterAll(async () => {
        await scope.stopAll();
        rmSync(dir, { recursive: true, force: true });
      });

      it('advertises exactly the rendered routes and applies a YAML edit as a difference', async () => {
        const { local, tor, rr, torAddress, rrAddress, base } = await startTorPair(
          scope,
          options.kind,
        );
        const file = join(dir, 'cluster.yaml');
        writeFileSync(file, clusterYaml(base));
        const agent = new Agent({
          files: [file],
          node: 'worker-1',
          watch: false,
          nextHop: { ipv4: E2E_NEXT_HOP },
        });
        try {
          expect((await agent.start()).errors).toEqual([]);
          await Promise.all([waitForEstablished(tor, local), waitForEstablished(rr, local)]);
          const check = async (d: DaemonOf<K>, address: string, ibgp: boolean) => {
            const want = agent.routePolicies().filter((e) => e.peerAddress === address);
            const wantKeys = want
              .map((e) => e.prefix)
              .sort()
              .join();
            const got = await waitFor(
              async () => {
                const r = await options.ribAt(d, local);
                return Object.keys(r).sort().join() === wantKeys ? r : undefined;
              },
              { what: `${options.kind} ${address} to hold the rendered routes`, timeoutMs: 10_000 },
            );
            for (const e of want) {
              const a = e.attributes as {
                communities: string[];
                largeCommunities: string[];
                localPref?: number;
              };
              const { localPref, ...rest } = got[e.prefix] ?? {
                communities: [],
                largeCommunities: [],
              };
              expect(rest, e.prefix).toEqual({
                nextHop: E2E_NEXT_HOP,
                communities: a.communities,
                largeCommunities: a.largeCommunities,
              });
              expect(localPref, e.prefix).toBe(ibgp ? a.localPref : options.ebgpLocalPref);
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
}
