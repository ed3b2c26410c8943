/**
 * Node configuration: ownership, conditions, overrides, router IDs, legacy precedence.
 */
import { describe, expect, it } from 'vitest';
import { renderNode } from '../src/index.js';
import { cluster, condition, cr, node } from './helpers.js';

const cc = (
  name: string,
  nodeSelector: unknown,
  peers: unknown[] = [{ name: 'p1', peerAddress: '10.0.0.1', peerASN: 65100 }],
  extra: Record<string, unknown> = {},
) =>
  cr('CiliumBGPClusterConfig', name, {
    ...(nodeSelector === undefined ? {} : { nodeSelector }),
    bgpInstances: [{ name: 'i1', localASN: 65001, peers, ...extra }],
  });

describe('conditions', () => {
  const table: [string, unknown[], string, string, 'True' | 'False', string][] = [
    [
      'NoMatchingNode when the selector matches nothing',
      [node('n1', { a: '1' }), cc('c', { matchLabels: { a: '2' } })],
      'CiliumBGPClusterConfig/c',
      'cilium.io/NoMatchingNode',
      'True',
      'No node matches spec.nodeSelector',
    ],
    [
      'NoMatchingNode False when a node matches',
      [node('n1', { a: '1' }), cc('c', { matchLabels: { a: '1' } })],
      'CiliumBGPClusterConfig/c',
      'cilium.io/NoMatchingNode',
      'False',
      '',
    ],
    [
      'nil nodeSelector selects every node',
      [node('n1'), cc('c', undefined)],
      'CiliumBGPClusterConfig/c',
      'cilium.io/NoMatchingNode',
      'False',
      '',
    ],
    [
      'MissingPeerConfigs names the missing ones',
      [
        node('n1'),
        cc('c', undefined, [
          { name: 'p1', peerAddress: '10.0.0.1', peerConfigRef: { name: 'zz' } },
          { name: 'p2', peerAddress: '10.0.0.2', peerConfigRef: { name: 'aa' } },
        ]),
      ],
      'CiliumBGPClusterConfig/c',
      'cilium.io/MissingPeerConfigs',
      'True',
      'Referenced CiliumBGPPeerConfig(s) are missing: [aa zz]',
    ],
    [
      'ConflictingClusterConfig on both configs',
      [node('n1'), cc('a', undefined), cc('b', {})],
      'CiliumBGPClusterConfig/a',
      'cilium.io/ConflictingClusterConfig',
      'True',
      'Selecting the same node(s) with ClusterConfig(s): [b]',
    ],
    [
      'ConflictingClusterConfig reason',
      [node('n1'), cc('a', undefined), cc('b', {})],
      'CiliumBGPClusterConfig/b',
      'cilium.io/ConflictingClusterConfig',
      'True',
      'Selecting the same node(s) with ClusterConfig(s): [a]',
    ],
    [
      'MissingAuthSecret',
      [node('n1'), cr('CiliumBGPPeerConfig', 'pc', { authSecretRef: 'bgp-auth' })],
      'CiliumBGPPeerConfig/pc',
      'cilium.io/MissingAuthSecret',
      'True',
      'Referenced Auth Secret is missing: kube-system/bgp-auth',
    ],
    [
      'MissingAuthSecret False when the Secret exists in kube-system',
      [
        node('n1'),
        cr('CiliumBGPPeerConfig', 'pc', { authSecretRef: 'bgp-auth' }),
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'bgp-auth', namespace: 'kube-system' },
          data: { password: 'c2VjcmV0' },
        },
      ],
      'CiliumBGPPeerConfig/pc',
      'cilium.io/MissingAuthSecret',
      'False',
      '',
    ],
  ];
  it.each(table)('%s', (_n, objects, object, type, status, message) => {
    const r = renderNode(cluster(...(objects as never[])), 'n1');
    expect(condition(r, object, type)).toMatchObject({ status, message });
  });

  it('gives a node selected by two ClusterConfigs no sessions, while other nodes keep theirs', () => {
    const c = cluster(
      node('n1', { rack: 'a' }, { ip: '192.0.2.1' }),
      node('n2', { rack: 'b' }, { ip: '192.0.2.2' }),
      cc('all', undefined),
      cc('rack-a', { matchLabels: { rack: 'a' } }),
    );
    const r1 = renderNode(c, 'n1');
    expect(r1.instances).toEqual([]);
    expect(r1.source).toBeNull();
    expect(r1.warnings.map((w) => w.message)).toContain(
      'selected by several CiliumBGPClusterConfigs [all rack-a]; no BGP sessions on this node',
    );
    expect(renderNode(c, 'n2').instances[0]!.peers).toHaveLength(1);
  });

  it('still brings the session up with an empty password when the auth Secret is missing', () => {
    const c = cluster(
      node('n1', {}, { ip: '192.0.2.1' }),
      cc('c', undefined, [{ name: 'p1', peerAddress: '10.0.0.1', peerConfigRef: { name: 'pc' } }]),
      cr('CiliumBGPPeerConfig', 'pc', { authSecretRef: 'bgp-auth' }),
    );
    expect(renderNode(c, 'n1').instances[0]!.peers[0]!.auth).toEqual({
      secretRef: 'bgp-auth',
      passwordSet: false,
    });
    const withSecret = cluster(
      node('n1', {}, { ip: '192.0.2.1' }),
      cc('c', undefined, [{ name: 'p1', peerAddress: '10.0.0.1', peerConfigRef: { name: 'pc' } }]),
      cr('CiliumBGPPeerConfig', 'pc', { authSecretRef: 'bgp-auth' }),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'bgp-auth', namespace: 'bgp' },
        stringData: { password: 'x' },
      },
    );
    expect(
      renderNode(withSecret, 'n1', { secretsNamespace: 'bgp' }).instances[0]!.peers[0]!.auth,
    ).toEqual({ secretRef: 'bgp-auth', passwordSet: true });
  });
});

