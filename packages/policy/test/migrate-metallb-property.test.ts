/**
 * MetalLB → Cilium: a property over generated MetalLB BGP configurations. A small reference
 * model of what MetalLB announces (per peer: each service IP covered by an advertisement, as
 * IP/aggregationLength, with the union of the covering advertisements' communities and their
 * LOCAL_PREF on iBGP) is compared with what the migrated Cilium resources render to.
 */

import { formatPrefix, parsePrefix } from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadCluster, migrateMetalLB, parseStandardCommunity, renderNode } from '../src/index.js';

interface World {
  pools: { autoAssign: boolean; label: 'a' | 'b' }[];
  peers: { ibgp: boolean }[];
  adverts: {
    pools: number[] | null;
    peers: number[];
    communities: string[];
    localPref: boolean;
    agg: number | null;
    svcSel: 'web' | null;
  }[];
  services: { pool: number; host: number; app: 'web' | 'db' }[];
}

const LOCAL_PREF = 150;
const poolCidr = (i: number) => `10.${40 + i}.0.0/24`;

function metallbYaml(w: World): string {
  const docs: unknown[] = [];
  w.pools.forEach((p, i) => {
    docs.push({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: `pool-${i}`, namespace: 'metallb-system', labels: { zone: p.label } },
      spec: { addresses: [poolCidr(i)], autoAssign: p.autoAssign },
    });
  });
  docs.push({
    apiVersion: 'metallb.io/v1beta1',
    kind: 'Community',
    metadata: { name: 'c', namespace: 'metallb-system' },
    spec: {
      communities: [
        { name: 'gold', value: '65001:777' },
        { name: 'huge', value: 'large:9:9:9' },
      ],
    },
  });
  w.peers.forEach((p, i) => {
    docs.push({
      apiVersion: 'metallb.io/v1beta2',
      kind: 'BGPPeer',
      metadata: { name: `peer-${i}`, namespace: 'metallb-system' },
      spec: { myASN: 65001, peerASN: p.ibgp ? 65001 : 65100, peerAddress: `10.0.0.${i + 1}` },
    });
  });
  w.adverts.forEach((a, i) => {
    docs.push({
      apiVersion: 'metallb.io/v1beta1',
      kind: 'BGPAdvertisement',
      metadata: { name: `adv-${i}`, namespace: 'metallb-system' },
      spec: {
        ...(a.pools ? { ipAddressPools: a.pools.map((p) => `pool-${p}`) } : {}),
        ...(a.peers.length > 0 ? { peers: a.peers.map((p) => `peer-${p}`) } : {}),
        communities: a.communities,
        ...(a.localPref ? { localPref: LOCAL_PREF } : {}),
        ...(a.agg !== null ? { aggregationLength: a.agg } : {}),
        ...(a.svcSel ? { serviceSelectors: [{ matchLabels: { app: a.svcSel } }] } : {}),
      },
    });
  });
  const seen = new Set<string>();
  w.services.forEach((s, i) => {
    const ip = `10.${40 + s.pool}.0.${s.host}`;
    if (seen.has(ip)) return;
    seen.add(ip);
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: `svc-${i}`,
        namespace: 'default',
        labels: { app: s.app },
        annotations: {
          'metallb.io/loadBalancerIPs': ip,
          'metallb.io/ip-allocated-from-pool': `pool-${s.pool}`,
        },
      },
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }] },
    });
  });
  return docs.map((d) => stringify(d)).join('---\n');
}

