/**
 * Advertisements: service address rules, traffic policies, aggregation, attributes and the
 * Cilium 1.18 merge of overlapping advertisements.
 */
import { describe, expect, it } from 'vitest';
import { type RawObject, renderNode } from '../src/index.js';
import { cluster, cr, node, prefixes, route, service, slice, v2Setup } from './helpers.js';

const N1 = node('n1', {}, { ip: '192.0.2.1', podCIDRs: ['10.244.1.0/24', 'fd00:244:1::/64'] });
const advert = (
  name: string,
  advertisements: unknown[],
  labels: Record<string, string> = { advertise: 'bgp' },
) => cr('CiliumBGPAdvertisement', name, { advertisements }, labels);
const svcAdvert = (
  addresses: string[],
  extra: Record<string, unknown> = {},
  selector: unknown = { matchLabels: { announce: 'yes' } },
) => ({
  advertisementType: 'Service',
  service: { addresses, ...extra },
  ...(selector === null ? {} : { selector }),
});
const render = (objects: RawObject[], opts = {}) =>
  renderNode(cluster(N1, ...v2Setup(), ...objects), 'n1', opts);
const lbSvc = (name: string, spec: Record<string, unknown> = {}, ingress = ['198.51.100.10']) =>
  service(
    name,
    { type: 'LoadBalancer', clusterIP: '10.96.0.10', externalIPs: ['203.0.113.10'], ...spec },
    { labels: { announce: 'yes' } },
    { ingress },
  );

describe('traffic policies', () => {
  // [case, service spec, endpoints, address type, advertised?]
  const table: [
    string,
    Record<string, unknown>,
    { node: string; ready?: boolean }[],
    string,
    boolean,
  ][] = [
    ['eTP Cluster, no endpoints: LB IP advertised', {}, [], 'LoadBalancerIP', true],
    [
      'eTP Local, ready endpoint here: LB IP advertised',
      { externalTrafficPolicy: 'Local' },
      [{ node: 'n1', ready: true }],
      'LoadBalancerIP',
      true,
    ],
    [
      'eTP Local, ready nil counts as ready',
      { externalTrafficPolicy: 'Local' },
      [{ node: 'n1' }],
      'LoadBalancerIP',
      true,
    ],
    [
      'eTP Local, endpoint here not ready: withheld',
      { externalTrafficPolicy: 'Local' },
      [{ node: 'n1', ready: false }],
      'LoadBalancerIP',
      false,
    ],
    [
      'eTP Local, endpoint elsewhere: withheld',
      { externalTrafficPolicy: 'Local' },
      [{ node: 'n2', ready: true }],
      'LoadBalancerIP',
      false,
    ],
    [
      'eTP Local applies to ExternalIP too',
      { externalTrafficPolicy: 'Local' },
      [{ node: 'n2' }],
      'ExternalIP',
      false,
    ],
    [
      'eTP Local is ignored by ClusterIP',
      { externalTrafficPolicy: 'Local' },
      [],
      'ClusterIP',
      true,
    ],
    [
      'iTP Local, endpoint here: ClusterIP advertised',
      { internalTrafficPolicy: 'Local' },
      [{ node: 'n1' }],
      'ClusterIP',
      true,
    ],
    [
      'iTP Local, endpoint elsewhere: ClusterIP withheld',
      { internalTrafficPolicy: 'Local' },
      [{ node: 'n2' }],
      'ClusterIP',
      false,
    ],
    [
      'iTP Local is ignored by LoadBalancerIP',
      { internalTrafficPolicy: 'Local' },
      [],
      'LoadBalancerIP',
      true,
    ],
  ];
  const expected: Record<string, string> = {
    LoadBalancerIP: '198.51.100.10/32',
    ExternalIP: '203.0.113.10/32',
    ClusterIP: '10.96.0.10/32',
  };
  it.each(table)('%s', (_n, spec, eps, type, advertised) => {
    const r = render([advert('a', [svcAdvert([type])]), lbSvc('s', spec), slice('s', eps)]);
    expect(prefixes(r, 'p1')).toEqual(advertised ? [expected[type]] : []);
  });

  it('withholds services without any ready endpoint when no-service-endpoints-routable is off', () => {
    const objs = [advert('a', [svcAdvert(['ClusterIP'])]), lbSvc('s')];
    expect(prefixes(render(objs), 'p1')).toEqual(['10.96.0.10/32']);
    expect(prefixes(render(objs, { noServiceEndpointsRoutable: false }), 'p1')).toEqual([]);
  });
});

