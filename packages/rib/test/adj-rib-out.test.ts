import {
  AttributeType,
  createContext,
  decodeUpdate,
  familyKey,
  findAttribute,
  formatPrefix,
  isEndOfRib,
  parseAddress,
  parsePrefix,
  type UpdateMessage,
  WellKnownCommunity,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { AdjRibOut, type AdjRibOutOptions } from '../src/adj-rib-out.js';
import type { PeerConfig } from '../src/peer.js';
import { Rib } from '../src/rib.js';
import { asSequence, type RouteAttributes, routeAttributes } from '../src/route-attributes.js';

const LOCAL_AS = 65000;
const ROUTER_ID = 0x0a0000fe;
const SELF4 = parseAddress('192.0.2.254');
const P = parsePrefix('203.0.113.0/24');

const PEERS = {
  ebgpA: { address: '192.0.2.1', asn: 65001, bgpIdentifier: 1 },
  ebgpB: { address: '192.0.2.2', asn: 65002, bgpIdentifier: 2 },
  ibgpX: { address: '198.51.100.1', asn: LOCAL_AS, bgpIdentifier: 11 },
  ibgpY: { address: '198.51.100.2', asn: LOCAL_AS, bgpIdentifier: 12 },
  clientC: {
    address: '198.51.100.3',
    asn: LOCAL_AS,
    bgpIdentifier: 13,
    routeReflectorClient: true,
  },
  clientD: {
    address: '198.51.100.4',
    asn: LOCAL_AS,
    bgpIdentifier: 14,
    routeReflectorClient: true,
  },
} satisfies Record<string, PeerConfig>;
type Name = keyof typeof PEERS;

function setup(): { rib: Rib; id: Record<Name, number> } {
  const rib = new Rib({ localAsn: LOCAL_AS, routerId: ROUTER_ID, clusterId: 0xc1 });
  const id = Object.fromEntries(
    Object.entries(PEERS).map(([k, v]) => [k, rib.addPeer(v)]),
  ) as Record<Name, number>;
  return { rib, id };
}

const created: AdjRibOut[] = [];

/** Flushes the RIB and lets every Adj-RIB-Out generate its UPDATEs (so `advertised` is current). */
function settle(rib: Rib): void {
  rib.flush();
  for (const o of created) o.generate();
}

function out(
  rib: Rib,
  peer: number,
  extra: Partial<AdjRibOutOptions> = {},
  clock?: () => number,
): AdjRibOut {
  const o = new AdjRibOut(
    rib,
    {
      peer: rib.peer(peer),
      localAddress: { ipv4: SELF4, ipv6: parseAddress('2001:db8::fe') },
      ...extra,
    },
    clock ? { clock } : {},
  );
  rib.subscribe((c) => o.onChanges(c));
  created.push(o);
  return o;
}

function decode(msgs: Uint8Array[], addPath = false): UpdateMessage[] {
  const ctx = createContext({
    fourOctetAs: true,
    addPath: addPath ? new Set([familyKey(1, 1), familyKey(2, 1)]) : new Set(),
  });
  return msgs.map((m) => decodeUpdate(m.subarray(19), ctx));
}

const learned = (a: Partial<RouteAttributes> = {}): RouteAttributes =>
  routeAttributes({ asPath: asSequence(65001, 7), nextHop: parseAddress('192.0.2.1'), ...a });

describe('Adj-RIB-Out export rules', () => {
  it('eBGP: prepends our AS, next hop self, strips LOCAL_PREF, MED, ORIGINATOR_ID and CLUSTER_LIST', () => {
    const { rib, id } = setup();
    const o = out(rib, id.ebgpB);
    rib.announce(
      id.ibgpX,
      P,
      learned({ localPref: 300, med: 5, originatorId: 99, clusterList: [1] }),
    );
    settle(rib);
    const a = o.advertised(P).get(0)!;
    expect(a.asPath).toEqual(asSequence(LOCAL_AS, 65001, 7));
    expect(a.nextHop).toEqual(SELF4);
    expect(a.localPref).toBeUndefined();
    expect(a.med).toBeUndefined();
    expect(a.originatorId).toBeUndefined();
    expect(a.clusterList).toEqual([]);
  });

  it('eBGP: not sent back to the neighbour AS it came from unless configured', () => {
    const { rib, id } = setup();
    const a2 = rib.addPeer({ address: '192.0.2.9', asn: 65001, bgpIdentifier: 9 });
    const blocked = out(rib, a2);
    const allowed = out(rib, a2, { sendToOriginAs: true });
    rib.announce(id.ebgpA, P, learned());
    settle(rib);
    expect(blocked.advertised(P).size).toBe(0);
    expect(allowed.advertised(P).size).toBe(1);
    // Never back to the peer itself.
    const self = out(rib, id.ebgpA, { sendToOriginAs: true });
    self.initialTable();
    self.generate();
    expect(self.advertised(P).size).toBe(0);
  });

  it('well-known communities: NO_ADVERTISE to nobody, NO_EXPORT and NO_EXPORT_SUBCONFED not to eBGP', () => {
    const { rib, id } = setup();
    const toE = out(rib, id.ebgpB);
    const toI = out(rib, id.ibgpX);
    const q = parsePrefix('198.18.0.0/15');
    const r = parsePrefix('198.18.2.0/24');
    rib.announce(id.ebgpA, P, learned({ communities: [WellKnownCommunity.NO_EXPORT] }));
    rib.announce(id.ebgpA, q, learned({ communities: [WellKnownCommunity.NO_ADVERTISE] }));
    rib.announce(id.ebgpA, r, learned({ communities: [WellKnownCommunity.NO_EXPORT_SUBCONFED] }));
    settle(rib);
    expect([toE.advertised(P).size, toE.advertised(q).size, toE.advertised(r).size]).toEqual([
      0, 0, 0,
    ]);
    expect([toI.advertised(P).size, toI.advertised(q).size, toI.advertised(r).size]).toEqual([
      1, 0, 1,
    ]);
  });

  it('iBGP: LOCAL_PREF always sent, next hop kept; iBGP-learned routes not sent to iBGP peers', () => {
    const { rib, id } = setup();
    const toY = out(rib, id.ibgpY);
    rib.announce(id.ebgpA, P, learned());
    const q = parsePrefix('198.18.0.0/15');
    rib.announce(id.ibgpX, q, learned({ localPref: 50 }));
    settle(rib);
    const a = toY.advertised(P).get(0)!;
    expect(a.localPref).toBe(100);
    expect(a.nextHop).toEqual(parseAddress('192.0.2.1'));
    expect(a.asPath).toEqual(asSequence(65001, 7));
    expect(toY.advertised(q).size).toBe(0);
  });

  it('route reflection (RFC 4456): client routes to all, non-client routes to clients, ORIGINATOR_ID and CLUSTER_LIST set', () => {
    const { rib, id } = setup();
    const toY = out(rib, id.ibgpY);
    const toD = out(rib, id.clientD);
    const toC = out(rib, id.clientC);
    const fromClient = parsePrefix('198.18.0.0/24');
    const fromNonClient = parsePrefix('198.18.1.0/24');
    rib.announce(id.clientC, fromClient, learned({ localPref: 120 }));
    rib.announce(id.ibgpX, fromNonClient, learned({ localPref: 130, clusterList: [0x77] }));
    settle(rib);
    const y = toY.advertised(fromClient).get(0)!;
    expect(y.originatorId).toBe(13);
    expect(y.clusterList).toEqual([0xc1]);
    expect(y.localPref).toBe(120);
    expect(toD.advertised(fromClient).size).toBe(1);
    expect(toC.advertised(fromClient).size).toBe(0); // not back to the client it came from
    expect(toY.advertised(fromNonClient).size).toBe(0); // non-client to non-client: no
    const d = toD.advertised(fromNonClient).get(0)!;
    expect(d.originatorId).toBe(11);
    expect(d.clusterList).toEqual([0xc1, 0x77]);
  });

  it('route reflection: not reflected to the peer named in ORIGINATOR_ID', () => {
    const { rib, id } = setup();
    const toD = out(rib, id.clientD);
    rib.announce(id.clientC, P, learned({ originatorId: 14 }));
    settle(rib);
    expect(toD.advertised(P).size).toBe(0);
  });

  it('the export hook sees the rewritten attributes and can change or suppress them', () => {
    const { rib, id } = setup();
    const o = new AdjRibOut(
      rib,
      { peer: rib.peer(id.ebgpB), localAddress: { ipv4: SELF4 } },
      {
        exportHook: (prefix, _route, _target, attrs) =>
          formatPrefix(prefix) === '198.18.0.0/15' ? undefined : { ...attrs, med: 42 },
      },
    );
    rib.subscribe((c) => o.onChanges(c));
    created.push(o);
    rib.announce(id.ebgpA, P, learned());
    rib.announce(id.ebgpA, parsePrefix('198.18.0.0/15'), learned());
    settle(rib);
    expect(o.advertised(P).get(0)?.med).toBe(42);
    expect(o.advertised(parsePrefix('198.18.0.0/15')).size).toBe(0);
  });
});

describe('Adj-RIB-Out update generation', () => {
  it('initial table: prefixes sharing attributes packed together, then End-of-RIB per family', () => {
    const { rib, id } = setup();
    const shared = learned();
    for (let i = 0; i < 2000; i++)
      rib.announce(id.ebgpA, parsePrefix(`10.${i >> 8}.${i & 0xff}.0/24`), shared);
    rib.announce(
      id.ebgpA,
      parsePrefix('2001:db8:1::/48'),
      learned({ nextHop: parseAddress('2001:db8::1') }),
    );
    rib.flush();
    const o = new AdjRibOut(rib, {
      peer: rib.peer(id.ebgpB),
      localAddress: { ipv4: SELF4, ipv6: parseAddress('2001:db8::fe') },
    });
    o.initialTable();
    const msgs = decode(o.generate());
    const eor = msgs.map(isEndOfRib).filter((x) => x !== undefined);
    expect(eor).toEqual([
      { afi: 1, safi: 1 },
      { afi: 2, safi: 1 },
    ]);
    const v4 = msgs.filter((m) => m.nlri.length > 0);
    expect(v4.length).toBe(2); // 2000 × 4 bytes need two 4096-byte messages
    expect(v4.reduce((n, m) => n + m.nlri.length, 0)).toBe(2000);
    const v6 = msgs.flatMap(
      (m) => findAttribute(m.attributes, AttributeType.MP_REACH_NLRI)?.value.nlri ?? [],
    );
    expect(v6.map((e) => formatPrefix(e.prefix))).toEqual(['2001:db8:1::/48']);
    expect(o.generate()).toEqual([]); // nothing left
    expect(o.advertisedCount).toBe(2001);
  });

  it('changes become replacements and withdrawals; a flap inside one batch sends nothing', () => {
    const { rib, id } = setup();
    const o = out(rib, id.ebgpB);
    rib.announce(id.ebgpA, P, learned());
    const q = parsePrefix('198.18.0.0/15');
    rib.announce(id.ebgpA, q, learned());
    rib.flush();
    o.generate();
    rib.withdraw(id.ebgpA, P);
    rib.announce(id.ebgpA, q, learned({ communities: [7] }));
    rib.announce(id.ebgpA, parsePrefix('198.51.100.0/24'), learned());
    rib.withdraw(id.ebgpA, parsePrefix('198.51.100.0/24'));
    rib.flush();
    const msgs = decode(o.generate());
    expect(msgs.flatMap((m) => m.withdrawn.map((e) => formatPrefix(e.prefix)))).toEqual([
      '203.0.113.0/24',
    ]);
    expect(msgs.flatMap((m) => m.nlri.map((e) => formatPrefix(e.prefix)))).toEqual([
      '198.18.0.0/15',
    ]);
    expect(findAttribute(msgs[1]!.attributes, AttributeType.COMMUNITIES)?.value).toEqual([7]);
  });

  it('MinRouteAdvertisementInterval holds announcements (not withdrawals) until it has passed', () => {
    const { rib, id } = setup();
    let now = 1000;
    const o = out(rib, id.ebgpB, { minRouteAdvertisementInterval: 30_000 }, () => now);
    rib.announce(id.ebgpA, P, learned());
    rib.flush();
    expect(decode(o.generate()).length).toBe(1);
    rib.announce(id.ebgpA, parsePrefix('198.18.0.0/15'), learned());
    rib.withdraw(id.ebgpA, P);
    rib.flush();
    const early = decode(o.generate());
    expect(early.flatMap((m) => m.withdrawn.map((e) => formatPrefix(e.prefix)))).toEqual([
      '203.0.113.0/24',
    ]);
    expect(early.flatMap((m) => m.nlri)).toEqual([]);
    expect(o.nextDue()).toBe(30_000);
    now += 30_000;
    const late = decode(o.generate());
    expect(late.flatMap((m) => m.nlri.map((e) => formatPrefix(e.prefix)))).toEqual([
      '198.18.0.0/15',
    ]);
  });

  it('ADD-PATH send: all paths or the best N, each with its own path id', () => {
    const { rib, id } = setup();
    const all = out(rib, id.ibgpY, { addPathSend: { 1: 'all' } });
    const best1 = out(rib, id.clientD, { addPathSend: { 1: 1 } });
    rib.announce(id.ebgpA, P, learned());
    rib.announce(id.ebgpB, P, learned({ asPath: asSequence(65002, 1, 2) }));
    rib.flush();
    const msgs = decode(all.generate(), true);
    best1.generate();
    // Send ids are allocated per prefix, lowest free first, in rank order (best path first).
    const ids = msgs.flatMap((m) => m.nlri.map((e) => e.pathId)).sort();
    expect(ids).toEqual([0, 1]);
    expect(all.advertised(P).get(0)?.asPath).toEqual(asSequence(65001, 7));
    expect(best1.advertised(P).size).toBe(1);
    expect([...best1.advertised(P).keys()]).toEqual([0]);
    // The best path goes away: ADD-PATH "all" withdraws exactly its path id.
    rib.withdraw(id.ebgpA, P);
    rib.flush();
    const after = decode(all.generate(), true);
    expect(after.flatMap((m) => m.withdrawn.map((e) => e.pathId))).toEqual([0]);
  });

  it('outbound attribute sets are released when everything is withdrawn', () => {
    const { rib, id } = setup();
    const o = out(rib, id.ebgpB);
    for (let i = 0; i < 50; i++) {
      rib.announce(id.ebgpA, parsePrefix(`10.0.${i}.0/24`), learned({ med: i % 5 }));
    }
    rib.flush();
    o.generate();
    expect(o.attributeSets).toBe(1); // MED stripped towards eBGP: one set
    rib.peerDown(id.ebgpA);
    rib.flush();
    o.generate();
    expect(o.attributeSets).toBe(0);
    expect(o.advertisedCount).toBe(0);
  });
});