/** What MetalLB announces to each peer: `peer|prefix|communities|large|localPref`. */
function metallbModel(w: World): string[] {
  const routes = new Map<string, { std: Set<number>; large: Set<string>; lp: boolean }>();
  const seen = new Set<string>();
  w.services.forEach((s) => {
    const ip = `10.${40 + s.pool}.0.${s.host}`;
    if (seen.has(ip)) return;
    seen.add(ip);
    w.adverts.forEach((a) => {
      if (a.pools && !a.pools.includes(s.pool)) return;
      if (a.svcSel && a.svcSel !== s.app) return;
      w.peers.forEach((_p, pi) => {
        if (a.peers.length > 0 && !a.peers.includes(pi)) return;
        const prefix = formatPrefix(parsePrefix(`${ip}/${a.agg ?? 32}`));
        const key = `peer-${pi}|${prefix}`;
        const r = routes.get(key) ?? { std: new Set(), large: new Set(), lp: false };
        for (const c of a.communities) {
          const v = c === 'gold' ? '65001:777' : c === 'huge' ? 'large:9:9:9' : c;
          if (v.startsWith('large:')) r.large.add(v.slice(6));
          else r.std.add(parseStandardCommunity(v)!);
        }
        r.lp ||= a.localPref;
        routes.set(key, r);
      });
    });
  });
  return [...routes]
    .map(([key, r]) => {
      const ibgp = w.peers[Number(key.slice(5, key.indexOf('|')))]!.ibgp;
      const std = [...r.std]
        .sort((x, y) => x - y)
        .map((v) => `${Math.floor(v / 65536)}:${v % 65536}`);
      return `${key}|${std.join(',')}|${[...r.large].sort().join(',')}|${ibgp ? (r.lp ? LOCAL_PREF : 100) : '-'}`;
    })
    .sort();
}

function ciliumRoutes(yaml: string): string[] {
  const m = migrateMetalLB(loadCluster(yaml));
  const out = loadCluster([
    { name: 'migrated', text: m.objects.map((o) => stringify(o)).join('---\n') },
    {
      name: 'node',
      text: 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 192.0.2.1}]}\n',
    },
  ]);
  expect(out.errors).toEqual([]);
  const r = renderNode(out, 'n1');
  return r.instances
    .flatMap((i) =>
      i.peers.flatMap((p) =>
        p.families.flatMap((f) =>
          f.routes.map(
            (rt) =>
              `${p.name}|${rt.prefix}|${rt.attributes.communities.join(',')}|${rt.attributes.largeCommunities.join(',')}|${rt.attributes.localPref ?? '-'}`,
          ),
        ),
      ),
    )
    .sort();
}

const worldArb: fc.Arbitrary<World> = fc
  .record({
    pools: fc.array(
      fc.record({ autoAssign: fc.boolean(), label: fc.constantFrom('a' as const, 'b' as const) }),
      { minLength: 1, maxLength: 3 },
    ),
    peers: fc.array(fc.record({ ibgp: fc.boolean() }), { minLength: 1, maxLength: 2 }),
    adverts: fc.array(
      fc.record({
        pools: fc.option(fc.array(fc.nat(2), { minLength: 1, maxLength: 2 }), { nil: null }),
        peers: fc.array(fc.nat(1), { maxLength: 2 }),
        communities: fc.subarray(['65001:1', '65001:2', 'gold', 'huge', '4259840003']),
        localPref: fc.boolean(),
        agg: fc.option(fc.constantFrom(24, 28, 32), { nil: null }),
        svcSel: fc.option(fc.constantFrom('web' as const), { nil: null }),
      }),
      { maxLength: 3 },
    ),
    services: fc.array(
      fc.record({
        pool: fc.nat(2),
        host: fc.integer({ min: 1, max: 40 }),
        app: fc.constantFrom('web' as const, 'db' as const),
      }),
      { maxLength: 5 },
    ),
  })
  .map((w) => ({
    ...w,
    // Keep references inside the generated lists; MetalLB forbids aggregation with serviceSelectors.
    adverts: w.adverts.map((a) => ({
      ...a,
      pools: a.pools ? [...new Set(a.pools.map((p) => p % w.pools.length))] : null,
      peers: [...new Set(a.peers.map((p) => p % w.peers.length))],
      agg: a.svcSel ? null : a.agg,
    })),
    services: w.services.map((s) => ({ ...s, pool: s.pool % w.pools.length })),
  }));

describe('MetalLB migration property', () => {
  it('property: the migrated Cilium resources advertise what MetalLB announced, with the same attributes', () => {
    let withCommunities = 0;
    fc.assert(
      fc.property(worldArb, (w) => {
        const want = metallbModel(w);
        expect(ciliumRoutes(metallbYaml(w))).toEqual(want);
        if (want.some((l) => /\|\d+:\d+/.test(l))) withCommunities++;
      }),
    );
    // The generator must reach routes with attributes, not only empty configurations.
    expect(withCommunities).toBeGreaterThan(0);
  });
});