describe('router ID', () => {
  const base = cc('c', undefined);
  it('prefers the override', () => {
    const r = renderNode(
      cluster(
        node('n1', {}, { ip: '192.0.2.1' }),
        base,
        cr('CiliumBGPNodeConfigOverride', 'n1', {
          bgpInstances: [{ name: 'i1', routerID: '1.1.1.1', localASN: 65123 }],
        }),
      ),
      'n1',
    );
    expect(r.instances[0]).toMatchObject({
      routerID: '1.1.1.1',
      routerIDSource: 'override',
      localASN: 65123,
    });
  });
  it("uses the CiliumNode InternalIP before the Node's", () => {
    const cn = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNode',
      metadata: { name: 'n1' },
      spec: {
        addresses: [
          { type: 'ExternalIP', ip: '203.0.113.9' },
          { type: 'InternalIP', ip: '10.1.1.1' },
        ],
      },
    };
    const r = renderNode(cluster(node('n1', {}, { ip: '192.0.2.1' }), cn, base), 'n1');
    expect(r.instances[0]).toMatchObject({ routerID: '10.1.1.1', routerIDSource: 'node-ipv4' });
  });
  it('falls back to an ExternalIP', () => {
    const n = node('n1');
    (n.status as { addresses: unknown[] }).addresses = [
      { type: 'InternalIP', address: 'fd00::1' },
      { type: 'ExternalIP', address: '203.0.113.5' },
    ];
    expect(renderNode(cluster(n, base), 'n1').instances[0]!.routerID).toBe('203.0.113.5');
  });
  it('derives it from the low four bytes of the cilium_host MAC on an IPv6-only node', () => {
    const r = renderNode(cluster(node('n1', {}, { ip: 'fd00::1' }), base), 'n1', {
      nodeFacts: { n1: { ciliumHostMac: '02:42:0a:0b:0c:0d' } },
    });
    expect(r.instances[0]).toMatchObject({
      routerID: '10.11.12.13',
      routerIDSource: 'cilium-host-mac',
    });
  });
  it('creates no instance (with a warning) when no router ID can be found', () => {
    const r = renderNode(cluster(node('n1', {}, { ip: 'fd00::1' }), base), 'n1');
    expect(r.instances).toEqual([]);
    expect(
      r.warnings.some((w) => w.message.includes('set routerID in a CiliumBGPNodeConfigOverride')),
    ).toBe(true);
  });
  it('allocates unique IDs from the pool in ip-pool mode', () => {
    const c = cluster(node('n1'), node('n2'), base);
    const ids = ['n1', 'n2'].map(
      (n) =>
        renderNode(c, n, { routerIDAllocation: { mode: 'ip-pool', ipPool: '172.16.0.0/30' } })
          .instances[0]!.routerID,
    );
    expect(ids).toEqual(['172.16.0.0', '172.16.0.1']);
  });
});

