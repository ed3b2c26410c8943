import { createContext, familyKey, formatPrefix, parseAddress, parsePrefix } from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { Rib } from '../src/rib.js';
import { asSequence, routeAttributes } from '../src/route-attributes.js';
import { endOfRibMessage, packAnnouncements, packWithdrawals } from '../src/update-packer.js';
import { ingestUpdate } from '../src/wire-adapter.js';

const AS4 = createContext({ fourOctetAs: true });
const body = (m: Uint8Array): Uint8Array => m.subarray(19);
const pack = { extendedMessage: false, fourOctetAs: true, addPathSend: new Set<number>() };

function setup(): { rib: Rib; peer: number; ibgp: number } {
  const rib = new Rib({ localAsn: 65000, routerId: 1 });
  const peer = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 2 });
  const ibgp = rib.addPeer({ address: '198.51.100.1', asn: 65000, bgpIdentifier: 3 });
  return { rib, peer, ibgp };
}

/** A hand-made UPDATE body: ORIGIN `origin`, empty AS_PATH, NEXT_HOP unless omitted, NLRI 10.0.0.0/24. */
function craft(origin: number, withNextHop = true): Uint8Array {
  const attrs = [
    0x40,
    1,
    1,
    origin,
    0x40,
    2,
    0,
    ...(withNextHop ? [0x40, 3, 4, 192, 0, 2, 1] : []),
  ];
  return Uint8Array.from([0, 0, 0, attrs.length, ...attrs, 24, 10, 0, 0]);
}

