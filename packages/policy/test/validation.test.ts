/**
 * Validation and defaults: every error names object, field path and reason; one bad object
 * never stops the others.
 */
import { describe, expect, it } from 'vitest';
import { buildCluster, DEFAULT_PEER_CONFIG, loadCluster } from '../src/index.js';
import { cr } from './helpers.js';

const cases: [string, unknown, string[]][] = [
  [
    'keepalive above hold time',
    cr('CiliumBGPPeerConfig', 'datacenter-peer-config', {
      timers: { holdTimeSeconds: 90, keepAliveTimeSeconds: 120 },
    }),
    [
      'CiliumBGPPeerConfig/datacenter-peer-config: spec.timers.keepAliveTimeSeconds: must not exceed holdTimeSeconds (90)',
    ],
  ],
  [
    'keepalive above the default hold time',
    cr('CiliumBGPPeerConfig', 'p', { timers: { keepAliveTimeSeconds: 91 } }),
    [
      'CiliumBGPPeerConfig/p: spec.timers.keepAliveTimeSeconds: must not exceed holdTimeSeconds (90)',
    ],
  ],
  [
    'hold time below 3',
    cr('CiliumBGPPeerConfig', 'p', { timers: { holdTimeSeconds: 2, keepAliveTimeSeconds: 1 } }),
    ['CiliumBGPPeerConfig/p: spec.timers.holdTimeSeconds: must be at least 3'],
  ],
  [
    'restart time above 4095',
    cr('CiliumBGPPeerConfig', 'p', {
      gracefulRestart: { enabled: true, restartTimeSeconds: 5000 },
    }),
    ['CiliumBGPPeerConfig/p: spec.gracefulRestart.restartTimeSeconds: must be at most 4095'],
  ],
  [
    'gracefulRestart without enabled',
    cr('CiliumBGPPeerConfig', 'p', { gracefulRestart: { restartTimeSeconds: 60 } }),
    ['CiliumBGPPeerConfig/p: spec.gracefulRestart.enabled: required'],
  ],
  [
    'ebgpMultihop 0',
    cr('CiliumBGPPeerConfig', 'p', { ebgpMultihop: 0 }),
    ['CiliumBGPPeerConfig/p: spec.ebgpMultihop: must be at least 1'],
  ],
  [
    'peerPort as string',
    cr('CiliumBGPPeerConfig', 'p', { transport: { peerPort: '179' } }),
    ['CiliumBGPPeerConfig/p: spec.transport.peerPort: must be an integer'],
  ],
  [
    'unknown afi',
    cr('CiliumBGPPeerConfig', 'p', { families: [{ afi: 'ipv5', safi: 'unicast' }] }),
    ['CiliumBGPPeerConfig/p: spec.families[0].afi: must be one of ipv4, ipv6, l2vpn, ls, opaque'],
  ],
  [
    'no bgpInstances',
    cr('CiliumBGPClusterConfig', 'c', {}),
    ['CiliumBGPClusterConfig/c: spec.bgpInstances: required'],
  ],
  [
    'empty bgpInstances',
    cr('CiliumBGPClusterConfig', 'c', { bgpInstances: [] }),
    ['CiliumBGPClusterConfig/c: spec.bgpInstances: must have at least 1 item(s)'],
  ],
  [
    'localASN 0 and peerASN too large',
    cr('CiliumBGPClusterConfig', 'c', {
      bgpInstances: [
        {
          name: 'i',
          localASN: 0,
          peers: [{ name: 'p', peerAddress: '10.0.0.1', peerASN: 4294967296 }],
        },
      ],
    }),
    [
      'CiliumBGPClusterConfig/c: spec.bgpInstances[0].peers[0].peerASN: must be at most 4294967295',
      'CiliumBGPClusterConfig/c: spec.bgpInstances[0].localASN: must be at least 1',
    ],
  ],
  [
    'bad peer address',
    cr('CiliumBGPClusterConfig', 'c', {
      bgpInstances: [{ name: 'i', peers: [{ name: 'p', peerAddress: '10.0.0.300' }] }],
    }),
    [
      'CiliumBGPClusterConfig/c: spec.bgpInstances[0].peers[0].peerAddress: "10.0.0.300" is not an IP address',
    ],
  ],
  [
    'duplicate peer names',
    cr('CiliumBGPClusterConfig', 'c', {
      bgpInstances: [
        {
          name: 'i',
          peers: [
            { name: 'p', peerAddress: '10.0.0.1' },
            { name: 'p', peerAddress: '10.0.0.2' },
          ],
        },
      ],
    }),
    ['CiliumBGPClusterConfig/c: spec.bgpInstances[0].peers[1].name: duplicate name "p"'],
  ],
  [
    'autoDiscovery without its block',
    cr('CiliumBGPClusterConfig', 'c', {
      bgpInstances: [
        { name: 'i', peers: [{ name: 'p', autoDiscovery: { mode: 'DefaultGateway' } }] },
      ],
    }),
    [
      'CiliumBGPClusterConfig/c: spec.bgpInstances[0].peers[0].autoDiscovery.defaultGateway: required when mode is DefaultGateway',
    ],
  ],
  [
    'v2alpha1 peerConfigRef kind',
    cr(
      'CiliumBGPClusterConfig',
      'c',
      {
        bgpInstances: [
          {
            name: 'i',
            peers: [
              { name: 'p', peerAddress: '10.0.0.1', peerConfigRef: { name: 'x', kind: 'Foo' } },
            ],
          },
        ],
      },
      {},
      'cilium.io/v2alpha1',
    ),
    [
      'CiliumBGPClusterConfig/c: spec.bgpInstances[0].peers[0].peerConfigRef.kind: must be CiliumBGPPeerConfig',
    ],
  ],
  [
    'Service advert without service',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [{ advertisementType: 'Service', selector: {} }],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].service: required when advertisementType is Service',
    ],
  ],
  [
    'PodCIDR with selector',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [{ advertisementType: 'PodCIDR', selector: {} }],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].selector: not allowed when advertisementType is PodCIDR',
    ],
  ],
  [
    'Interface without interface',
    cr('CiliumBGPAdvertisement', 'a', { advertisements: [{ advertisementType: 'Interface' }] }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].interface: required when advertisementType is Interface',
    ],
  ],
  [
    'early v2alpha1 CiliumLoadBalancerIP type',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [{ advertisementType: 'CiliumLoadBalancerIP' }],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].advertisementType: must be one of PodCIDR, CiliumPodIPPool, Service, Interface',
    ],
  ],
  [
    'bad service address type',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [{ advertisementType: 'Service', service: { addresses: ['NodeIP'] } }],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].service.addresses[0]: must be one of LoadBalancerIP, ClusterIP, ExternalIP',
    ],
  ],
  [
    'aggregation length 32',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [
        {
          advertisementType: 'Service',
          service: { addresses: ['ClusterIP'], aggregationLengthIPv4: 32 },
        },
      ],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].service.aggregationLengthIPv4: must be at most 31',
    ],
  ],
  [
    'bad communities',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [
        {
          advertisementType: 'PodCIDR',
          attributes: {
            communities: { standard: ['65536:1'], wellKnown: ['no-exports'], large: ['1:2'] },
          },
        },
      ],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].attributes.communities.standard[0]: "65536:1" is not a standard community (0-4294967295 or 0-65535:0-65535)',
      'CiliumBGPAdvertisement/a: spec.advertisements[0].attributes.communities.wellKnown[0]: "no-exports" is not a well-known community name',
      'CiliumBGPAdvertisement/a: spec.advertisements[0].attributes.communities.large[0]: "1:2" is not a large community (u32:u32:u32)',
    ],
  ],
  [
    'selector operator',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [
        {
          advertisementType: 'Service',
          service: { addresses: ['ClusterIP'] },
          selector: { matchExpressions: [{ key: 'k', operator: 'Equals', values: ['v'] }] },
        },
      ],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].selector.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist',
    ],
  ],
  [
    'In without values',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [
        {
          advertisementType: 'Service',
          service: { addresses: ['ClusterIP'] },
          selector: { matchExpressions: [{ key: 'k', operator: 'In' }] },
        },
      ],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].selector.matchExpressions[0].values: must be non-empty for operator In',
    ],
  ],
  [
    'Exists with values',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [
        {
          advertisementType: 'Service',
          service: { addresses: ['ClusterIP'] },
          selector: { matchExpressions: [{ key: 'k', operator: 'Exists', values: ['v'] }] },
        },
      ],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].selector.matchExpressions[0].values: must be empty for operator Exists',
    ],
  ],
  [
    'unquoted boolean label',
    cr('CiliumBGPAdvertisement', 'a', {
      advertisements: [
        {
          advertisementType: 'Service',
          service: { addresses: ['ClusterIP'] },
          selector: { matchLabels: { announce: true } },
        },
      ],
    }),
    [
      'CiliumBGPAdvertisement/a: spec.advertisements[0].selector.matchLabels.announce: must be a string (quote it in YAML)',
    ],
  ],
  [
    'override routerID not IPv4',
    cr('CiliumBGPNodeConfigOverride', 'n1', {
      bgpInstances: [{ name: 'i', routerID: '2001:db8::1' }],
    }),
    [
      'CiliumBGPNodeConfigOverride/n1: spec.bgpInstances[0].routerID: "2001:db8::1" is not an IPv4 address',
    ],
  ],
  [
    'override localAddress',
    cr('CiliumBGPNodeConfigOverride', 'n1', {
      bgpInstances: [{ name: 'i', peers: [{ name: 'p', localAddress: 'eth0' }] }],
    }),
    [
      'CiliumBGPNodeConfigOverride/n1: spec.bgpInstances[0].peers[0].localAddress: "eth0" is not an IP address',
    ],
  ],
  [
    'pool block cidr',
    cr('CiliumLoadBalancerIPPool', 'lb', { blocks: [{ cidr: '10.0.0.0/33' }] }),
    ['CiliumLoadBalancerIPPool/lb: spec.blocks[0].cidr: "10.0.0.0/33" is not a CIDR'],
  ],
  [
    'pool block mixed families',
    cr('CiliumLoadBalancerIPPool', 'lb', { blocks: [{ start: '10.0.0.1', stop: '2001:db8::1' }] }),
    [
      'CiliumLoadBalancerIPPool/lb: spec.blocks[0].stop: must be of the same address family as start',
    ],
  ],
  [
    'pool allowFirstLastIPs',
    cr('CiliumLoadBalancerIPPool', 'lb', {
      blocks: [{ cidr: '10.0.0.0/24' }],
      allowFirstLastIPs: 'no',
    }),
    ['CiliumLoadBalancerIPPool/lb: spec.allowFirstLastIPs: must be one of Yes, No'],
  ],
  [
    'legacy policy in v2',
    cr('CiliumBGPPeeringPolicy', 'lp', { virtualRouters: [] }),
    ['CiliumBGPPeeringPolicy/lp: apiVersion: must be one of cilium.io/v2alpha1'],
  ],
  [
    'legacy neighbor /24 and missing ASN',
    cr(
      'CiliumBGPPeeringPolicy',
      'lp',
      { virtualRouters: [{ localASN: 65001, neighbors: [{ peerAddress: '10.0.0.0/24' }] }] },
      {},
      'cilium.io/v2alpha1',
    ),
    [
      'CiliumBGPPeeringPolicy/lp: spec.virtualRouters[0].neighbors[0].peerAddress: must be a /32 or /128 host prefix',
      'CiliumBGPPeeringPolicy/lp: spec.virtualRouters[0].neighbors[0].peerASN: required',
    ],
  ],
  [
    'metadata without name',
    { apiVersion: 'cilium.io/v2', kind: 'CiliumBGPPeerConfig', metadata: {}, spec: {} },
    ['CiliumBGPPeerConfig/#0: metadata.name: required'],
  ],
];

