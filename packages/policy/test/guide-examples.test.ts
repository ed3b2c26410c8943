/**
 * Every YAML example of the Cilium BGP guide, loaded with a small cluster around it
 * (fixtures/cluster-rack01.yaml) and checked against what Cilium does with it.
 */
import { describe, expect, it } from 'vitest';
import { loadCluster, renderNode } from '../src/index.js';
import { condition, fixtureCluster, fixtures, prefixes, renderFixtures, route } from './helpers.js';

const DATACENTER = [
  'cluster-rack01.yaml',
  'guide-cluster-config.yaml',
  'guide-peer-config.yaml',
  'guide-advertisement.yaml',
  'guide-lb-pools.yaml',
];

describe('guide: CiliumBGPClusterConfig + PeerConfig + Advertisement (datacenter-bgp)', () => {
  it('gives each rack01 node two eBGP sessions with the PeerConfig timers and graceful restart', () => {
    const r = renderFixtures('worker-01', DATACENTER);
    expect(r.errors).toEqual([]);
    expect(r.source).toEqual({ kind: 'CiliumBGPClusterConfig', name: 'datacenter-bgp' });
    expect(r.instances).toHaveLength(1);
    const inst = r.instances[0]!;
    expect(inst).toMatchObject({
      name: 'rack01-instance',
      localASN: 65001,
      routerID: '192.168.1.11',
      routerIDSource: 'node-ipv4',
      localPort: null,
    });
    expect(inst.peers.map((p) => [p.name, p.peerAddress, p.peerASN, p.session])).toEqual([
      ['tor-switch-1', '10.0.0.1', 65100, 'ebgp'],
      ['tor-switch-2', '10.0.0.2', 65100, 'ebgp'],
    ]);
    for (const p of inst.peers) {
      expect(p.timers).toEqual({
        connectRetryTimeSeconds: 120,
        holdTimeSeconds: 90,
        keepAliveTimeSeconds: 30,
      });
      expect(p.gracefulRestart).toEqual({ enabled: true, restartTimeSeconds: 120 });
      expect(p.peerPort).toBe(179);
      expect(p.families.map((f) => `${f.afi}/${f.safi}`)).toEqual(['ipv4/unicast', 'ipv6/unicast']);
    }
  });

  it('advertises the pod CIDR and the labelled services (LB, external, cluster IPs), longest prefix first', () => {
    const r = renderFixtures('worker-01', DATACENTER);
    // frontend: LB 10.100.0.0 (first IP of production-pool: allowFirstLastIPs unset allows it),
    // external 198.51.100.7, cluster 10.96.0.10; local-svc (eTP Local, endpoint here): LB 10.100.0.2
    // and cluster 10.96.0.12 (iTP Cluster); "internal" has no bgp-announce label.
    expect(prefixes(r, 'tor-switch-1')).toEqual([
      '10.96.0.10/32',
      '10.96.0.12/32',
      '10.100.0.0/32',
      '10.100.0.2/32',
      '198.51.100.7/32',
      '10.244.1.0/24',
    ]);
    expect(prefixes(r, 'tor-switch-1', 'ipv6')).toEqual(['fd00:10:244:1::/64']);
    expect(prefixes(r, 'tor-switch-2')).toEqual(prefixes(r, 'tor-switch-1'));
    // eBGP: no LOCAL_PREF is sent.
    expect(route(r, 'tor-switch-1')[0]!.attributes).toEqual({
      origin: 'IGP',
      communities: [],
      largeCommunities: [],
    });
  });

  it('does not advertise the eTP=Local service from a node without a ready local endpoint', () => {
    const r = renderFixtures('worker-02', DATACENTER);
    expect(prefixes(r, 'tor-switch-1')).toEqual([
      '10.96.0.10/32',
      '10.96.0.12/32',
      '10.100.0.0/32',
      '198.51.100.7/32',
      '10.244.2.0/24',
    ]);
    expect(prefixes(r, 'tor-switch-1', 'ipv6')).toEqual([]);
  });

  it("matches the guide's `cilium bgp peers` expectation: worker-01 and worker-02 peer with 10.0.0.1 and 10.0.0.2", () => {
    const c = fixtureCluster(...DATACENTER);
    const rows = ['worker-01', 'worker-02'].flatMap((n) =>
      renderNode(c, n).instances.flatMap((i) =>
        i.peers.map((p) => `${n} ${i.localASN} ${p.peerASN} ${p.peerAddress}`),
      ),
    );
    expect(rows).toEqual([
      'worker-01 65001 65100 10.0.0.1',
      'worker-01 65001 65100 10.0.0.2',
      'worker-02 65001 65100 10.0.0.1',
      'worker-02 65001 65100 10.0.0.2',
    ]);
  });

  it('warns that transport.localPort is deprecated and sets no condition', () => {
    const r = renderFixtures('worker-01', DATACENTER);
    expect(r.warnings.map((w) => `${w.object}: ${w.path}`)).toContain(
      'CiliumBGPPeerConfig/datacenter-peer-config: spec.transport.localPort',
    );
    expect(
      r.conditions.filter((c) => c.object.startsWith('CiliumBGP') && c.status === 'True'),
    ).toEqual([]);
  });

  it('leaves a node outside the selector without BGP', () => {
    const r = renderFixtures('leaf-01', DATACENTER);
    expect(r.source).toBeNull();
    expect(r.instances).toEqual([]);
  });
});

