import { AsPathSegmentType, parseAddress, parsePrefix } from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { AttributeStore } from '../src/attribute-store.js';
import { type Candidate, DecisionStep, selectBest } from '../src/decision.js';
import { makePeer, type PeerConfig } from '../src/peer.js';
import { type NextHopResolver, Rib, type RibOptions } from '../src/rib.js';
import { asSequence, type RouteAttributes, routeAttributes } from '../src/route-attributes.js';

const LOCAL_AS = 65000;
const PREFIX = parsePrefix('203.0.113.0/24');

const ebgp = (n: number, asn = 65000 + n): PeerConfig => ({
  address: `192.0.2.${n}`,
  asn,
  bgpIdentifier: 0x0a000000 + n,
});
const ibgp = (n: number, extra: Partial<PeerConfig> = {}): PeerConfig => ({
  address: `198.51.100.${n}`,
  asn: LOCAL_AS,
  bgpIdentifier: 0x0b000000 + n,
  ...extra,
});

interface Case {
  readonly name: string;
  readonly options?: Partial<RibOptions>;
  readonly resolver?: NextHopResolver;
  readonly peers: readonly PeerConfig[];
  /** [peer index, attributes, path id]. */
  readonly routes: readonly (readonly [number, Partial<RouteAttributes>, number?])[];
  /** Index into routes of the expected best (undefined: no usable route). */
  readonly best: number | undefined;
  /** Expected explanation of each loser: route index -> step. */
  readonly lost: Readonly<Record<number, DecisionStep>>;
  readonly multipath?: readonly number[];
}

const nh = (n: number): Uint8Array => parseAddress(`192.0.2.${n}`);