describe('ingestUpdate', () => {
  it('gives IPv4 routes of MP_REACH_NLRI its next hop, and those of the NLRI field NEXT_HOP', () => {
    const { rib, peer } = setup();
    // ORIGIN, AS_PATH 65001, NEXT_HOP 192.0.2.1, MP_REACH_NLRI IPv4 next hop 198.51.100.7 with
    // 10.2.0.0/24, then 10.1.0.0/24 in the NLRI field.
    const attrs = [
      ...[0x40, 1, 1, 0],
      ...[0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9],
      ...[0x40, 3, 4, 192, 0, 2, 1],
      ...[0x80, 14, 13, 0, 1, 1, 4, 198, 51, 100, 7, 0, 24, 10, 2, 0],
    ];
    const update = Uint8Array.from([0, 0, 0, attrs.length, ...attrs, 24, 10, 1, 0]);
    expect(ingestUpdate(rib, peer, update, AS4)).toEqual({ announced: 2, withdrawn: 0 });
    const nh = (p: string) => [...rib.best(parsePrefix(p))!.attributes.attributes.nextHop];
    expect(nh('10.1.0.0/24')).toEqual([192, 0, 2, 1]);
    expect(nh('10.2.0.0/24')).toEqual([198, 51, 100, 7]);
  });

  it('keeps the order of withdrawals and announcements of one UPDATE', () => {
    const { rib, peer } = setup();
    const a = routeAttributes({ asPath: asSequence(65001), nextHop: parseAddress('192.0.2.1') });
    const prefixes = ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'].map((p) => ({
      prefix: parsePrefix(p),
      pathId: 0,
    }));
    ingestUpdate(rib, peer, body(packAnnouncements(1, a, prefixes, pack)[0]!), AS4);
    // Withdraws 10.0.1.0/24 (Withdrawn Routes come first) and announces 10.0.3.0/24.
    const attrs = [0x40, 1, 1, 0, 0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9, 0x40, 3, 4, 192, 0, 2, 1];
    const update = Uint8Array.from([0, 4, 24, 10, 0, 1, 0, attrs.length, ...attrs, 24, 10, 0, 3]);
    expect(ingestUpdate(rib, peer, update, AS4)).toEqual({ announced: 1, withdrawn: 1 });
    expect(rib.flush().map((c) => `${formatPrefix(c.prefix)} ${c.best ? 'up' : 'down'}`)).toEqual([
      '10.0.0.0/24 up',
      '10.0.1.0/24 down',
      '10.0.2.0/24 up',
      '10.0.3.0/24 up',
    ]);
  });

  it('treats confederation segments from outside the confederation as withdraw (RFC 5065 §5)', () => {
    const { rib, peer } = setup();
    const prefix = { prefix: parsePrefix('10.0.0.0/24'), pathId: 0 };
    const ok = routeAttributes({ asPath: asSequence(65001), nextHop: parseAddress('192.0.2.1') });
    ingestUpdate(rib, peer, body(packAnnouncements(1, ok, [prefix], pack)[0]!), AS4);
    rib.flush();
    expect(rib.prefixCount(1)).toBe(1);
    const confed = routeAttributes({
      asPath: [{ type: 3, asns: [65010] }, ...asSequence(65001)],
      nextHop: parseAddress('192.0.2.1'),
    });
    const r = ingestUpdate(rib, peer, body(packAnnouncements(1, confed, [prefix], pack)[0]!), AS4);
    expect(r.action).toBe('withdraw');
    expect(r.announced).toBe(0);
    expect(rib.prefixCount(1)).toBe(0);
  });

  it('applies IPv4 and IPv6 announcements and withdrawals from UPDATE bodies', () => {
    const { rib, peer } = setup();
    const attrs = routeAttributes({
      asPath: asSequence(65001, 4_200_000_000),
      med: 7,
      communities: [65001 * 65536 + 1],
      largeCommunities: [[65001, 1, 2]],
      nextHop: parseAddress('192.0.2.1'),
    });
    const v4 = Array.from({ length: 1500 }, (_, i) => ({
      prefix: parsePrefix(`10.${i >> 8}.${i & 255}.0/24`),
      pathId: 0,
    }));
    for (const m of packAnnouncements(1, attrs, v4, pack)) ingestUpdate(rib, peer, body(m), AS4);
    const v6attrs = { ...attrs, nextHop: parseAddress('2001:db8::1') };
    const v6 = [{ prefix: parsePrefix('2001:db8:1::/48'), pathId: 0 }];
    const r = ingestUpdate(rib, peer, body(packAnnouncements(2, v6attrs, v6, pack)[0]!), AS4);
    expect(r).toEqual({ announced: 1, withdrawn: 0 });
    expect(rib.prefixCount(1)).toBe(1500);
    const best = rib.best(parsePrefix('10.5.219.0/24'))!;
    expect(best.attributes.attributes.asPath).toEqual(attrs.asPath);
    expect(best.attributes.attributes.largeCommunities).toEqual([[65001, 1, 2]]);
    expect(rib.best(parsePrefix('2001:db8:1::/48'))!.attributes.attributes.nextHop).toEqual(
      parseAddress('2001:db8::1'),
    );
    expect(rib.attributes.size).toBe(2);
    for (const m of packWithdrawals(1, v4.slice(0, 1000), pack))
      ingestUpdate(rib, peer, body(m), AS4);
    ingestUpdate(rib, peer, body(packWithdrawals(2, v6, pack)[0]!), AS4);
    expect(rib.prefixCount(1)).toBe(500);
    expect(rib.prefixCount(2)).toBe(0);
  });

  it('treat-as-withdraw (RFC 7606): a malformed ORIGIN withdraws the announced prefixes', () => {
    const { rib, peer } = setup();
    expect(ingestUpdate(rib, peer, craft(0), AS4)).toEqual({ announced: 1, withdrawn: 0 });
    expect(rib.best(parsePrefix('10.0.0.0/24'))).toBeDefined();
    const r = ingestUpdate(rib, peer, craft(7), AS4);
    expect(r.action).toBe('withdraw');
    expect(r.withdrawn).toBe(1);
    expect(rib.best(parsePrefix('10.0.0.0/24'))).toBeUndefined();
  });

  it('treat-as-withdraw (RFC 7606 §3 d): a missing NEXT_HOP withdraws', () => {
    const { rib, peer } = setup();
    ingestUpdate(rib, peer, craft(0), AS4);
    expect(ingestUpdate(rib, peer, craft(0, false), AS4).action).toBe('withdraw');
    expect(rib.pathCount).toBe(0);
  });

  it('a 2-octet session: AS4_PATH merged back (RFC 6793), and ADD-PATH path ids kept', () => {
    const rib = new Rib({ localAsn: 65000, routerId: 1 });
    const peer = rib.addPeer({
      address: '192.0.2.1',
      asn: 65001,
      bgpIdentifier: 2,
      addPathReceive: [1],
    });
    const attrs = routeAttributes({
      asPath: asSequence(65001, 4_200_000_000, 7),
      nextHop: parseAddress('192.0.2.1'),
    });
    const ctx = createContext({ fourOctetAs: false, addPath: new Set([familyKey(1, 1)]) });
    const entries = [
      { prefix: parsePrefix('10.0.0.0/8'), pathId: 1 },
      { prefix: parsePrefix('10.0.0.0/8'), pathId: 2 },
    ];
    const m = packAnnouncements(1, attrs, entries, {
      extendedMessage: false,
      fourOctetAs: false,
      addPathSend: new Set([1]),
    });
    ingestUpdate(rib, peer, body(m[0]!), ctx);
    const paths = rib.paths(parsePrefix('10.0.0.0/8'));
    expect(paths.map((p) => p.pathId).sort()).toEqual([1, 2]);
    expect(paths[0]!.attributes.attributes.asPath).toEqual(attrs.asPath);
  });

  it('LOCAL_PREF from an eBGP peer is ignored (RFC 4271 §5.1.5), from iBGP kept', () => {
    const { rib, peer, ibgp } = setup();
    const attrs = routeAttributes({
      asPath: asSequence(65001),
      localPref: 500,
      nextHop: parseAddress('192.0.2.1'),
    });
    const m = body(
      packAnnouncements(1, attrs, [{ prefix: parsePrefix('10.0.0.0/8'), pathId: 0 }], pack)[0]!,
    );
    ingestUpdate(rib, peer, m, AS4);
    ingestUpdate(rib, ibgp, m, AS4);
    const [a, b] = rib.paths(parsePrefix('10.0.0.0/8'));
    const byPeer = new Map([a!, b!].map((p) => [p.peer.id, p.attributes.attributes.localPref]));
    expect(byPeer.get(peer)).toBeUndefined();
    expect(byPeer.get(ibgp)).toBe(500);
  });

  it('End-of-RIB sweeps the stale paths of its family (graceful restart)', () => {
    const { rib, peer } = setup();
    const attrs = routeAttributes({
      asPath: asSequence(65001),
      nextHop: parseAddress('192.0.2.1'),
    });
    const both = [parsePrefix('10.0.0.0/8'), parsePrefix('10.1.0.0/16')].map((prefix) => ({
      prefix,
      pathId: 0,
    }));
    ingestUpdate(rib, peer, body(packAnnouncements(1, attrs, both, pack)[0]!), AS4);
    rib.markStale(peer, [1]);
    ingestUpdate(rib, peer, body(packAnnouncements(1, attrs, both.slice(0, 1), pack)[0]!), AS4);
    const r = ingestUpdate(rib, peer, body(endOfRibMessage(1)), AS4);
    expect(r.endOfRib).toEqual({ afi: 1, safi: 1, swept: 1 });
    expect([...rib.adjRibIn(peer, 1)].map((e) => formatPrefix(e.prefix))).toEqual(['10.0.0.0/8']);
    expect(ingestUpdate(rib, peer, body(endOfRibMessage(2)), AS4).endOfRib).toEqual({
      afi: 2,
      safi: 1,
      swept: 0,
    });
  });
});
