import { loadCluster, renderNode } from '@bgp/policy';
import {
  attributesKey,
  comparePaths,
  formatAttributes,
  formatUptime,
  fromUpdate,
  LocRib,
  normalizeAttributes,
  type PathSource,
  packUpdates,
  parseCommunityText,
  parseHostPort,
  peersTable,
  planFromRender,
  type RibPath,
  toWireAttributes,
} from '@bgp/speaker';
import {
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  formatPrefix,
  parsePrefix,
} from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const src = (address: string | null, kind: PathSource['kind'], bgpIdentifier = 1): PathSource => ({
  address,
  asn: kind === 'ebgp' ? 65100 : 65001,
  bgpIdentifier,
  kind,
});
const path = (
  address: string | null,
  kind: PathSource['kind'],
  attrs: Parameters<typeof normalizeAttributes>[0] = {},
  id = 1,
): RibPath => ({
  prefix: parsePrefix('10.0.0.0/24'),
  source: src(address, kind, id),
  attributes: normalizeAttributes(attrs),
  stale: false,
});

describe('attributes', () => {
  it('round-trips through the wire codec (IPv4 and IPv6) with communities, large communities, LOCAL_PREF, MED', () => {
    const a = normalizeAttributes({
      asPath: [65001, 65002],
      nextHop: '192.0.2.1',
      med: 5,
      localPref: 200,
      communities: ['65001:100', '65535:65281'],
      largeCommunities: ['65001:1:1'],
    });
    for (const [afi, prefix, nh] of [
      [1, '10.0.0.0/24', '192.0.2.1'],
      [2, '2001:db8::/32', '2001:db8::1'],
    ] as const) {
      const [u] = packUpdates(
        afi,
        [],
        [{ attributes: { ...a, nextHop: nh }, prefixes: [parsePrefix(prefix)] }],
      );
      const back = decodeMessage(encodeMessage(u!, DEFAULT_CONTEXT), DEFAULT_CONTEXT);
      if (back.type !== 'UPDATE') throw new Error('not an UPDATE');
      const d = fromUpdate(back);
      expect(d.announced.map((r) => [formatPrefix(r.prefix), r.attributes])).toEqual([
        [prefix, { ...a, nextHop: nh }],
      ]);
    }
  });

  it('property: packed UPDATEs stay under 4096 octets and carry every prefix once', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 0xffffff }), { maxLength: 2000 }),
        fc.boolean(),
        (ids, v6) => {
          const prefixes = ids.map((i) =>
            parsePrefix(
              v6
                ? `2001:db8:${(i >> 16).toString(16)}:${(i & 0xffff).toString(16)}::/128`
                : `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}/32`,
            ),
          );
          const attrs = normalizeAttributes({
            asPath: [65001],
            nextHop: v6 ? '2001:db8::1' : '192.0.2.1',
            communities: ['65001:1'],
          });
          const ups = packUpdates(v6 ? 2 : 1, prefixes.slice(0, 100), [
            { attributes: attrs, prefixes },
          ]);
          let seen = 0;
          for (const u of ups) {
            const bytes = encodeMessage(u, DEFAULT_CONTEXT);
            expect(bytes.length).toBeLessThanOrEqual(4096);
            const d = fromUpdate(decodeMessage(bytes, DEFAULT_CONTEXT) as never);
            seen += d.announced.length;
          }
          expect(seen).toBe(prefixes.length);
        },
      ),
    );
  });

  it('treat-as-withdraw (RFC 7606) withdraws what the UPDATE announces', () => {
    const [u] = packUpdates(
      1,
      [],
      [
        {
          attributes: normalizeAttributes({ nextHop: '192.0.2.1' }),
          prefixes: [parsePrefix('10.0.0.0/8')],
        },
      ],
    );
    const d = fromUpdate({ ...u!, action: 'withdraw' });
    expect(d.announced).toEqual([]);
    expect(d.withdrawn.map(formatPrefix)).toEqual(['10.0.0.0/8']);
  });

  it('parses communities strictly and keys attribute sets by value', () => {
    expect(parseCommunityText('65535:65281')).toBe(0xffffff01);
    expect(parseCommunityText('42')).toBe(42);
    expect(() => parseCommunityText('70000:1')).toThrow(RangeError);
    expect(attributesKey(normalizeAttributes({ communities: ['1:1'] }))).toBe(
      attributesKey(normalizeAttributes({ communities: ['1:1'] })),
    );
    expect(attributesKey(normalizeAttributes({ localPref: 1 }))).not.toBe(
      attributesKey(normalizeAttributes({})),
    );
    expect(toWireAttributes(normalizeAttributes({}), 1, []).map((a) => a.typeCode)).toEqual([
      1, 2, 3,
    ]);
  });
});