describe('service address rules', () => {
  it('advertises LoadBalancer IPs only for type LoadBalancer with no class or the BGP class', () => {
    const r = render([
      advert('a', [svcAdvert(['LoadBalancerIP'])]),
      lbSvc('none', {}, ['198.51.100.1']),
      lbSvc('bgp', { loadBalancerClass: 'io.cilium/bgp-control-plane' }, ['198.51.100.2']),
      lbSvc('l2', { loadBalancerClass: 'io.cilium/l2-announcer' }, ['198.51.100.3']),
      service(
        'np',
        { type: 'NodePort', clusterIP: '10.96.0.4' },
        { labels: { announce: 'yes' } },
        { ingress: ['198.51.100.4'] },
      ),
    ]);
    expect(prefixes(r, 'p1')).toEqual(['198.51.100.1/32', '198.51.100.2/32']);
  });

  it('skips ClusterIP None and ExternalName services', () => {
    const r = render([
      advert('a', [svcAdvert(['ClusterIP', 'ExternalIP'])]),
      service('headless', { clusterIP: 'None' }, { labels: { announce: 'yes' } }),
      service(
        'ext',
        { type: 'ExternalName', externalIPs: ['203.0.113.1'] },
        { labels: { announce: 'yes' } },
      ),
      service(
        'dual',
        { clusterIPs: ['10.96.0.20', 'fd00:96::20'] },
        { labels: { announce: 'yes' } },
      ),
    ]);
    expect(prefixes(r, 'p1')).toEqual(['10.96.0.20/32']);
    expect(prefixes(r, 'p1', 'ipv6')).toEqual(['fd00:96::20/128']);
  });

  it('matches the implicit io.kubernetes.service.name/namespace labels', () => {
    const sel = {
      matchLabels: {
        'io.kubernetes.service.name': 'web',
        'io.kubernetes.service.namespace': 'shop',
      },
    };
    const r = render([
      advert('a', [svcAdvert(['ClusterIP'], {}, sel)]),
      service('web', { clusterIP: '10.96.1.1' }, { namespace: 'shop' }),
      service('web', { clusterIP: '10.96.1.2' }, { namespace: 'other' }),
    ]);
    expect(prefixes(r, 'p1')).toEqual(['10.96.1.1/32']);
  });

  it('selects no service with a nil selector, every service with the NotIn trick', () => {
    const objs = [
      service('a', { clusterIP: '10.96.2.1' }),
      service('b', { clusterIP: '10.96.2.2' }, { labels: { x: 'y' } }),
    ];
    expect(
      prefixes(render([advert('a', [svcAdvert(['ClusterIP'], {}, null)]), ...objs]), 'p1'),
    ).toEqual([]);
    const all = {
      matchExpressions: [{ key: 'somekey', operator: 'NotIn', values: ['never-used-value'] }],
    };
    expect(
      prefixes(render([advert('a', [svcAdvert(['ClusterIP'], {}, all)]), ...objs]), 'p1'),
    ).toEqual(['10.96.2.1/32', '10.96.2.2/32']);
  });

  it('aggregates VIPs to the configured lengths, once per aggregate, except under Local', () => {
    const r = render([
      advert('a', [
        svcAdvert(['LoadBalancerIP'], { aggregationLengthIPv4: 24, aggregationLengthIPv6: 64 }),
      ]),
      lbSvc('s1', {}, ['198.51.100.10', '2001:db8:1:2::10']),
      lbSvc('s2', {}, ['198.51.100.77']),
      lbSvc('local', { externalTrafficPolicy: 'Local' }, ['198.51.100.200']),
      slice('local', [{ node: 'n1' }]),
    ]);
    expect(prefixes(r, 'p1')).toEqual(['198.51.100.200/32', '198.51.100.0/24']);
    expect(prefixes(r, 'p1', 'ipv6')).toEqual(['2001:db8:1:2::/64']);
  });

  it('advertises LoadBalancer IPs from LB-IPAM when a pool exists, and from status otherwise', () => {
    const pool = cr('CiliumLoadBalancerIPPool', 'p', { blocks: [{ cidr: '10.50.0.0/30' }] });
    expect(
      prefixes(
        render([
          advert('a', [svcAdvert(['LoadBalancerIP'])]),
          lbSvc('s', {}, ['198.51.100.10']),
          pool,
        ]),
        'p1',
      ),
    ).toEqual(['10.50.0.0/32']);
    expect(
      prefixes(
        render([advert('a', [svcAdvert(['LoadBalancerIP'])]), lbSvc('s', {}, ['198.51.100.10'])]),
        'p1',
      ),
    ).toEqual(['198.51.100.10/32']);
  });

  it('gives LoadBalancer routes ORIGIN INCOMPLETE under legacyOriginAttribute', () => {
    const r = render([advert('a', [svcAdvert(['LoadBalancerIP', 'ClusterIP'])]), lbSvc('s')], {
      legacyOriginAttribute: true,
    });
    expect(route(r, 'p1').map((x) => [x.prefix, x.attributes.origin])).toEqual([
      ['10.96.0.10/32', 'IGP'],
      ['198.51.100.10/32', 'INCOMPLETE'],
    ]);
  });
});

