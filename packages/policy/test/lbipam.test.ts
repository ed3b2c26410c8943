/**
 * LB-IPAM: allocation rules, sharing, families, conflicts, conditions, and properties
 * (no IP to two incompatible services, never outside a pool, stable and order-independent).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateLbIps,
  buildCluster,
  type Cluster,
  ipToBigInt,
  type LbIpamResult,
  poolRanges,
  type RawObject,
} from '../src/index.js';
import { cluster, condition, cr, service } from './helpers.js';

const pool = (
  name: string,
  spec: Record<string, unknown>,
  labels: Record<string, string> = {},
  created?: string,
) =>
  cr(
    'CiliumLoadBalancerIPPool',
    name,
    spec,
    labels,
    'cilium.io/v2',
    created ? { creationTimestamp: created } : {},
  );
const lb = (
  name: string,
  spec: Record<string, unknown> = {},
  meta: Parameters<typeof service>[2] = {},
  status?: { ingress: string[] },
) => service(name, { type: 'LoadBalancer', ports: [{ port: 80 }], ...spec }, meta, status);
const ips = (r: LbIpamResult) =>
  Object.fromEntries(r.allocations.map((a) => [`${a.namespace}/${a.service}`, a.ips]));
const reason = (r: LbIpamResult, svc: string) =>
  condition(r, `Service/${svc}`, 'cilium.io/IPAMRequestSatisfied');

describe('allocation', () => {
  it('is dormant without pools', () => {
    expect(allocateLbIps(cluster(lb('a')))).toEqual({ allocations: [], pools: [], conditions: [] });
  });

  it('allocates the lowest free address, in creation order, skipping reserved first/last IPs under allowFirstLastIPs: No', () => {
    const c = cluster(
      pool('p', { blocks: [{ cidr: '10.0.0.0/30' }], allowFirstLastIPs: 'No' }),
      lb('b', {}, { creationTimestamp: '2024-01-01T00:00:00Z' }),
      lb('a', {}, { creationTimestamp: '2024-01-02T00:00:00Z' }),
      lb('c', {}, { creationTimestamp: '2024-01-03T00:00:00Z' }),
    );
    const r = allocateLbIps(c);
    expect(ips(r)).toEqual({
      'default/a': ['10.0.0.2'],
      'default/b': ['10.0.0.1'],
      'default/c': [],
    });
    expect(reason(r, 'default/c')).toMatchObject({ status: 'False', reason: 'out_of_ips' });
    expect(r.pools[0]).toMatchObject({ ipsTotal: '2', ipsUsed: '2', ipsAvailable: '0' });
  });

  it('keeps /31 and /32 first and last addresses even under allowFirstLastIPs: No, and uses start/stop ranges', () => {
    const c = cluster(
      pool('p', {
        blocks: [
          { cidr: '10.0.0.8/31' },
          { start: '10.0.1.5', stop: '10.0.1.6' },
          { start: '10.0.2.1' },
        ],
        allowFirstLastIPs: 'No',
      }),
    );
    expect(poolRanges(c.lbPools[0]!).map((r) => [r.first, r.last].map(String))).toEqual([
      [String(ipToBigInt('10.0.0.8')), String(ipToBigInt('10.0.0.9'))],
      [String(ipToBigInt('10.0.1.5')), String(ipToBigInt('10.0.1.6'))],
      [String(ipToBigInt('10.0.2.1')), String(ipToBigInt('10.0.2.1'))],
    ]);
  });

  it('matches pools by serviceSelector (implicit labels included); no match gives no_pool', () => {
    const c = cluster(
      pool('prod', {
        blocks: [{ cidr: '10.1.0.0/24' }],
        serviceSelector: { matchLabels: { 'io.kubernetes.service.namespace': 'prod' } },
      }),
      lb('a', {}, { namespace: 'prod' }),
      lb('b', {}, { namespace: 'dev' }),
    );
    const r = allocateLbIps(c);
    expect(ips(r)).toEqual({ 'dev/b': [], 'prod/a': ['10.1.0.0'] });
    expect(reason(r, 'dev/b')).toMatchObject({
      status: 'False',
      reason: 'no_pool',
      message: 'There are no enabled CiliumLoadBalancerIPPools that match this service',
    });
  });

  it('serves only LoadBalancer services with no class or a Cilium class', () => {
    const c = cluster(
      pool('p', { blocks: [{ cidr: '10.2.0.0/24' }] }),
      lb('plain'),
      lb('bgp', { loadBalancerClass: 'io.cilium/bgp-control-plane' }),
      lb('l2', { loadBalancerClass: 'io.cilium/l2-announcer' }),
      lb('other', { loadBalancerClass: 'example.com/lb' }),
      service('cip', { type: 'ClusterIP' }),
    );
    expect(Object.keys(ips(allocateLbIps(c)))).toEqual(['default/bgp', 'default/plain']);
    expect(Object.keys(ips(allocateLbIps(c, { l2AnnouncementsEnabled: true })))).toEqual([
      'default/bgp',
      'default/l2',
      'default/plain',
    ]);
    expect(Object.keys(ips(allocateLbIps(c, { defaultLBServiceIPAM: 'nodeipam' })))).toEqual([
      'default/bgp',
    ]);
  });

  it('skips disabled pools for new allocations but keeps existing ones', () => {
    const c = cluster(
      pool('off', { blocks: [{ cidr: '10.3.0.0/24' }], disabled: true }),
      pool('on', { blocks: [{ cidr: '10.4.0.0/24' }] }),
      lb('old', {}, {}, { ingress: ['10.3.0.7'] }),
      lb('new'),
    );
    expect(ips(allocateLbIps(c))).toEqual({
      'default/new': ['10.4.0.0'],
      'default/old': ['10.3.0.7'],
    });
  });

  it('marks the newer of two overlapping pools conflicting and allocates only from the older', () => {
    const c = cluster(
      pool('young', { blocks: [{ cidr: '10.5.0.0/24' }] }, {}, '2024-02-01T00:00:00Z'),
      pool('old', { blocks: [{ cidr: '10.5.0.128/25' }] }, {}, '2024-01-01T00:00:00Z'),
      lb('a'),
    );
    const r = allocateLbIps(c);
    expect(ips(r)).toEqual({ 'default/a': ['10.5.0.128'] });
    expect(condition(r, 'CiliumLoadBalancerIPPool/young', 'cilium.io/PoolConflict')).toMatchObject({
      status: 'True',
      reason: 'cidr_overlap',
      message:
        "Pool conflicts since range '10.5.0.0 - 10.5.0.255' overlaps range '10.5.0.128 - 10.5.0.255' from IP Pool 'old'",
    });
    expect(condition(r, 'CiliumLoadBalancerIPPool/old', 'cilium.io/PoolConflict')).toMatchObject({
      status: 'False',
      reason: 'resolved',
    });
    expect(r.pools.find((p) => p.name === 'young')).toMatchObject({
      conflicting: true,
      ipsAvailable: '0',
    });
  });

  it('re-satisfies a service when its pool range goes away', () => {
    const before = cluster(
      pool('a', { blocks: [{ cidr: '10.6.0.0/24' }] }),
      pool('b', { blocks: [{ cidr: '10.7.0.0/24' }] }),
      lb('s', {}, {}, { ingress: ['10.6.0.9'] }),
    );
    expect(ips(allocateLbIps(before))).toEqual({ 'default/s': ['10.6.0.9'] });
    const after = cluster(
      pool('b', { blocks: [{ cidr: '10.7.0.0/24' }] }),
      lb('s', {}, {}, { ingress: ['10.6.0.9'] }),
    );
    expect(ips(allocateLbIps(after))).toEqual({ 'default/s': ['10.7.0.0'] });
  });

  it("reports the pool counters as Cilium's conditions", () => {
    const r = allocateLbIps(
      cluster(pool('p', { blocks: [{ cidr: '10.8.0.0/29' }, { cidr: 'fd00:8::/126' }] }), lb('a')),
    );
    expect(
      r.conditions
        .filter((c) => c.object === 'CiliumLoadBalancerIPPool/p')
        .map((c) => [c.type, c.status, c.reason, c.message]),
    ).toEqual([
      ['cilium.io/IPsTotal', 'Unknown', 'noreason', '12'],
      ['cilium.io/IPsAvailable', 'Unknown', 'noreason', '11'],
      ['cilium.io/IPsUsed', 'Unknown', 'noreason', '1'],
      ['cilium.io/PoolConflict', 'False', 'resolved', ''],
    ]);
  });
});

describe('requested IPs', () => {
  const p = pool('p', { blocks: [{ cidr: '10.9.0.0/24' }] }, { tier: 'a' });
  it('honours lbipam.cilium.io/ips, io.cilium/lb-ipam-ips and spec.loadBalancerIP', () => {
    const c = cluster(
      p,
      lb('new', {}, { annotations: { 'lbipam.cilium.io/ips': '10.9.0.5,10.9.0.6' } }),
      lb('old', {}, { annotations: { 'io.cilium/lb-ipam-ips': '10.9.0.7' } }),
      lb('spec', { loadBalancerIP: '10.9.0.8' }),
    );
    expect(ips(allocateLbIps(c))).toEqual({
      'default/new': ['10.9.0.5', '10.9.0.6'],
      'default/old': ['10.9.0.7'],
      'default/spec': ['10.9.0.8'],
    });
  });
  const table: [string, RawObject[], string, string][] = [
    [
      'outside every pool',
      [lb('s', { loadBalancerIP: '192.0.2.1' })],
      'no_pool',
      "No pool exists with a CIDR containing '192.0.2.1'",
    ],
    [
      'pool does not select the service',
      [
        pool('q', {
          blocks: [{ cidr: '10.10.0.0/24' }],
          serviceSelector: { matchLabels: { x: 'y' } },
        }),
        lb('s', { loadBalancerIP: '10.10.0.1' }),
      ],
      'pool_selector_mismatch',
      "The pool containing the requested IP doesn't select this service",
    ],
    [
      'taken, no sharing key',
      [
        lb('a', { loadBalancerIP: '10.9.0.1' }),
        lb('s', { loadBalancerIP: '10.9.0.1' }, { creationTimestamp: '2030-01-01T00:00:00Z' }),
      ],
      'already_allocated',
      'The requested IP is already allocated to another service',
    ],
    [
      'taken by the same key but port clash',
      [
        lb(
          'a',
          { loadBalancerIP: '10.9.0.1' },
          { annotations: { 'lbipam.cilium.io/sharing-key': 'k' } },
        ),
        lb(
          's',
          { loadBalancerIP: '10.9.0.1' },
          {
            annotations: { 'lbipam.cilium.io/sharing-key': 'k' },
            creationTimestamp: '2030-01-01T00:00:00Z',
          },
        ),
      ],
      'already_allocated_incompatible_service',
      'The requested IP is allocated to a service with the same sharing key that cannot share it',
    ],
  ];
  it.each(table)('fails when %s', (_n, objects, why, message) => {
    const r = allocateLbIps(cluster(p, ...objects));
    expect(reason(r, 'default/s')).toMatchObject({ status: 'False', reason: why, message });
  });
});

describe('sharing rules', () => {
  const key = (k: string, extra: Record<string, string> = {}) => ({
    annotations: { 'lbipam.cilium.io/sharing-key': k, ...extra },
  });
  const svc = (name: string, spec: Record<string, unknown>, meta: Parameters<typeof service>[2]) =>
    lb(name, spec, meta);
  // [rule, service A, service B, share?]
  const table: [string, RawObject, RawObject, boolean][] = [
    [
      'same key, different ports: share',
      svc('a', {}, key('k')),
      svc('b', { ports: [{ port: 443 }] }, key('k')),
      true,
    ],
    [
      'same port number: no',
      svc('a', {}, key('k')),
      svc('b', { ports: [{ port: 80, protocol: 'UDP' }] }, key('k')),
      false,
    ],
    [
      'different keys: no',
      svc('a', {}, key('k')),
      svc('b', { ports: [{ port: 443 }] }, key('j')),
      false,
    ],
    ['no key: no', svc('a', {}, {}), svc('b', { ports: [{ port: 443 }] }, {}), false],
    [
      'different namespaces: no',
      svc('a', {}, { ...key('k'), namespace: 'x' }),
      svc('b', { ports: [{ port: 443 }] }, { ...key('k'), namespace: 'y' }),
      false,
    ],
    [
      'cross-namespace allowed by both: share',
      svc(
        'a',
        {},
        { ...key('k', { 'lbipam.cilium.io/sharing-cross-namespace': 'y' }), namespace: 'x' },
      ),
      svc(
        'b',
        { ports: [{ port: 443 }] },
        { ...key('k', { 'io.cilium/lb-ipam-sharing-cross-namespace': '*' }), namespace: 'y' },
      ),
      true,
    ],
    [
      'cross-namespace allowed by one only: no',
      svc(
        'a',
        {},
        { ...key('k', { 'lbipam.cilium.io/sharing-cross-namespace': 'y' }), namespace: 'x' },
      ),
      svc('b', { ports: [{ port: 443 }] }, { ...key('k'), namespace: 'y' }),
      false,
    ],
    [
      'different externalTrafficPolicy: no',
      svc('a', {}, key('k')),
      svc(
        'b',
        { ports: [{ port: 443 }], externalTrafficPolicy: 'Local', selector: { app: 'x' } },
        key('k'),
      ),
      false,
    ],
    [
      'both Local, same selector: share',
      svc('a', { externalTrafficPolicy: 'Local', selector: { app: 'x' } }, key('k')),
      svc(
        'b',
        { ports: [{ port: 443 }], externalTrafficPolicy: 'Local', selector: { app: 'x' } },
        key('k'),
      ),
      true,
    ],
    [
      'both Local, different selectors: no',
      svc('a', { externalTrafficPolicy: 'Local', selector: { app: 'x' } }, key('k')),
      svc(
        'b',
        { ports: [{ port: 443 }], externalTrafficPolicy: 'Local', selector: { app: 'y' } },
        key('k'),
      ),
      false,
    ],
    [
      'both Local, empty selectors: no',
      svc('a', { externalTrafficPolicy: 'Local' }, key('k')),
      svc('b', { ports: [{ port: 443 }], externalTrafficPolicy: 'Local' }, key('k')),
      false,
    ],
  ];
  it.each(table)('%s', (_n, a, b, share) => {
    const r = allocateLbIps(cluster(pool('p', { blocks: [{ cidr: '10.11.0.0/24' }] }), a, b));
    const got = r.allocations.map((x) => x.ips[0]);
    expect(got[0] === got[1]).toBe(share);
  });
});

describe('IP families', () => {
  const pools = [
    pool('v4', { blocks: [{ cidr: '10.12.0.0/24' }] }),
    pool('v6', { blocks: [{ cidr: 'fd00:12::/120' }] }),
  ];
  const table: [
    string,
    Record<string, unknown>,
    { ipv4Enabled?: boolean; ipv6Enabled?: boolean },
    string[],
    string,
  ][] = [
    ['default: IPv4', {}, {}, ['10.12.0.0'], 'satisfied'],
    ['SingleStack IPv6', { ipFamilies: ['IPv6'] }, {}, ['fd00:12::'], 'satisfied'],
    [
      'PreferDualStack: both',
      { ipFamilyPolicy: 'PreferDualStack' },
      {},
      ['10.12.0.0', 'fd00:12::'],
      'satisfied',
    ],
    [
      'PreferDualStack in an IPv4-only cluster: IPv4, satisfied',
      { ipFamilyPolicy: 'PreferDualStack' },
      { ipv6Enabled: false },
      ['10.12.0.0'],
      'satisfied',
    ],
    [
      'RequireDualStack: both',
      { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv6', 'IPv4'] },
      {},
      ['10.12.0.0', 'fd00:12::'],
      'satisfied',
    ],
    [
      'RequireDualStack in an IPv4-only cluster: unsatisfied',
      { ipFamilyPolicy: 'RequireDualStack' },
      { ipv6Enabled: false },
      [],
      'no_pool',
    ],
    ['no IPv4 in the cluster: IPv6', {}, { ipv4Enabled: false }, ['fd00:12::'], 'satisfied'],
  ];
  it.each(table)('%s', (_n, spec, opts, want, why) => {
    const r = allocateLbIps(cluster(...pools, lb('s', spec)), opts);
    expect(ips(r)['default/s']).toEqual(want);
    expect(reason(r, 'default/s')!.reason).toBe(why);
  });
});

// ---- properties ----

const arbPool = fc.record({
  base: fc.integer({ min: 0, max: 3 }),
  len: fc.integer({ min: 28, max: 32 }),
  selector: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  disabled: fc.boolean(),
  firstLast: fc.constantFrom(undefined, 'No', 'Yes'),
  ts: fc.integer({ min: 0, max: 5 }),
});
const arbSvc = fc.record({
  ns: fc.constantFrom('x', 'y'),
  tier: fc.constantFrom('a', 'b'),
  key: fc.option(fc.constantFrom('k1', 'k2'), { nil: undefined }),
  cross: fc.boolean(),
  port: fc.constantFrom(80, 443, 8080),
  local: fc.boolean(),
  sel: fc.constantFrom('', 'app1', 'app2'),
  request: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
  ts: fc.integer({ min: 0, max: 5 }),
});

function buildObjects(pools: unknown[], svcs: unknown[]): RawObject[] {
  const out: RawObject[] = [];
  (
    pools as {
      base: number;
      len: number;
      selector?: string;
      disabled: boolean;
      firstLast?: string;
      ts: number;
    }[]
  ).forEach((p, i) => {
    out.push(
      pool(
        `pool-${i}`,
        {
          blocks: [{ cidr: `10.100.${p.base}.${(i * 16) % 256}/${p.len}` }],
          ...(p.selector ? { serviceSelector: { matchLabels: { tier: p.selector } } } : {}),
          ...(p.disabled ? { disabled: true } : {}),
          ...(p.firstLast ? { allowFirstLastIPs: p.firstLast } : {}),
        },
        {},
        `2024-01-0${p.ts + 1}T00:00:00Z`,
      ),
    );
  });
  (
    svcs as {
      ns: string;
      tier: string;
      key?: string;
      cross: boolean;
      port: number;
      local: boolean;
      sel: string;
      request?: number;
      ts: number;
    }[]
  ).forEach((s, i) => {
    const annotations: Record<string, string> = {};
    if (s.key) annotations['lbipam.cilium.io/sharing-key'] = s.key;
    if (s.cross) annotations['lbipam.cilium.io/sharing-cross-namespace'] = '*';
    if (s.request !== undefined) annotations['lbipam.cilium.io/ips'] = `10.100.0.${s.request}`;
    out.push(
      lb(
        `svc-${i}`,
        {
          ports: [{ port: s.port }],
          ...(s.local ? { externalTrafficPolicy: 'Local' } : {}),
          ...(s.sel ? { selector: { app: s.sel } } : {}),
        },
        {
          namespace: s.ns,
          labels: { tier: s.tier },
          annotations,
          creationTimestamp: `2024-02-0${s.ts + 1}T00:00:00Z`,
        },
      ),
    );
  });
  return out;
}

/** Writes allocations back into the services' status, as the operator would. */
function withStatus(objects: RawObject[], r: LbIpamResult): RawObject[] {
  const byKey = new Map(r.allocations.map((a) => [`${a.namespace}/${a.service}`, a.ips]));
  return objects.map((o) => {
    if (o.kind !== 'Service') return o;
    const m = o.metadata as { name: string; namespace: string };
    const got = byKey.get(`${m.namespace}/${m.name}`) ?? [];
    return { ...o, status: { loadBalancer: { ingress: got.map((ip) => ({ ip })) } } };
  });
}