const cases: Case[] = [
  {
    name: 'highest LOCAL_PREF (degree of preference) wins',
    peers: [ibgp(1), ibgp(2)],
    routes: [
      [0, { localPref: 100, nextHop: nh(1) }],
      [1, { localPref: 200, nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.LOCAL_PREF },
  },
  {
    name: 'eBGP routes get the configured degree of preference',
    options: { ebgpLocalPref: 150 },
    peers: [ibgp(1), ebgp(2)],
    routes: [
      [0, { localPref: 120, nextHop: nh(1) }],
      [1, { asPath: asSequence(65002, 1, 2, 3), nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.LOCAL_PREF },
  },
  {
    name: 'iBGP routes without LOCAL_PREF get defaultLocalPref',
    options: { defaultLocalPref: 50 },
    peers: [ibgp(1), ibgp(2)],
    routes: [
      [0, { nextHop: nh(1) }],
      [1, { localPref: 60, asPath: asSequence(1, 2, 3), nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.LOCAL_PREF },
  },
  {
    name: 'shortest AS_PATH wins; an AS_SET counts as one',
    peers: [ebgp(1), ebgp(2)],
    routes: [
      [0, { asPath: asSequence(65001, 10, 20, 30), nextHop: nh(1) }],
      [
        1,
        {
          asPath: [
            { type: AsPathSegmentType.AS_SEQUENCE, asns: [65002, 10] },
            { type: AsPathSegmentType.AS_SET, asns: [1, 2, 3, 4, 5] },
          ],
          nextHop: nh(2),
        },
      ],
    ],
    best: 1,
    lost: { 0: DecisionStep.AS_PATH_LENGTH },
  },
  {
    name: 'confederation segments do not count in the AS_PATH length',
    peers: [ibgp(1), ibgp(2)],
    routes: [
      [
        0,
        {
          asPath: [
            { type: AsPathSegmentType.AS_CONFED_SEQUENCE, asns: [64512, 64513, 64514] },
            { type: AsPathSegmentType.AS_SEQUENCE, asns: [10, 20] },
          ],
          nextHop: nh(1),
        },
      ],
      [1, { asPath: asSequence(10, 20, 30), nextHop: nh(2) }],
    ],
    best: 0,
    lost: { 1: DecisionStep.AS_PATH_LENGTH },
  },
  {
    name: 'lowest ORIGIN wins',
    peers: [ebgp(1), ebgp(2)],
    routes: [
      [0, { origin: 2, asPath: asSequence(65001), nextHop: nh(1) }],
      [1, { origin: 1, asPath: asSequence(65002), nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.ORIGIN },
  },
  {
    name: 'lowest MED wins among routes from the same neighbouring AS',
    peers: [ebgp(1, 65100), ebgp(2, 65100)],
    routes: [
      [0, { med: 10, asPath: asSequence(65100), nextHop: nh(1) }],
      [1, { med: 20, asPath: asSequence(65100), nextHop: nh(2) }],
    ],
    best: 0,
    lost: { 1: DecisionStep.MED },
  },
  {
    name: 'MED is not compared between different neighbouring ASes',
    peers: [ebgp(1), ebgp(2)],
    routes: [
      [0, { med: 500, asPath: asSequence(65001), nextHop: nh(1) }],
      [1, { med: 5, asPath: asSequence(65002), nextHop: nh(2) }],
    ],
    best: 0,
    lost: { 1: DecisionStep.BGP_IDENTIFIER },
  },
  {
    name: 'always-compare-med compares MED across neighbouring ASes',
    options: { alwaysCompareMed: true },
    peers: [ebgp(1), ebgp(2)],
    routes: [
      [0, { med: 500, asPath: asSequence(65001), nextHop: nh(1) }],
      [1, { med: 5, asPath: asSequence(65002), nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.MED },
  },
  {
    name: 'a missing MED counts as 0 by default',
    peers: [ebgp(1, 65100), ebgp(2, 65100)],
    routes: [
      [0, { med: 50, asPath: asSequence(65100), nextHop: nh(1) }],
      [1, { asPath: asSequence(65100), nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.MED },
  },
  {
    name: 'missing-as-worst makes a missing MED lose',
    options: { medMissingAsWorst: true },
    peers: [ebgp(1, 65100), ebgp(2, 65100)],
    routes: [
      [0, { med: 50, asPath: asSequence(65100), nextHop: nh(1) }],
      [1, { asPath: asSequence(65100), nextHop: nh(2) }],
    ],
    best: 0,
    lost: { 1: DecisionStep.MED },
  },
  {
    name: 'eBGP is preferred over iBGP',
    peers: [ibgp(1), ebgp(2)],
    routes: [
      [0, { localPref: 100, asPath: asSequence(65002), nextHop: nh(1) }],
      [1, { asPath: asSequence(65002), nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.EBGP_OVER_IBGP },
  },
  {
    name: 'lowest IGP cost to the next hop wins',
    resolver: (a) => (a[3] === 1 ? 30 : 10),
    peers: [ibgp(1), ibgp(2)],
    routes: [
      [0, { nextHop: nh(1) }],
      [1, { nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.IGP_COST },
  },
  {
    name: 'an unreachable next hop makes the route ineligible',
    resolver: (a) => (a[3] === 2 ? undefined : 10),
    peers: [ibgp(1), ibgp(2)],
    routes: [
      [0, { localPref: 10, nextHop: nh(1) }],
      [1, { localPref: 500, nextHop: nh(2) }],
    ],
    best: 0,
    lost: { 1: DecisionStep.NOT_ELIGIBLE },
  },
  {
    name: 'lowest BGP Identifier wins',
    peers: [ibgp(1, { bgpIdentifier: 9 }), ibgp(2, { bgpIdentifier: 3 })],
    routes: [
      [0, { nextHop: nh(1) }],
      [1, { nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.BGP_IDENTIFIER },
  },
  {
    name: 'ORIGINATOR_ID replaces the BGP Identifier when present',
    peers: [ibgp(1, { bgpIdentifier: 9 }), ibgp(2, { bgpIdentifier: 3 })],
    routes: [
      [0, { originatorId: 1, clusterList: [77], nextHop: nh(1) }],
      [1, { nextHop: nh(2) }],
    ],
    best: 0,
    lost: { 1: DecisionStep.BGP_IDENTIFIER },
  },
  {
    name: 'shortest CLUSTER_LIST wins',
    peers: [ibgp(1), ibgp(2)],
    routes: [
      [0, { originatorId: 5, clusterList: [1, 2], nextHop: nh(1) }],
      [1, { originatorId: 5, clusterList: [3], nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.CLUSTER_LIST_LENGTH },
  },
  {
    name: 'lowest peer address wins',
    peers: [ibgp(7, { bgpIdentifier: 1 }), ibgp(4, { bgpIdentifier: 1 })],
    routes: [
      [0, { originatorId: 5, nextHop: nh(1) }],
      [1, { originatorId: 5, nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.PEER_ADDRESS },
  },
  {
    name: 'ADD-PATH: two paths from one peer that tie are ordered by path id',
    peers: [ibgp(1, { addPathReceive: [1] })],
    routes: [
      [0, { nextHop: nh(1) }, 9],
      [0, { nextHop: nh(2) }, 4],
    ],
    best: 1,
    lost: { 0: DecisionStep.PATH_ID },
  },
  {
    name: 'a path with our AS in it is ineligible (loop)',
    peers: [ebgp(1), ebgp(2)],
    routes: [
      [0, { asPath: asSequence(65001, LOCAL_AS), nextHop: nh(1) }],
      [1, { asPath: asSequence(65002, 1, 2, 3), nextHop: nh(2) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.NOT_ELIGIBLE },
  },
  {
    name: 'our router id as ORIGINATOR_ID, or our cluster id in CLUSTER_LIST, is a loop (RFC 4456 §8)',
    options: { clusterId: 0xfeedbeef },
    peers: [ibgp(1), ibgp(2), ibgp(3)],
    routes: [
      [0, { originatorId: 0x0a0000fe, nextHop: nh(1) }],
      [1, { originatorId: 9, clusterList: [0xfeedbeef], nextHop: nh(2) }],
      [2, { localPref: 1, nextHop: nh(3) }],
    ],
    best: 2,
    lost: { 0: DecisionStep.NOT_ELIGIBLE, 1: DecisionStep.NOT_ELIGIBLE },
  },
  {
    name: 'multipath: routes tied through the IGP cost step form the ECMP set',
    options: { multipath: { maxPaths: 4 } },
    peers: [ebgp(1, 65100), ebgp(2, 65100), ebgp(3, 65100), ebgp(4, 65200)],
    routes: [
      [0, { asPath: asSequence(65100, 1), nextHop: nh(1) }],
      [1, { asPath: asSequence(65100, 2), nextHop: nh(2) }],
      [2, { asPath: asSequence(65100, 1, 2), nextHop: nh(3) }],
      [3, { asPath: asSequence(65200, 3), nextHop: nh(4) }],
    ],
    best: 0,
    lost: {
      1: DecisionStep.BGP_IDENTIFIER,
      2: DecisionStep.AS_PATH_LENGTH,
      3: DecisionStep.BGP_IDENTIFIER,
    },
    multipath: [0, 1],
  },
  {
    name: 'multipath with relaxNeighborAs admits other neighbouring ASes, up to maxPaths',
    options: { multipath: { maxPaths: 2, relaxNeighborAs: true } },
    peers: [ebgp(3, 65100), ebgp(2, 65200), ebgp(1, 65300)],
    routes: [
      [0, { asPath: asSequence(65100, 1), nextHop: nh(1) }],
      [1, { asPath: asSequence(65200, 2), nextHop: nh(2) }],
      [2, { asPath: asSequence(65300, 3), nextHop: nh(3) }],
    ],
    best: 2,
    lost: { 0: DecisionStep.BGP_IDENTIFIER, 1: DecisionStep.BGP_IDENTIFIER },
    multipath: [2, 1],
  },
];

describe('decision process (RFC 4271 §9.1), one case per step and option', () => {
  for (const c of cases) {
    it(c.name, () => {
      const rib = new Rib(
        { localAsn: LOCAL_AS, routerId: 0x0a0000fe, ...c.options },
        c.resolver ? { nextHopResolver: c.resolver } : {},
      );
      const peerIds = c.peers.map((p) => rib.addPeer(p));
      const attrs = c.routes.map(([, a]) => rib.intern(routeAttributes({ nextHop: nh(99), ...a })));
      c.routes.forEach(([p, , pathId], i) => {
        rib.announce(peerIds[p]!, PREFIX, attrs[i]!, pathId);
      });
      const which = (r: {
        peer: { id: number };
        pathId: number;
        attributes: { id: number };
      }): number =>
        c.routes.findIndex(
          ([p, , pathId], i) =>
            peerIds[p] === r.peer.id &&
            (pathId ?? 0) === r.pathId &&
            attrs[i]!.id === r.attributes.id,
        );
      const best = rib.best(PREFIX);
      expect(best === undefined ? undefined : which(best)).toBe(c.best);
      const explanation = rib.explain(PREFIX).candidates;
      expect(explanation).toHaveLength(c.routes.length);
      const lost: Record<number, DecisionStep> = {};
      for (const e of explanation) {
        if (e.best) expect(which(e.route)).toBe(c.best);
        else lost[which(e.route)] = e.lostAt!;
      }
      expect(lost).toEqual(c.lost);
      if (c.multipath) expect(rib.multipath(PREFIX).map(which)).toEqual(c.multipath);
      // The same answer whatever order the routes arrived in.
      const again = new Rib(
        { localAsn: LOCAL_AS, routerId: 0x0a0000fe, ...c.options },
        c.resolver ? { nextHopResolver: c.resolver } : {},
      );
      const ids2 = c.peers.map((p) => again.addPeer(p));
      [...c.routes].reverse().forEach(([p, a, pathId]) => {
        again.announce(ids2[p]!, PREFIX, routeAttributes({ nextHop: nh(99), ...a }), pathId);
      });
      const b2 = again.best(PREFIX);
      expect(b2 === undefined ? undefined : b2.pathId).toBe(best?.pathId);
      expect(b2?.peer.id).toBe(best?.peer.id);
    });
  }
});

describe('deterministic MED option', () => {
  // A beats B on IGP cost, C beats A on MED (same AS), B beats C on IGP cost: a cycle that
  // pairwise comparison resolves differently depending on arrival order.
  const store = new AttributeStore();
  const cand = (n: number, asn: number, med: number, igpCost: number): Candidate => ({
    peer: makePeer(n, ebgp(n, asn), LOCAL_AS),
    pathId: 0,
    attributes: store.intern(routeAttributes({ asPath: asSequence(asn), med, nextHop: nh(n) })),
    igpCost,
  });
  const a = cand(1, 65100, 10, 10);
  const b = cand(2, 65200, 0, 20);
  const c = cand(3, 65100, 5, 30);

  it('on (default): set elimination gives B whatever the order, and says A lost at MED', () => {
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ]) {
      const sel = selectBest(order);
      expect(sel.best).toBe(b);
      expect(sel.lostAt.get(a)).toBe(DecisionStep.MED);
      expect(sel.lostAt.get(c)).toBe(DecisionStep.IGP_COST);
    }
  });

  it('off: pairwise comparison in arrival order depends on the order', () => {
    expect(selectBest([a, b, c], { deterministicMed: false }).best).toBe(c);
    expect(selectBest([c, b, a], { deterministicMed: false }).best).toBe(a);
  });
});