describe('instances and peers', () => {
  it('uses the default PeerConfig (nothing advertised) when peerConfigRef is absent', () => {
    const r = renderNode(
      cluster(node('n1', {}, { ip: '192.0.2.1', podCIDRs: ['10.244.0.0/24'] }), cc('c', undefined)),
      'n1',
    );
    const p = r.instances[0]!.peers[0]!;
    expect(p.peerConfigRef).toBeNull();
    expect(p.families.map((f) => [f.afi, f.routes.length])).toEqual([
      ['ipv6', 0],
      ['ipv4', 0],
    ]);
    expect(p.gracefulRestart).toEqual({ enabled: false, restartTimeSeconds: 120 });
  });
  it('skips an instance without localASN with a warning', () => {
    const c = cluster(
      node('n1', {}, { ip: '192.0.2.1' }),
      cr('CiliumBGPClusterConfig', 'c', { bgpInstances: [{ name: 'i1', peers: [] }] }),
    );
    const r = renderNode(c, 'n1');
    expect(r.instances).toEqual([]);
    expect(r.warnings.some((w) => w.message.includes('no localASN'))).toBe(true);
  });
  it('takes the instance localPort, overridden per node', () => {
    const c = cluster(
      node('n1', {}, { ip: '192.0.2.1' }),
      node('n2', {}, { ip: '192.0.2.2' }),
      cc('c', undefined, [], { localPort: 179 }),
      cr('CiliumBGPNodeConfigOverride', 'n2', { bgpInstances: [{ name: 'i1', localPort: 1179 }] }),
    );
    expect(renderNode(c, 'n1').instances[0]!.localPort).toBe(179);
    expect(renderNode(c, 'n2').instances[0]!.localPort).toBe(1179);
  });
  it('resolves DefaultGateway auto-discovery from host facts', () => {
    const c = cluster(
      node('n1', {}, { ip: '192.0.2.1' }),
      cc('c', undefined, [
        {
          name: 'gw',
          peerASN: 65100,
          autoDiscovery: { mode: 'DefaultGateway', defaultGateway: { addressFamily: 'ipv4' } },
        },
      ]),
    );
    expect(
      renderNode(c, 'n1', { nodeFacts: { n1: { defaultGateways: { ipv4: '192.0.2.254' } } } })
        .instances[0]!.peers[0]!.peerAddress,
    ).toBe('192.0.2.254');
    expect(renderNode(c, 'n1').instances[0]!.peers).toEqual([]);
  });
  it('warns about override instances and peers that do not exist', () => {
    const c = cluster(
      node('n1', {}, { ip: '192.0.2.1' }),
      cc('c', undefined),
      cr('CiliumBGPNodeConfigOverride', 'n1', {
        bgpInstances: [{ name: 'nope' }, { name: 'i1', peers: [{ name: 'ghost' }] }],
      }),
    );
    expect(renderNode(c, 'n1').warnings.map((w) => w.message)).toEqual(
      expect.arrayContaining([
        'instance "nope" is not in CiliumBGPClusterConfig/c; ignored',
        'peer "ghost" is not in instance "i1"; ignored',
      ]),
    );
  });
  it('reports an unknown node', () => {
    const r = renderNode(cluster(cc('c', undefined)), 'ghost');
    expect(r.instances).toEqual([]);
    expect(r.warnings.at(-1)!.message).toBe('no Node or CiliumNode with this name');
  });
});