describe('guide: CiliumBGPNodeConfigOverride (node-worker-03)', () => {
  it('overrides router ID and local port, and sets the session source address of tor-switch-1 only', () => {
    const r = renderFixtures('node-worker-03', [...DATACENTER, 'guide-node-override.yaml']);
    const inst = r.instances[0]!;
    expect(inst.routerID).toBe('10.0.1.33');
    expect(inst.routerIDSource).toBe('override');
    expect(inst.localPort).toBe(1179);
    expect(inst.peers.map((p) => [p.name, p.localAddress])).toEqual([
      ['tor-switch-1', '10.0.1.33'],
      ['tor-switch-2', null],
    ]);
  });

  it('does not touch other nodes', () => {
    const r = renderFixtures('worker-01', [...DATACENTER, 'guide-node-override.yaml']);
    expect(r.instances[0]!.routerID).toBe('192.168.1.11');
    expect(r.instances[0]!.localPort).toBeNull();
  });
});

describe('guide: leaf-spine multi-peer topology', () => {
  it('reports MissingPeerConfigs when the referenced PeerConfigs do not exist, and configures no peer', () => {
    const r = renderFixtures('leaf-01', ['cluster-rack01.yaml', 'guide-leaf-spine.yaml']);
    const c = condition(r, 'CiliumBGPClusterConfig/leaf-spine-bgp', 'cilium.io/MissingPeerConfigs');
    expect(c).toMatchObject({ status: 'True', reason: 'MissingPeerConfigs' });
    expect(c!.message).toBe(
      'Referenced CiliumBGPPeerConfig(s) are missing: [ibgp-peer-config spine-peer-config]',
    );
    expect(r.instances[0]!.peers).toEqual([]);
  });

  it('with the PeerConfigs present: two eBGP spine sessions and one iBGP session to the route reflector', () => {
    const extra = loadCluster([
      ...fixtures('cluster-rack01.yaml', 'guide-leaf-spine.yaml', 'guide-traffic-engineering.yaml'),
      {
        name: 'peer-configs',
        text: `
apiVersion: cilium.io/v2
kind: CiliumBGPPeerConfig
metadata: { name: spine-peer-config }
spec:
  families: [{ afi: ipv4, safi: unicast, advertisements: { matchLabels: { advertise: bgp } } }]
---
apiVersion: cilium.io/v2
kind: CiliumBGPPeerConfig
metadata: { name: ibgp-peer-config }
spec:
  timers: { holdTimeSeconds: 9, keepAliveTimeSeconds: 3 }
  families: [{ afi: ipv4, safi: unicast, advertisements: { matchLabels: { advertise: bgp } } }]
`,
      },
    ]);
    const r = renderNode(extra, 'leaf-01');
    expect(r.errors).toEqual([]);
    const peers = r.instances[0]!.peers;
    expect(peers.map((p) => [p.name, p.session])).toEqual([
      ['spine-1', 'ebgp'],
      ['spine-2', 'ebgp'],
      ['route-reflector', 'ibgp'],
    ]);
    expect(peers[2]!.timers.holdTimeSeconds).toBe(9);
    expect(peers[2]!.ebgpMultihop).toBeNull();
    // Traffic-engineering PodCIDR attributes: LOCAL_PREF 150 only towards the iBGP route reflector.
    expect(route(r, 'route-reflector')[0]!.attributes).toEqual({
      origin: 'IGP',
      communities: ['65001:100', '65535:65281'],
      largeCommunities: ['65001:200:300'],
      localPref: 150,
    });
    expect(route(r, 'spine-1')[0]!.attributes.localPref).toBeUndefined();
    expect(
      condition(r, 'CiliumBGPClusterConfig/leaf-spine-bgp', 'cilium.io/MissingPeerConfigs')!.status,
    ).toBe('False');
  });
});