describe('validation errors (object: path: reason)', () => {
  it.each(cases)('%s', (_name, obj, expected) => {
    const c = buildCluster([obj as never]);
    expect(c.errors.map((e) => e.message)).toEqual(expected);
  });
});

describe('defaults and isolation', () => {
  it("applies Cilium's PeerConfig defaults (hold 90, keepalive 30, retry 120, restart 120, multihop 1, port 179, IPv6+IPv4 families)", () => {
    const c = buildCluster([cr('CiliumBGPPeerConfig', 'empty', {})]);
    expect(c.peerConfigs[0]!.spec).toEqual(DEFAULT_PEER_CONFIG);
    expect(DEFAULT_PEER_CONFIG.families.map((f) => [f.afi, f.safi, f.advertisements])).toEqual([
      ['ipv6', 'unicast', undefined],
      ['ipv4', 'unicast', undefined],
    ]);
  });

  it('defaults legacy neighbors and virtual routers', () => {
    const c = buildCluster([
      cr(
        'CiliumBGPPeeringPolicy',
        'lp',
        {
          virtualRouters: [
            { localASN: 65001, neighbors: [{ peerAddress: '2001:db8::1/128', peerASN: 65002 }] },
          ],
        },
        {},
        'cilium.io/v2alpha1',
      ),
    ]);
    const vr = c.peeringPolicies[0]!.virtualRouters[0]!;
    expect(vr.exportPodCIDR).toBe(false);
    expect(vr.serviceAdvertisements).toEqual(['LoadBalancerIP']);
    expect(vr.neighbors[0]).toMatchObject({
      peerAddress: '2001:db8::1',
      peerPort: 179,
      eBGPMultihopTTL: 1,
      timers: { connectRetryTimeSeconds: 120, holdTimeSeconds: 90, keepAliveTimeSeconds: 30 },
      gracefulRestart: { enabled: false, restartTimeSeconds: 120 },
    });
    expect(vr.neighbors[0]!.families.map((f) => f.afi)).toEqual(['ipv4', 'ipv6']);
  });

  it('drops only the bad object and keeps processing the others', () => {
    const c = buildCluster([
      cr('CiliumBGPPeerConfig', 'bad', {
        timers: { holdTimeSeconds: 10, keepAliveTimeSeconds: 20 },
      }),
      cr('CiliumBGPPeerConfig', 'good', {}),
      cr('CiliumBGPAdvertisement', 'bad-advert', {
        advertisements: [{ advertisementType: 'Nope' }],
      }),
      cr('CiliumBGPAdvertisement', 'good-advert', {
        advertisements: [{ advertisementType: 'PodCIDR' }],
      }),
    ]);
    expect(c.peerConfigs.map((p) => p.meta.name)).toEqual(['good']);
    expect(c.advertisements.map((p) => p.meta.name)).toEqual(['good-advert']);
    expect(c.errors).toHaveLength(2);
    expect(c.errors[0]).toMatchObject({
      object: 'CiliumBGPPeerConfig/bad',
      path: 'spec.timers.keepAliveTimeSeconds',
      reason: 'must not exceed holdTimeSeconds (10)',
    });
  });

  it('reports unparsable YAML documents by file and index and keeps the other documents', () => {
    const c = loadCluster([
      {
        name: 'in.yaml',
        text: 'apiVersion: cilium.io/v2\nkind: CiliumBGPPeerConfig\nmetadata: {name: a}\n---\nkey: [unclosed\n---\napiVersion: v1\nkind: Node\nmetadata: {name: n1}\n',
      },
    ]);
    expect(c.errors.map((e) => e.object)).toEqual(['in.yaml#1']);
    expect(c.peerConfigs).toHaveLength(1);
    expect(c.nodes).toHaveLength(1);
  });

  it('warns about unknown fields (pruned) and about later duplicates replacing earlier ones', () => {
    const c = buildCluster([
      cr('CiliumBGPPeerConfig', 'a', { timers: { holdTime: 30 } }),
      cr('CiliumBGPPeerConfig', 'a', { ebgpMultihop: 2 }),
    ]);
    expect(c.warnings.map((w) => `${w.object}: ${w.path}: ${w.message}`)).toEqual([
      'CiliumBGPPeerConfig/a: spec.timers.holdTime: unknown field; pruned as the API server does',
      'CiliumBGPPeerConfig/a: : defined more than once; the last definition wins',
    ]);
    expect(c.peerConfigs[0]!.spec.ebgpMultihop).toBe(2);
  });

  it('accepts both API versions and flattens kind: List', () => {
    const c = loadCluster(
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: cilium.io/v2alpha1, kind: CiliumBGPPeerConfig, metadata: {name: a}}\n- {apiVersion: cilium.io/v2, kind: CiliumBGPPeerConfig, metadata: {name: b}}\n',
    );
    expect(c.errors).toEqual([]);
    expect(c.peerConfigs.map((p) => p.apiVersion)).toEqual(['cilium.io/v2alpha1', 'cilium.io/v2']);
  });
});
