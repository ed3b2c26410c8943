/**
 * Migration: legacy PeeringPolicy → v2 and MetalLB → Cilium, with the advertised routes
 * preserved (a property over generated configurations for the legacy case).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  buildCluster,
  loadCluster,
  migrateMetalLB,
  migratePeeringPolicies,
  parseGoDuration,
  type RawObject,
  type RenderedNode,
  renderNode,
} from '../src/index.js';
import { cr, fixtures, node, prefixes, route, service } from './helpers.js';

/** Every route of a node, keyed by local ASN, peer address and family; attributes included. */
function summary(r: RenderedNode): string[] {
  return r.instances
    .flatMap((i) =>
      i.peers.flatMap((p) =>
        p.families.flatMap((f) =>
          f.routes.map(
            (rt) =>
              `${i.localASN}|${p.peerAddress}|${p.peerASN}|${f.afi}|${rt.prefix}|${JSON.stringify(rt.attributes)}`,
          ),
        ),
      ),
    )
    .sort();
}

/** Replaces the legacy policies of `objects` by their migration and re-validates. */
function migrated(objects: RawObject[]) {
  const c = buildCluster(objects);
  const m = migratePeeringPolicies(c);
  const rest = objects.filter((o) => o.kind !== 'CiliumBGPPeeringPolicy');
  // Round-trip through YAML text, as a user applying the output would.
  const text = m.objects.map((o) => stringify(o)).join('---\n');
  return {
    before: c,
    after: loadCluster([
      { name: 'migrated', text },
      { name: 'rest', text: rest.map((o) => stringify(o)).join('---\n') },
    ]),
    result: m,
  };
}