describe('guide: legacy CiliumBGPPeeringPolicy (rack01-peering)', () => {
  it('renders one virtual router with two neighbors, defaults applied, pod CIDR and labelled LB IPs exported', () => {
    const r = renderFixtures('worker-01', [
      'cluster-rack01.yaml',
      'guide-peering-policy.yaml',
      'guide-lb-pools.yaml',
    ]);
    expect(r.errors).toEqual([]);
    expect(r.source).toEqual({ kind: 'CiliumBGPPeeringPolicy', name: 'rack01-peering' });
    const inst = r.instances[0]!;
    expect(inst.localASN).toBe(65001);
    expect(inst.peers.map((p) => p.peerAddress)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(inst.peers[0]!.timers).toEqual({
      connectRetryTimeSeconds: 120,
      holdTimeSeconds: 90,
      keepAliveTimeSeconds: 30,
    });
    expect(inst.peers[0]!.families.map((f) => f.afi)).toEqual(['ipv4', 'ipv6']);
    // serviceAdvertisements defaults to [LoadBalancerIP]: no cluster or external IPs.
    expect(prefixes(r, '10.0.0.1')).toEqual(['10.100.0.0/32', '10.100.0.2/32', '10.244.1.0/24']);
  });

  it('rejects a peer address without the /32 suffix', () => {
    const c = loadCluster(
      fixtures('guide-peering-policy.yaml')[0]!.text.replace('"10.0.0.1/32"', '"10.0.0.1"'),
    );
    expect(c.errors.map((e) => e.message)).toEqual([
      'CiliumBGPPeeringPolicy/rack01-peering: spec.virtualRouters[0].neighbors[0].peerAddress: "10.0.0.1" is not a CIDR (the legacy API requires /32 or /128)',
    ]);
  });

  it('takes precedence over the v2 ClusterConfig on the same node, with a warning', () => {
    const r = renderFixtures('worker-01', [...DATACENTER, 'guide-peering-policy.yaml']);
    expect(r.source).toEqual({ kind: 'CiliumBGPPeeringPolicy', name: 'rack01-peering' });
    expect(
      r.warnings.some((w) => w.message.includes('legacy PeeringPolicy takes precedence')),
    ).toBe(true);
  });
});

describe('guide: LB-IPAM pools, LB advertisement, shared IPs', () => {
  it('allocates from production-pool to services labelled environment=production only', () => {
    const r = renderFixtures('worker-01', ['cluster-rack01.yaml', 'guide-lb-pools.yaml']);
    expect(r.lbipam.allocations.map((a) => [a.service, a.ips, a.pools])).toEqual([
      ['frontend', ['10.100.0.0'], ['production-pool']],
      ['internal', ['10.100.0.1'], ['production-pool']],
      ['local-svc', ['10.100.0.2'], ['production-pool']],
    ]);
    expect(r.lbipam.pools.map((p) => [p.name, p.ipsTotal, p.ipsUsed, p.ipsAvailable])).toEqual([
      ['production-pool', '512', '3', '509'],
      ['staging-pool', '256', '0', '256'],
    ]);
  });

  it('advertises LB IPs of bgp-announce services with community 65001:100', () => {
    const r = renderFixtures('worker-02', [
      'cluster-rack01.yaml',
      'guide-lb-pools.yaml',
      'guide-cluster-config.yaml',
      'guide-peer-config.yaml',
      'guide-lb-advertisement.yaml',
    ]);
    expect(route(r, 'tor-switch-1')).toEqual([
      {
        prefix: '10.100.0.0/32',
        attributes: { origin: 'IGP', communities: ['65001:100'], largeCommunities: [] },
        sources: ['CiliumBGPAdvertisement/lb-service-advertisement[0]'],
      },
    ]);
  });

  it('lets web-http and web-https share 10.100.0.50 (same sharing key, different ports)', () => {
    const r = renderFixtures('worker-01', ['guide-shared-ip.yaml', 'guide-lb-pools.yaml']);
    // The guide's services carry no environment label, so production-pool does not select them.
    expect(r.lbipam.allocations.map((a) => [a.service, a.ips])).toEqual([
      ['web-http', []],
      ['web-https', []],
    ]);
    expect(
      condition(r, 'Service/default/web-http', 'cilium.io/IPAMRequestSatisfied'),
    ).toMatchObject({ status: 'False', reason: 'pool_selector_mismatch' });
    const open = loadCluster([
      ...fixtures('guide-shared-ip.yaml'),
      {
        name: 'pool',
        text: 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: open}\nspec: {blocks: [{cidr: 10.100.0.0/24}]}\n',
      },
    ]);
    const r2 = renderNode(open, 'any');
    expect(r2.lbipam.allocations.map((a) => [a.service, a.ips, a.sharingKey])).toEqual([
      ['web-http', ['10.100.0.50'], 'web-frontend'],
      ['web-https', ['10.100.0.50'], 'web-frontend'],
    ]);
    expect(r2.lbipam.pools[0]!.ipsUsed).toBe('1');
  });
});