function holders(c: Cluster, r: LbIpamResult) {
  const by = new Map<string, string[]>();
  for (const a of r.allocations)
    for (const ip of a.ips) by.set(ip, [...(by.get(ip) ?? []), `${a.namespace}/${a.service}`]);
  const svc = (k: string) => c.services.find((s) => `${s.meta.namespace}/${s.meta.name}` === k)!;
  return { by, svc };
}

type Svc = Cluster['services'][number];
// Independent model of the sharing rules (reference facts, section 4), not the implementation.
function compatible(a: Svc, b: Svc): boolean {
  const key = (s: Svc) => s.meta.annotations['lbipam.cilium.io/sharing-key'];
  const cross = (s: Svc, ns: string) => {
    const v = (s.meta.annotations['lbipam.cilium.io/sharing-cross-namespace'] ?? '').split(',');
    return v.includes('*') || v.includes(ns);
  };
  if (key(a) === undefined || key(a) !== key(b)) return false;
  if (
    a.meta.namespace !== b.meta.namespace &&
    !(cross(a, b.meta.namespace) && cross(b, a.meta.namespace))
  )
    return false;
  if (a.ports.some((p) => b.ports.some((q) => q.port === p.port))) return false;
  if (a.externalTrafficPolicy !== b.externalTrafficPolicy) return false;
  if (a.externalTrafficPolicy === 'Local') {
    const sa = JSON.stringify(Object.entries(a.podSelector).sort());
    if (
      Object.keys(a.podSelector).length === 0 ||
      sa !== JSON.stringify(Object.entries(b.podSelector).sort())
    )
      return false;
  }
  return true;
}