describe('other advertisement types and families', () => {
  it('advertises pod CIDRs per family', () => {
    const r = render([advert('a', [{ advertisementType: 'PodCIDR' }])]);
    expect(prefixes(r, 'p1')).toEqual(['10.244.1.0/24']);
    expect(prefixes(r, 'p1', 'ipv6')).toEqual(['fd00:244:1::/64']);
  });

  it('advertises CiliumPodIPPool CIDRs allocated to the node for selected pools (implicit name label)', () => {
    const cn = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNode',
      metadata: { name: 'n1' },
      spec: {
        ipam: {
          pools: {
            allocated: [
              { pool: 'blue', cidrs: ['10.10.1.0/27'] },
              { pool: 'red', cidrs: ['10.20.1.0/27'] },
            ],
          },
        },
      },
    };
    const pools = ['blue', 'red'].map((n) =>
      cr(
        'CiliumPodIPPool',
        n,
        { ipv4: { cidrs: ['10.0.0.0/8'], maskSize: 27 } },
        { color: n },
        'cilium.io/v2alpha1',
      ),
    );
    const r = renderNode(
      cluster(
        N1,
        cn,
        ...pools,
        ...v2Setup(),
        advert('a', [
          {
            advertisementType: 'CiliumPodIPPool',
            selector: { matchLabels: { 'io.cilium.podippool.name': 'blue' } },
          },
        ]),
      ),
      'n1',
    );
    expect(prefixes(r, 'p1')).toEqual(['10.10.1.0/27']);
  });

  it('advertises addresses of a named interface from host facts', () => {
    const r = render(
      [advert('a', [{ advertisementType: 'Interface', interface: { name: 'lo' } }])],
      { nodeFacts: { n1: { interfaces: { lo: ['192.0.2.100', '2001:db8::100'] } } } },
    );
    expect(prefixes(r, 'p1')).toEqual(['192.0.2.100/32']);
    expect(prefixes(r, 'p1', 'ipv6')).toEqual(['2001:db8::100/128']);
  });

  it('advertises nothing for a family whose advertisements selector is nil or matches no advertisement', () => {
    const r = renderNode(
      cluster(
        N1,
        ...v2Setup().slice(0, 1),
        cr('CiliumBGPPeerConfig', 'pc', {
          families: [
            { afi: 'ipv4', safi: 'unicast' },
            { afi: 'ipv6', safi: 'unicast', advertisements: { matchLabels: { x: 'y' } } },
          ],
        }),
        advert('a', [{ advertisementType: 'PodCIDR' }]),
      ),
      'n1',
    );
    expect(prefixes(r, 'p1')).toEqual([]);
    expect(prefixes(r, 'p1', 'ipv6')).toEqual([]);
  });
});