describe('PeeringPolicy → v2', () => {
  it("migrates the guide's rack01-peering into resources that advertise the same routes", () => {
    const all = loadCluster(
      fixtures('cluster-rack01.yaml', 'guide-peering-policy.yaml', 'guide-lb-pools.yaml'),
    );
    expect(all.errors).toEqual([]);
    const m = migratePeeringPolicies(all);
    expect(m.objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      'CiliumBGPClusterConfig/rack01-peering',
      'CiliumBGPPeerConfig/rack01-peering-vr0-n0',
      'CiliumBGPAdvertisement/rack01-peering-vr0-n0',
      'CiliumBGPPeerConfig/rack01-peering-vr0-n1',
      'CiliumBGPAdvertisement/rack01-peering-vr0-n1',
    ]);
    const v2 = loadCluster([
      ...fixtures('cluster-rack01.yaml', 'guide-lb-pools.yaml'),
      { name: 'm', text: m.objects.map((o) => stringify(o)).join('---\n') },
    ]);
    expect(v2.errors).toEqual([]);
    for (const n of ['worker-01', 'worker-02', 'node-worker-03']) {
      const before = renderNode(all, n);
      const after = renderNode(v2, n);
      expect(after.source?.kind).toBe('CiliumBGPClusterConfig');
      expect(summary(after)).toEqual(summary(before));
      expect(
        after.instances[0]!.peers.map((p) => [p.peerAddress, p.gracefulRestart.enabled]),
      ).toEqual([
        ['10.0.0.1', true],
        ['10.0.0.2', true],
      ]);
    }
    expect(m.warnings[0]!.message).toContain('move nodes over one at a time');
  });

  it('turns LB pool path attributes into per-service entries with a warning', () => {
    const objects: RawObject[] = [
      node('n1', {}, { ip: '192.0.2.1' }),
      cr(
        'CiliumLoadBalancerIPPool',
        'gold',
        { blocks: [{ cidr: '10.50.0.0/30' }], serviceSelector: { matchLabels: { tier: 'gold' } } },
        { pool: 'gold' },
      ),
      service('g', { type: 'LoadBalancer' }, { labels: { tier: 'gold', announce: 'yes' } }),
      service(
        's',
        { type: 'LoadBalancer' },
        { labels: { announce: 'yes' } },
        { ingress: ['198.51.100.1'] },
      ),
      cr(
        'CiliumBGPPeeringPolicy',
        'lp',
        {
          virtualRouters: [
            {
              localASN: 65001,
              serviceSelector: { matchLabels: { announce: 'yes' } },
              neighbors: [
                {
                  peerAddress: '10.0.0.1/32',
                  peerASN: 65001,
                  advertisedPathAttributes: [
                    {
                      selectorType: 'CiliumLoadBalancerIPPool',
                      selector: { matchLabels: { pool: 'gold' } },
                      communities: { standard: ['65001:7'] },
                      localPreference: 250,
                    },
                  ],
                },
              ],
            },
          ],
        },
        {},
        'cilium.io/v2alpha1',
      ),
    ];
    const { before, after, result } = migrated(objects);
    expect(after.errors).toEqual([]);
    expect(summary(renderNode(after, 'n1'))).toEqual(summary(renderNode(before, 'n1')));
    expect(route(renderNode(after, 'n1'), 'peer-10-0-0-1')[0]!.attributes).toEqual({
      origin: 'IGP',
      communities: ['65001:7'],
      largeCommunities: [],
      localPref: 250,
    });
    expect(result.warnings.some((w) => w.message.includes('v2 selects Services, not pools'))).toBe(
      true,
    );
  });

  it('turns virtual-router annotations into NodeConfigOverrides', () => {
    const objects: RawObject[] = [
      node(
        'n1',
        {},
        {
          ip: '192.0.2.1',
          annotations: {
            'cilium.io/bgp-virtual-router.65001': 'router-id=7.7.7.7,local-port=1790',
          },
        },
      ),
      cr(
        'CiliumBGPPeeringPolicy',
        'lp',
        {
          virtualRouters: [
            { localASN: 65001, neighbors: [{ peerAddress: '10.0.0.1/32', peerASN: 65002 }] },
          ],
        },
        {},
        'cilium.io/v2alpha1',
      ),
    ];
    const { after, result } = migrated(objects);
    expect(result.objects.at(-1)).toEqual({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumBGPNodeConfigOverride',
      metadata: { name: 'n1' },
      spec: { bgpInstances: [{ name: 'instance-65001', routerID: '7.7.7.7', localPort: 1790 }] },
    });
    expect(renderNode(after, 'n1').instances[0]).toMatchObject({
      routerID: '7.7.7.7',
      localPort: 1790,
    });
  });

  it('warns that a PodCIDR attribute entry with a node selector has no v2 equivalent', () => {
    const c = buildCluster([
      cr(
        'CiliumBGPPeeringPolicy',
        'lp',
        {
          virtualRouters: [
            {
              localASN: 65001,
              exportPodCIDR: true,
              neighbors: [
                {
                  peerAddress: '10.0.0.1/32',
                  peerASN: 65002,
                  advertisedPathAttributes: [
                    {
                      selectorType: 'PodCIDR',
                      selector: { matchLabels: { rack: 'a' } },
                      communities: { standard: ['1:1'] },
                    },
                  ],
                },
              ],
            },
          ],
        },
        {},
        'cilium.io/v2alpha1',
      ),
    ]);
    expect(migratePeeringPolicies(c).warnings.map((w) => w.message)).toContain(
      'a PodCIDR entry with a node selector has no v2 equivalent (PodCIDR advertisements take no selector); its attributes are applied on every node',
    );
  });

  const communityArb = fc.record({
    standard: fc.array(fc.constantFrom('65001:1', '65001:2', '100'), { maxLength: 2 }),
    wellKnown: fc.array(fc.constantFrom('no-export', 'blackhole'), { maxLength: 1 }),
    large: fc.array(fc.constantFrom('1:2:3', '4:5:6'), { maxLength: 1 }),
  });
  const attrArb = fc.record({
    selectorType: fc.constantFrom('PodCIDR', 'CiliumLoadBalancerIPPool', 'CiliumPodIPPool'),
    sel: fc.option(fc.constantFrom('gold', 'silver', 'blue', 'red'), { nil: undefined }),
    communities: communityArb,
    localPreference: fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
  });
  const neighborArb = fc.record({
    peerASN: fc.constantFrom(65001, 65100),
    attrs: fc.array(attrArb, { maxLength: 3 }),
  });
  const vrArb = fc.record({
    localASN: fc.constantFrom(65001, 65002),
    exportPodCIDR: fc.boolean(),
    serviceSelector: fc.constantFrom(undefined, 'announce', 'all'),
    serviceAdvertisements: fc.subarray(['LoadBalancerIP', 'ClusterIP', 'ExternalIP']),
    podIPPoolSelector: fc.constantFrom(undefined, 'all', 'blue'),
    neighbors: fc.array(neighborArb, { minLength: 1, maxLength: 2 }),
  });
  const policyArb = fc.record({
    rack: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
    vrs: fc.array(vrArb, { minLength: 1, maxLength: 2 }),
  });
  const svcArb = fc.record({
    announce: fc.boolean(),
    tier: fc.constantFrom('gold', 'silver', 'none'),
    local: fc.boolean(),
  });

  function world(policies: unknown[], svcs: unknown[]): RawObject[] {
    const out: RawObject[] = [];
    ['a', 'b'].forEach((rack, i) => {
      out.push(
        node(
          `n-${rack}`,
          { rack },
          { ip: `192.0.2.${i + 1}`, podCIDRs: [`10.244.${i}.0/24`, `fd00:244:${i}::/64`] },
        ),
      );
      out.push({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNode',
        metadata: { name: `n-${rack}`, labels: { rack } },
        spec: {
          addresses: [{ type: 'InternalIP', ip: `192.0.2.${i + 1}` }],
          ipam: {
            podCIDRs: [`10.244.${i}.0/24`, `fd00:244:${i}::/64`],
            pools: {
              allocated: [
                { pool: 'blue', cidrs: [`10.10.${i}.0/27`] },
                { pool: 'red', cidrs: [`10.20.${i}.0/27`] },
              ],
            },
          },
        },
      });
    });
    for (const color of ['blue', 'red'])
      out.push(
        cr(
          'CiliumPodIPPool',
          color,
          { ipv4: { cidrs: ['10.0.0.0/8'], maskSize: 27 } },
          { color, pool: color },
          'cilium.io/v2alpha1',
        ),
      );
    out.push(
      cr(
        'CiliumLoadBalancerIPPool',
        'gold',
        { blocks: [{ cidr: '10.50.0.0/28' }], serviceSelector: { matchLabels: { tier: 'gold' } } },
        { pool: 'gold' },
      ),
    );
    out.push(
      cr(
        'CiliumLoadBalancerIPPool',
        'silver',
        { blocks: [{ cidr: '10.60.0.0/28' }] },
        { pool: 'silver' },
      ),
    );
    (svcs as { announce: boolean; tier: string; local: boolean }[]).forEach((s, i) => {
      out.push(
        service(
          `svc-${i}`,
          {
            type: 'LoadBalancer',
            clusterIP: `10.96.0.${i + 1}`,
            externalIPs: [`203.0.113.${i + 1}`],
            ...(s.local ? { externalTrafficPolicy: 'Local' } : {}),
          },
          { labels: { tier: s.tier, ...(s.announce ? { announce: 'yes' } : {}) } },
        ),
      );
      if (s.local)
        out.push({
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            name: `svc-${i}-x`,
            namespace: 'default',
            labels: { 'kubernetes.io/service-name': `svc-${i}` },
          },
          endpoints: [{ addresses: ['10.244.0.9'], nodeName: 'n-a' }],
        });
    });
    const sel = (v: string | undefined, key: string) =>
      v === undefined
        ? undefined
        : v === 'all'
          ? { matchExpressions: [{ key: 'nothing', operator: 'NotIn', values: ['x'] }] }
          : v === 'announce'
            ? { matchLabels: { announce: 'yes' } }
            : { matchLabels: { [key]: v } };
    (
      policies as {
        rack?: string;
        vrs: {
          localASN: number;
          exportPodCIDR: boolean;
          serviceSelector?: string;
          serviceAdvertisements: string[];
          podIPPoolSelector?: string;
          neighbors: {
            peerASN: number;
            attrs: {
              selectorType: string;
              sel?: string;
              communities: Record<string, string[]>;
              localPreference?: number;
            }[];
          }[];
        }[];
      }[]
    ).forEach((p, pi) => {
      out.push(
        cr(
          'CiliumBGPPeeringPolicy',
          `policy-${pi}`,
          {
            ...(p.rack ? { nodeSelector: { matchLabels: { rack: p.rack } } } : {}),
            virtualRouters: p.vrs.map((vr) => ({
              localASN: vr.localASN,
              exportPodCIDR: vr.exportPodCIDR,
              ...(vr.serviceSelector
                ? { serviceSelector: sel(vr.serviceSelector, 'announce') }
                : {}),
              serviceAdvertisements: vr.serviceAdvertisements,
              ...(vr.podIPPoolSelector
                ? { podIPPoolSelector: sel(vr.podIPPoolSelector, 'color') }
                : {}),
              neighbors: vr.neighbors.map((n, ni) => ({
                peerAddress: `10.0.0.${ni + 1}/32`,
                peerASN: n.peerASN,
                advertisedPathAttributes: n.attrs.map((a) => ({
                  selectorType: a.selectorType,
                  // PodCIDR entries stay selector-less: v2 cannot express per-node PodCIDR attributes.
                  ...(a.sel && a.selectorType !== 'PodCIDR'
                    ? { selector: { matchLabels: { pool: a.sel } } }
                    : {}),
                  communities: a.communities,
                  ...(a.localPreference === undefined
                    ? {}
                    : { localPreference: a.localPreference }),
                })),
              })),
            })),
          },
          {},
          'cilium.io/v2alpha1',
        ),
      );
    });
    return out;
  }

  it('property: migration preserves the advertised routes and their attributes on every node', () => {
    let withAttributes = 0;
    fc.assert(
      fc.property(
        fc.array(policyArb, { minLength: 1, maxLength: 2 }),
        fc.array(svcArb, { maxLength: 4 }),
        (policies, svcs) => {
          const { before, after } = migrated(world(policies, svcs));
          expect(after.errors).toEqual([]);
          for (const n of ['n-a', 'n-b']) {
            const want = summary(renderNode(before, n));
            expect(summary(renderNode(after, n))).toEqual(want);
            if (want.some((l) => !l.includes('"communities":[]'))) withAttributes++;
          }
        },
      ),
    );
    // The generator must exercise attributes, not only bare routes.
    expect(withAttributes).toBeGreaterThan(0);
  });
});

