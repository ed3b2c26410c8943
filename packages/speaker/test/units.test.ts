import { loadCluster, renderNode } from '@bgp/policy';
import { LOCAL_PEER, Rib } from '@bgp/rib';
import {
  attributesKey,
  formatAttributes,
  formatUptime,
  fromRibAttributes,
  fromUpdate,
  normalizeAttributes,
  packUpdates,
  parseCommunityText,
  parseHostPort,
  peersTable,
  planFromRender,
  sourceOf,
  toRibAttributes,
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

describe('best path (the @bgp/rib decision process over speaker attributes)', () => {
  const prefix = parsePrefix('10.0.0.0/24');
  /** Explains a contest between two paths from two eBGP/iBGP peers; returns the loser's step. */
  const lostAt = (
    a: [kind: 'ebgp' | 'ibgp', attrs: Parameters<typeof normalizeAttributes>[0], id?: number],
    b: [kind: 'ebgp' | 'ibgp', attrs: Parameters<typeof normalizeAttributes>[0], id?: number],
  ): [string | null, string | undefined] => {
    const rib = new Rib({ localAsn: 65001, routerId: 0x0a000001 });
    const peers = [a, b].map(([kind, attrs, id], i) => {
      const peer = rib.addPeer({
        address: `${i + 1}.${i + 1}.${i + 1}.${i + 1}`,
        name: `${i + 1}.${i + 1}.${i + 1}.${i + 1}`,
        asn: kind === 'ebgp' ? 65100 + i : 65001,
        bgpIdentifier: id ?? 1,
      });
      rib.announce(peer, prefix, toRibAttributes(normalizeAttributes(attrs), 1));
      return peer;
    });
    const ex = rib.explain(prefix).candidates;
    expect(ex[0]!.route.peer.id).toBe(peers[0]);
    return [sourceOf(ex[1]!.route.peer).address, ex[1]!.lostAt];
  };

  it('reports the step at which each candidate lost', () => {
    expect(lostAt(['ebgp', { localPref: 200 }], ['ebgp', {}])).toEqual(['2.2.2.2', 'local-pref']);
    expect(lostAt(['ebgp', { asPath: [1] }], ['ebgp', { asPath: [1, 2] }])).toEqual([
      '2.2.2.2',
      'as-path-length',
    ]);
    expect(lostAt(['ebgp', { origin: 'IGP' }], ['ebgp', { origin: 'INCOMPLETE' }])).toEqual([
      '2.2.2.2',
      'origin',
    ]);
    expect(lostAt(['ebgp', { asPath: [7], med: 1 }], ['ebgp', { asPath: [7], med: 9 }])).toEqual([
      '2.2.2.2',
      'med',
    ]);
    expect(lostAt(['ebgp', {}], ['ibgp', {}])).toEqual(['2.2.2.2', 'ebgp-over-ibgp']);
    expect(lostAt(['ebgp', {}, 1], ['ebgp', {}, 2])).toEqual(['2.2.2.2', 'bgp-identifier']);
    expect(lostAt(['ebgp', {}], ['ebgp', {}])).toEqual(['2.2.2.2', 'peer-address']);
  });

  it('a locally originated route (empty AS_PATH) beats a learned one; explain ranks all', () => {
    const rib = new Rib({ localAsn: 65001, routerId: 0x0a000001 });
    const ibgp = rib.addPeer({ address: '2.2.2.2', name: '2.2.2.2', asn: 65001, bgpIdentifier: 2 });
    const low = rib.addPeer({ address: '1.1.1.1', name: '1.1.1.1', asn: 65100, bgpIdentifier: 1 });
    const ebgp = rib.addPeer({ address: '3.3.3.3', name: '3.3.3.3', asn: 65100, bgpIdentifier: 3 });
    const at = (attrs: Parameters<typeof normalizeAttributes>[0]) =>
      toRibAttributes(normalizeAttributes(attrs), 1);
    rib.announce(ibgp, prefix, at({ asPath: [65200], nextHop: '2.2.2.2' }));
    rib.announce(low, prefix, at({ asPath: [65100], nextHop: '1.1.1.1', localPref: 50 }));
    rib.announce(ebgp, prefix, at({ asPath: [65100], nextHop: '3.3.3.3' }));
    const explain = () =>
      rib.explain(prefix).candidates.map((c) => [sourceOf(c.route.peer).address, c.best, c.lostAt]);
    expect(explain()).toEqual([
      ['3.3.3.3', true, undefined],
      ['2.2.2.2', false, 'ebgp-over-ibgp'],
      ['1.1.1.1', false, 'local-pref'],
    ]);
    expect(rib.flush()).toHaveLength(1);
    rib.announce(LOCAL_PEER, prefix, at({}));
    expect(explain()[0]).toEqual([null, true, undefined]);
    expect(rib.withdraw(LOCAL_PEER, prefix)).toBe(true);
    expect(rib.withdraw(ebgp, prefix)).toBe(true);
    expect(sourceOf(rib.best(prefix)!.peer).address).toBe('2.2.2.2');
  });

  it('property: speaker attributes survive the trip through the RIB form', () => {
    const asn = fc.integer({ min: 1, max: 0xffffffff });
    fc.assert(
      fc.property(
        fc.record(
          {
            origin: fc.constantFrom('IGP' as const, 'EGP' as const, 'INCOMPLETE' as const),
            asPath: fc.array(asn, { maxLength: 6 }),
            nextHop: fc.ipV4(),
            med: fc.integer({ min: 0, max: 0xffffffff }),
            localPref: fc.integer({ min: 0, max: 0xffffffff }),
            communities: fc.array(
              fc
                .tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }))
                .map(([h, l]) => `${h}:${l}`),
              { maxLength: 4 },
            ),
            largeCommunities: fc.array(
              fc.tuple(asn, asn, asn).map(([a, b, c]) => `${a}:${b}:${c}`),
              { maxLength: 3 },
            ),
          },
          { requiredKeys: ['origin', 'asPath', 'communities', 'largeCommunities'] },
        ),
        (input) => {
          const a = normalizeAttributes(input);
          const back = fromRibAttributes(toRibAttributes(a, 1));
          // 0.0.0.0 is how the RIB form says "no next hop" (an originated route).
          const { nextHop, ...rest } = a;
          expect(back).toEqual(nextHop === '0.0.0.0' ? rest : a);
        },
      ),
    );
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