describe('best path', () => {
  it('reports the step at which each candidate lost', () => {
    expect(
      comparePaths(path('1.1.1.1', 'ebgp', { localPref: 200 }), path('2.2.2.2', 'ebgp')).step,
    ).toBe('local-pref');
    expect(comparePaths(path(null, 'local'), path('2.2.2.2', 'ebgp')).step).toBe(
      'locally-originated',
    );
    expect(
      comparePaths(
        path('1.1.1.1', 'ebgp', { asPath: [1] }),
        path('2.2.2.2', 'ebgp', { asPath: [1, 2] }),
      ).step,
    ).toBe('as-path-length');
    expect(
      comparePaths(
        path('1.1.1.1', 'ebgp', { origin: 'IGP' }),
        path('2.2.2.2', 'ebgp', { origin: 'INCOMPLETE' }),
      ).step,
    ).toBe('origin');
    expect(
      comparePaths(
        path('1.1.1.1', 'ebgp', { asPath: [7], med: 1 }),
        path('2.2.2.2', 'ebgp', { asPath: [7], med: 9 }),
      ).step,
    ).toBe('med');
    expect(comparePaths(path('1.1.1.1', 'ebgp'), path('2.2.2.2', 'ibgp')).step).toBe(
      'ebgp-over-ibgp',
    );
    expect(comparePaths(path('1.1.1.1', 'ebgp', {}, 1), path('2.2.2.2', 'ebgp', {}, 2)).step).toBe(
      'router-id',
    );
    expect(comparePaths(path('1.1.1.1', 'ebgp'), path('2.2.2.2', 'ebgp')).step).toBe(
      'peer-address',
    );
    const rib = new LocRib();
    rib.set(path('2.2.2.2', 'ibgp'));
    rib.set(path('1.1.1.1', 'ebgp', { localPref: 50 }));
    rib.set(path('3.3.3.3', 'ebgp'));
    expect(
      rib.explain(parsePrefix('10.0.0.0/24')).map((e) => [e.source.address, e.best, e.lostAt]),
    ).toEqual([
      ['3.3.3.3', true, undefined],
      ['2.2.2.2', false, 'ebgp-over-ibgp'],
      ['1.1.1.1', false, 'local-pref'],
    ]);
    expect(rib.takeChanges()).toHaveLength(1);
    expect(rib.delete(parsePrefix('10.0.0.0/24'), '3.3.3.3')).toBe(true);
    expect(rib.best(parsePrefix('10.0.0.0/24'))?.source.address).toBe('2.2.2.2');
  });
});

describe('plan and presentation', () => {
  it('skips families the speaker does not carry, with a warning', () => {
    const cluster = loadCluster(`
apiVersion: v1
kind: Node
metadata: { name: n1, labels: { bgp: "on" } }
status: { addresses: [{ type: InternalIP, address: 192.168.0.1 }] }
---
apiVersion: cilium.io/v2
kind: CiliumBGPClusterConfig
metadata: { name: c }
spec:
  nodeSelector: { matchLabels: { bgp: "on" } }
  bgpInstances: [{ name: i, localASN: 65001, peers: [{ name: p, peerASN: 65002, peerAddress: 10.0.0.1, peerConfigRef: { name: pc } }] }]
---
apiVersion: cilium.io/v2
kind: CiliumBGPPeerConfig
metadata: { name: pc }
spec: { families: [{ afi: l2vpn, safi: evpn }, { afi: ipv6, safi: unicast }] }
`);
    const warnings: string[] = [];
    const plan = planFromRender(renderNode(cluster, 'n1'), warnings);
    expect(plan[0]!.peers.get('10.0.0.1')!.config.families).toEqual([{ afi: 2, safi: 1 }]);
    expect(warnings).toEqual(['instance i: peer p: family l2vpn/evpn is not supported; skipped']);
    expect(plan[0]!.config).toEqual({ name: 'i', asn: 65001, routerId: '192.168.0.1' });
  });

  it('formats like Cilium', () => {
    expect(formatUptime(3723)).toBe('1h2m3s');
    expect(formatUptime(0)).toBe('0s');
    expect(parseHostPort('[::1]:9965')).toEqual({ host: '::1', port: 9965 });
    expect(() => parseHostPort('nope')).toThrow(RangeError);
    expect(
      formatAttributes(
        normalizeAttributes({
          asPath: [65001],
          communities: ['65535:65281'],
          largeCommunities: ['1:2:3'],
        }),
      ),
    ).toBe('[{Origin: i} {AsPath: 65001} {Communities: no-export} {LargeCommunity: [ 1:2:3]}]');
    const t = peersTable('n1', [
      {
        instance: 'i',
        name: 'p',
        peerAddress: '10.0.0.1',
        peerPort: 179,
        peerASN: 65002,
        localASN: 65001,
        sessionState: 'Established',
        uptimeSeconds: 61,
        holdTime: 90,
        keepalive: 30,
        capabilities: [],
        lastError: null,
        families: [
          { afi: 'ipv4', safi: 'unicast', received: 1, accepted: 0, advertised: 2 },
          { afi: 'ipv6', safi: 'unicast', received: 3, accepted: 0, advertised: 4 },
        ],
      },
    ]).split('\n');
    expect(t[1]).toMatch(
      /^n1\s+65001\s+65002\s+10\.0\.0\.1:179\s+established\s+1m1s\s+ipv4\/unicast\s+1\s+2$/,
    );
    expect(t[2]).toMatch(/^\s+ipv6\/unicast\s+3\s+4$/);
  });
});