describe('LB-IPAM properties', () => {
  const input = fc.tuple(
    fc.array(arbPool, { minLength: 1, maxLength: 4 }),
    fc.array(arbSvc, { maxLength: 12 }),
  );

  it('property: never gives one IP to two incompatible services', () => {
    fc.assert(
      fc.property(input, ([pools, svcs]) => {
        const c = buildCluster(buildObjects(pools, svcs));
        const r = allocateLbIps(c);
        const { by, svc } = holders(c, r);
        for (const keys of by.values()) {
          for (let i = 0; i < keys.length; i++) {
            for (let j = i + 1; j < keys.length; j++) {
              expect(compatible(svc(keys[i]!), svc(keys[j]!))).toBe(true);
            }
          }
        }
      }),
    );
  });

  it('property: never allocates outside a non-conflicting range of a pool that selects the service', () => {
    fc.assert(
      fc.property(input, ([pools, svcs]) => {
        const c = buildCluster(buildObjects(pools, svcs));
        const r = allocateLbIps(c);
        const conflicting = new Set(r.pools.filter((p) => p.conflicting).map((p) => p.name));
        for (const a of r.allocations) {
          a.ips.forEach((ip, i) => {
            const p = c.lbPools.find((x) => x.meta.name === a.pools[i])!;
            expect(conflicting.has(p.meta.name)).toBe(false);
            const v = ipToBigInt(ip);
            expect(poolRanges(p).some((rg) => rg.first <= v && v <= rg.last)).toBe(true);
          });
        }
      }),
    );
  });

  it('property: stable under re-rendering with the allocations written back to status', () => {
    fc.assert(
      fc.property(input, ([pools, svcs]) => {
        const objects = buildObjects(pools, svcs);
        const first = allocateLbIps(buildCluster(objects));
        const second = allocateLbIps(buildCluster(withStatus(objects, first)));
        expect(ips(second)).toEqual(ips(first));
      }),
    );
  });

  it('property: independent of the order of the input objects', () => {
    fc.assert(
      fc.property(
        input,
        fc.infiniteStream(fc.nat()).map((s) => s),
        ([pools, svcs], stream) => {
          const objects = buildObjects(pools, svcs);
          const keys = [...stream.take(objects.length)];
          const shuffled = objects
            .map((o, i) => [keys[i]!, o] as const)
            .sort((a, b) => a[0] - b[0])
            .map(([, o]) => o);
          expect(allocateLbIps(buildCluster(shuffled))).toEqual(
            allocateLbIps(buildCluster(objects)),
          );
        },
      ),
    );
  });

  it('property: an allocated IP stays put when unrelated services are added', () => {
    fc.assert(
      fc.property(
        input,
        fc.array(arbSvc, { minLength: 1, maxLength: 4 }),
        ([pools, svcs], more) => {
          const objects = buildObjects(pools, svcs);
          const first = allocateLbIps(buildCluster(objects));
          const extra = buildObjects([], more).map((o) => ({
            ...o,
            metadata: {
              ...(o.metadata as object),
              name: `extra-${(o.metadata as { name: string }).name}`,
            },
          }));
          const second = allocateLbIps(buildCluster([...withStatus(objects, first), ...extra]));
          const after = ips(second);
          for (const [k, v] of Object.entries(ips(first))) expect(after[k]).toEqual(v);
        },
      ),
    );
  });
});