describe('legacy PeeringPolicy', () => {
  const policy = (name: string, nodeSelector?: unknown) =>
    cr(
      'CiliumBGPPeeringPolicy',
      name,
      {
        ...(nodeSelector ? { nodeSelector } : {}),
        virtualRouters: [
          { localASN: 65001, neighbors: [{ peerAddress: '10.0.0.1/32', peerASN: 65100 }] },
        ],
      },
      {},
      'cilium.io/v2alpha1',
    );
  it('applies no policy to a node selected by two of them', () => {
    const r = renderNode(
      cluster(node('n1', {}, { ip: '192.0.2.1' }), policy('a'), policy('b')),
      'n1',
    );
    expect(r.instances).toEqual([]);
    expect(r.warnings.at(-1)!.message).toContain(
      'selected by more than one CiliumBGPPeeringPolicy [a b]',
    );
  });
  it('reads router ID and local port from the virtual-router annotation', () => {
    const n = node(
      'n1',
      {},
      {
        ip: '192.0.2.1',
        annotations: { 'cilium.io/bgp-virtual-router.65001': 'router-id=9.9.9.9,local-port=1790' },
      },
    );
    const r = renderNode(cluster(n, policy('a')), 'n1');
    expect(r.instances[0]).toMatchObject({
      routerID: '9.9.9.9',
      routerIDSource: 'annotation',
      localPort: 1790,
    });
  });
  it('wins over a matching v2 ClusterConfig, with a warning', () => {
    const r = renderNode(
      cluster(node('n1', {}, { ip: '192.0.2.1' }), policy('a'), cc('c', undefined)),
      'n1',
    );
    expect(r.source).toEqual({ kind: 'CiliumBGPPeeringPolicy', name: 'a' });
    expect(r.warnings.at(-1)!.message).toContain('legacy PeeringPolicy takes precedence');
  });
  it('applies every matching advertisedPathAttributes entry: communities accumulate, highest LOCAL_PREF', () => {
    const n = node('n1', { rack: 'a' }, { ip: '192.0.2.1', podCIDRs: ['10.244.0.0/24'] });
    const lp = cr(
      'CiliumBGPPeeringPolicy',
      'lp',
      {
        virtualRouters: [
          {
            localASN: 65001,
            exportPodCIDR: true,
            serviceSelector: { matchLabels: { announce: 'yes' } },
            serviceAdvertisements: ['ClusterIP', 'LoadBalancerIP'],
            neighbors: [
              {
                peerAddress: '10.0.0.1/32',
                peerASN: 65001,
                advertisedPathAttributes: [
                  {
                    selectorType: 'PodCIDR',
                    communities: { standard: ['1:1'] },
                    localPreference: 110,
                  },
                  {
                    selectorType: 'PodCIDR',
                    selector: { matchLabels: { rack: 'a' } },
                    communities: { wellKnown: ['no-export'] },
                    localPreference: 150,
                  },
                  {
                    selectorType: 'PodCIDR',
                    selector: { matchLabels: { rack: 'b' } },
                    communities: { standard: ['9:9'] },
                  },
                  // Matches any advertised host route inside the pool's CIDRs, ClusterIPs included.
                  {
                    selectorType: 'CiliumLoadBalancerIPPool',
                    selector: { matchLabels: { pool: 'vip' } },
                    communities: { large: ['1:2:3'] },
                  },
                ],
              },
            ],
          },
        ],
      },
      {},
      'cilium.io/v2alpha1',
    );
    const pool = cr(
      'CiliumLoadBalancerIPPool',
      'vip',
      { blocks: [{ cidr: '10.96.0.0/24' }, { start: '10.97.0.1', stop: '10.97.0.9' }] },
      { pool: 'vip' },
    );
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'default', labels: { announce: 'yes' } },
      spec: { type: 'LoadBalancer', clusterIP: '10.96.0.50' },
    };
    const r = renderNode(cluster(n, lp, pool, svc), 'n1');
    const routes = r.instances[0]!.peers[0]!.families.find((f) => f.afi === 'ipv4')!.routes;
    expect(routes.map((x) => [x.prefix, x.attributes])).toEqual([
      [
        '10.96.0.0/32',
        { origin: 'IGP', communities: [], largeCommunities: ['1:2:3'], localPref: 100 },
      ],
      [
        '10.96.0.50/32',
        { origin: 'IGP', communities: [], largeCommunities: ['1:2:3'], localPref: 100 },
      ],
      [
        '10.244.0.0/24',
        {
          origin: 'IGP',
          communities: ['1:1', '65535:65281'],
          largeCommunities: [],
          localPref: 150,
        },
      ],
    ]);
  });

  it('does not apply to nodes outside its selector, which then use v2', () => {
    const r = renderNode(
      cluster(
        node('n1', { x: '1' }, { ip: '192.0.2.1' }),
        policy('a', { matchLabels: { x: '2' } }),
        cc('c', undefined),
      ),
      'n1',
    );
    expect(r.source).toEqual({ kind: 'CiliumBGPClusterConfig', name: 'c' });
  });
});

describe('CiliumBGPNodeConfig', () => {
  it('generates the operator object and reads it back as a valid CiliumBGPNodeConfig', async () => {
    const { buildCluster, nodeConfigObject } = await import('../src/index.js');
    const c = cluster(
      node('n1', {}, { ip: '192.0.2.1' }),
      cc('c', undefined, [
        { name: 'p1', peerAddress: '10.0.0.1', peerASN: 65100, peerConfigRef: { name: 'pc' } },
      ]),
      cr('CiliumBGPPeerConfig', 'pc', {}),
      cr('CiliumBGPNodeConfigOverride', 'n1', {
        bgpInstances: [
          { name: 'i1', routerID: '1.2.3.4', peers: [{ name: 'p1', localAddress: '192.0.2.1' }] },
        ],
      }),
    );
    const obj = nodeConfigObject(c, 'n1');
    expect(obj).toEqual({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumBGPNodeConfig',
      metadata: {
        name: 'n1',
        ownerReferences: [
          { apiVersion: 'cilium.io/v2', kind: 'CiliumBGPClusterConfig', name: 'c' },
        ],
      },
      spec: {
        bgpInstances: [
          {
            name: 'i1',
            localASN: 65001,
            routerID: '1.2.3.4',
            peers: [
              {
                name: 'p1',
                peerAddress: '10.0.0.1',
                peerASN: 65100,
                localAddress: '192.0.2.1',
                peerConfigRef: { name: 'pc' },
              },
            ],
          },
        ],
      },
    });
    const back = buildCluster([obj as never]);
    expect(back.errors).toEqual([]);
    expect(back.nodeConfigs[0]!.bgpInstances[0]!.routerID).toBe('1.2.3.4');
    expect(back.warnings[0]!.message).toContain('generated by the operator');
    expect(nodeConfigObject(c, 'nope')).toBeUndefined();
  });
});