describe('guide: traffic engineering with communities', () => {
  const files = [
    'cluster-rack01.yaml',
    'guide-lb-pools.yaml',
    'guide-cluster-config.yaml',
    'guide-peer-config.yaml',
    'guide-traffic-engineering.yaml',
  ];
  it('tags pod CIDRs with standard, well-known (by value) and large communities; premium LB IPs with 65001:200', () => {
    const r = renderFixtures('worker-01', files);
    const routes = route(r, 'tor-switch-1');
    expect(
      routes.map((x) => [x.prefix, x.attributes.communities, x.attributes.largeCommunities]),
    ).toEqual([
      ['10.100.0.0/32', ['65001:200'], []],
      ['10.244.1.0/24', ['65001:100', '65535:65281'], ['65001:200:300']],
    ]);
    // eBGP peers: localPreference 150/200 is not sent.
    expect(routes.every((x) => x.attributes.localPref === undefined)).toBe(true);
  });

  it("legacy variant: the guide's `pathAttributes` is not a CRD field, so it is pruned with a warning", () => {
    const r = renderFixtures('worker-01', [
      'cluster-rack01.yaml',
      'guide-traffic-engineering-legacy.yaml',
    ]);
    expect(r.errors).toEqual([]);
    expect(r.warnings.find((w) => w.path.endsWith('pathAttributes'))!.message).toContain(
      'advertisedPathAttributes',
    );
    expect(route(r, '10.0.0.1')).toEqual([
      {
        prefix: '10.244.1.0/24',
        attributes: { origin: 'IGP', communities: [], largeCommunities: [] },
        sources: [
          'CiliumBGPPeeringPolicy/traffic-engineering-legacy.spec.virtualRouters[0].exportPodCIDR',
        ],
      },
    ]);
  });

  it('legacy variant with the CRD spelling applies PodCIDR and LB pool attributes (LOCAL_PREF eBGP-suppressed)', () => {
    const text = fixtures('guide-traffic-engineering-legacy.yaml')[0]!.text.replace(
      'pathAttributes:',
      'advertisedPathAttributes:',
    );
    const c = loadCluster([
      ...fixtures('cluster-rack01.yaml'),
      {
        name: 'legacy',
        text: text.replace(
          'exportPodCIDR: true',
          'exportPodCIDR: true\n      serviceSelector: { matchLabels: { bgp-announce: "true" } }',
        ),
      },
      {
        name: 'pool',
        text: 'apiVersion: cilium.io/v2\nkind: CiliumLoadBalancerIPPool\nmetadata: {name: premium, labels: {pool: premium}}\nspec: {blocks: [{cidr: 10.200.0.0/24}]}\n',
      },
    ]);
    const r = renderNode(c, 'worker-01');
    expect(route(r, '10.0.0.1').map((x) => [x.prefix, x.attributes.communities])).toEqual([
      ['10.200.0.0/32', ['65001:200']],
      ['10.200.0.2/32', ['65001:200']],
      ['10.244.1.0/24', ['65001:100', '65535:65281']],
    ]);
  });
});