describe('attributes and merging (Cilium 1.18)', () => {
  const attrs = (communities: Record<string, string[]>, localPreference?: number) => ({
    communities,
    ...(localPreference === undefined ? {} : { localPreference }),
  });

  it('resolves every well-known community name to its value', () => {
    const names = [
      'internet',
      'planned-shut',
      'accept-own',
      'route-filter-translated-v4',
      'route-filter-v4',
      'route-filter-translated-v6',
      'route-filter-v6',
      'llgr-stale',
      'no-llgr',
      'blackhole',
      'no-export',
      'no-advertise',
      'no-export-subconfed',
      'no-peer',
    ];
    const r = render([
      advert('a', [{ advertisementType: 'PodCIDR', attributes: attrs({ wellKnown: names }) }]),
    ]);
    expect(route(r, 'p1')[0]!.attributes.communities).toEqual([
      '0:0',
      '65535:0',
      '65535:1',
      '65535:2',
      '65535:3',
      '65535:4',
      '65535:5',
      '65535:6',
      '65535:7',
      '65535:666',
      '65535:65281',
      '65535:65282',
      '65535:65283',
      '65535:65284',
    ]);
  });

  // [rule, advertisement A attributes, advertisement B attributes, expected merged attributes (iBGP)]
  const merge: [
    string,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
  ][] = [
    [
      'communities are the union, sorted by value',
      attrs({ standard: ['65001:200'] }),
      attrs({ standard: ['65001:100'] }),
      { communities: ['65001:100', '65001:200'], largeCommunities: [], localPref: 100 },
    ],
    [
      'duplicates by value collapse (decimal vs a:b vs well-known)',
      attrs({ standard: ['4294967041'] }),
      attrs({ standard: ['65535:65281'], wellKnown: ['no-export'] }),
      { communities: ['65535:65281'], largeCommunities: [], localPref: 100 },
    ],
    [
      'large communities are the union',
      attrs({ large: ['1:2:3'] }),
      attrs({ large: ['1:2:3', '0:0:1'] }),
      { communities: [], largeCommunities: ['0:0:1', '1:2:3'], localPref: 100 },
    ],
    [
      'highest LOCAL_PREF wins',
      attrs({}, 300),
      attrs({}, 120),
      { communities: [], largeCommunities: [], localPref: 300 },
    ],
    [
      'a set LOCAL_PREF beats an unset one',
      attrs({}),
      attrs({}, 50),
      { communities: [], largeCommunities: [], localPref: 50 },
    ],
  ];
  it.each(merge)('%s', (_n, a, b, want) => {
    const c = cluster(
      N1,
      ...v2Setup({ localASN: 65001, peerASN: 65001 }),
      advert('a', [{ advertisementType: 'PodCIDR', attributes: a }]),
      advert('b', [{ advertisementType: 'PodCIDR', attributes: b }]),
    );
    const r = renderNode(c, 'n1');
    expect(route(r, 'p1')[0]).toEqual({
      prefix: '10.244.1.0/24',
      attributes: { origin: 'IGP', ...want },
      sources: ['CiliumBGPAdvertisement/a[0]', 'CiliumBGPAdvertisement/b[0]'],
    });
  });

  it('sends LOCAL_PREF (default 100) to iBGP peers only', () => {
    const ibgp = renderNode(
      cluster(N1, ...v2Setup({ peerASN: 65001 }), advert('a', [{ advertisementType: 'PodCIDR' }])),
      'n1',
    );
    expect(route(ibgp, 'p1')[0]!.attributes.localPref).toBe(100);
    const ebgp = render([
      advert('a', [{ advertisementType: 'PodCIDR', attributes: attrs({}, 500) }]),
    ]);
    expect('localPref' in route(ebgp, 'p1')[0]!.attributes).toBe(false);
  });

  it('merges a base advertisement for all services with a premium one, and orders /32 before the aggregate', () => {
    const all = {
      matchExpressions: [{ key: 'somekey', operator: 'NotIn', values: ['never-used-value'] }],
    };
    const r = render([
      advert('base', [svcAdvert(['LoadBalancerIP'], { aggregationLengthIPv4: 24 }, all)], {
        advertise: 'bgp',
      }),
      advert(
        'premium',
        [{ ...svcAdvert(['LoadBalancerIP']), attributes: attrs({ standard: ['65001:200'] }) }],
        { advertise: 'bgp' },
      ),
      lbSvc('s', {}, ['198.51.100.10']),
    ]);
    expect(route(r, 'p1').map((x) => [x.prefix, x.attributes.communities])).toEqual([
      ['198.51.100.10/32', ['65001:200']],
      ['198.51.100.0/24', []],
    ]);
  });
});