describe('MetalLB → Cilium', () => {
  it("translates the guide's IPAddressPool and BGPPeer", () => {
    const m = migrateMetalLB(loadCluster(fixtures('guide-metallb.yaml')));
    const byKind = Object.fromEntries(m.objects.map((o) => [o.kind as string, o]));
    expect(byKind.CiliumLoadBalancerIPPool).toEqual({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumLoadBalancerIPPool',
      metadata: { name: 'production-pool' },
      spec: { blocks: [{ cidr: '10.100.0.0/24' }, { cidr: '10.100.1.0/24' }] },
    });
    expect(byKind.CiliumBGPClusterConfig).toEqual({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumBGPClusterConfig',
      metadata: { name: 'metallb-bgp' },
      spec: {
        bgpInstances: [
          {
            name: 'instance-65001',
            localASN: 65001,
            peers: [
              {
                name: 'tor-switch-1',
                peerConfigRef: { name: 'tor-switch-1' },
                peerAddress: '10.0.0.1',
                peerASN: 65100,
              },
            ],
          },
        ],
      },
    });
    expect((byKind.CiliumBGPPeerConfig as { spec: unknown }).spec).toMatchObject({
      timers: { holdTimeSeconds: 90, keepAliveTimeSeconds: 30 },
    });
    // The output loads cleanly and gives every node a session to the ToR.
    const text = m.objects.map((o) => stringify(o)).join('---\n');
    const c = loadCluster([{ name: 'm', text }, ...fixtures('cluster-rack01.yaml')]);
    expect(c.errors).toEqual([]);
    const r = renderNode(c, 'worker-01');
    expect(
      r.instances[0]!.peers.map((p) => [p.peerAddress, p.peerASN, p.timers.holdTimeSeconds]),
    ).toEqual([['10.0.0.1', 65100, 90]]);
  });

  it('preserves the routes of a MetalLB BGP setup (communities via aliases, LOCAL_PREF, aggregation, annotations)', () => {
    const metallb = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: web, namespace: metallb-system, labels: { zone: dmz } }
spec: { addresses: ["198.51.100.0/28", "198.51.100.64-198.51.100.70"], avoidBuggyIPs: true }
---
apiVersion: metallb.io/v1beta1
kind: Community
metadata: { name: aliases, namespace: metallb-system }
spec: { communities: [{ name: vip, value: "65001:300" }, { name: big, value: "large:1:2:3" }] }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: rr, namespace: metallb-system }
spec: { myASN: 65001, peerASN: 65001, peerAddress: 10.0.0.9, keepaliveTime: 20s, enableGracefulRestart: true, ebgpMultiHop: true, bfdProfile: fast }
---
apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: web-adv, namespace: metallb-system }
spec: { ipAddressPoolSelectors: [{ matchLabels: { zone: dmz } }], communities: [vip, big, "65001:1"], localPref: 120, aggregationLength: 32 }
---
apiVersion: v1
kind: Service
metadata:
  name: shop
  namespace: default
  annotations: { metallb.universe.tf/loadBalancerIPs: 198.51.100.5, metallb.io/ip-allocated-from-pool: web, metallb.io/allow-shared-ip: shop }
spec: { type: LoadBalancer, ports: [{ port: 443 }] }
---
apiVersion: v1
kind: Node
metadata: { name: n1 }
status: { addresses: [{ type: InternalIP, address: 192.0.2.1 }] }
`;
    const src = loadCluster(metallb);
    expect(src.errors).toEqual([]);
    const m = migrateMetalLB(src);
    const out = loadCluster([
      { name: 'm', text: m.objects.map((o) => stringify(o)).join('---\n') },
      {
        name: 'node',
        text: 'apiVersion: v1\nkind: Node\nmetadata: { name: n1 }\nstatus: { addresses: [{ type: InternalIP, address: 192.0.2.1 }] }\n',
      },
    ]);
    expect(out.errors).toEqual([]);
    const r = renderNode(out, 'n1');
    expect(r.lbipam.allocations).toEqual([
      {
        namespace: 'default',
        service: 'shop',
        ips: ['198.51.100.5'],
        pools: ['web'],
        sharingKey: 'shop',
      },
    ]);
    expect(route(r, 'rr')).toEqual([
      {
        prefix: '198.51.100.5/32',
        attributes: {
          origin: 'IGP',
          communities: ['65001:1', '65001:300'],
          largeCommunities: ['1:2:3'],
          localPref: 120,
        },
        sources: ['CiliumBGPAdvertisement/web-adv[0]'],
      },
    ]);
    const peer = r.instances[0]!.peers[0]!;
    expect(peer.timers).toMatchObject({ holdTimeSeconds: 60, keepAliveTimeSeconds: 20 });
    expect(peer.gracefulRestart.enabled).toBe(true);
    expect(m.warnings.map((w) => `${w.object} ${w.path}`)).toEqual(
      expect.arrayContaining([
        'IPAddressPool/metallb-system/web spec.avoidBuggyIPs',
        'BGPPeer/metallb-system/rr spec.bfdProfile',
        'BGPAdvertisement/metallb-system/web-adv spec.ipAddressPools',
        'Service/default/shop metadata.annotations',
      ]),
    );
    expect(prefixes(r, 'rr', 'ipv6')).toEqual([]);
  });

  it('parses Go durations', () => {
    expect([
      parseGoDuration('90s'),
      parseGoDuration('1m30s'),
      parseGoDuration('1h'),
      parseGoDuration('x'),
    ]).toEqual([90, 90, 3600, undefined]);
  });
});