describe('guide: production PeerConfig, MetalLB objects, Helm values, ServiceMonitor', () => {
  it('accepts production-peer-config with ebgpMultihop 1 and IPv4 only', () => {
    const c = fixtureCluster('guide-production-peer-config.yaml');
    expect(c.errors).toEqual([]);
    expect(c.peerConfigs[0]!.spec).toMatchObject({
      ebgpMultihop: 1,
      gracefulRestart: { enabled: true, restartTimeSeconds: 120 },
    });
    expect(c.peerConfigs[0]!.spec.families.map((f) => f.afi)).toEqual(['ipv4']);
  });

  it('gives a peer using production-peer-config its graceful restart, multihop 1 and IPv4 family', () => {
    const c = loadCluster([
      ...fixtures(
        'cluster-rack01.yaml',
        'guide-production-peer-config.yaml',
        'guide-advertisement.yaml',
      ),
      {
        name: 'cc',
        text: fixtures('guide-cluster-config.yaml')[0]!.text.replaceAll(
          'datacenter-peer-config',
          'production-peer-config',
        ),
      },
    ]);
    const p = renderNode(c, 'worker-01').instances[0]!.peers[0]!;
    expect(p).toMatchObject({
      ebgpMultihop: 1,
      gracefulRestart: { enabled: true, restartTimeSeconds: 120 },
      timers: { holdTimeSeconds: 90, keepAliveTimeSeconds: 30, connectRetryTimeSeconds: 120 },
    });
    expect(p.families.map((f) => f.afi)).toEqual(['ipv4']);
    expect(p.families[0]!.routes.at(-1)!.prefix).toBe('10.244.1.0/24');
  });

  it('keeps MetalLB objects for migration and accepts the equivalent Cilium pool', () => {
    const c = fixtureCluster('guide-metallb.yaml', 'guide-cilium-pool-equivalent.yaml');
    expect(c.metallb.map((o) => o.kind)).toEqual(['IPAddressPool', 'BGPPeer']);
    expect(c.lbPools[0]!.blocks.map((b) => b.cidr)).toEqual(['10.100.0.0/24', '10.100.1.0/24']);
  });

  it('ignores Helm values and ServiceMonitor documents with a warning, not an error', () => {
    const c = fixtureCluster('guide-helm-values.yaml', 'guide-service-monitor.yaml');
    expect(c.errors).toEqual([]);
    expect(c.warnings.map((w) => w.message)).toEqual([
      'kind (none) is not read by the BGP model; ignored',
      'kind ServiceMonitor is not read by the BGP model; ignored',
    ]);
  });
});
