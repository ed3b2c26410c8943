import {
  AsPathSegmentType,
  createContext,
  decodeUpdate,
  parseAddress,
  parsePrefix,
  WellKnownCommunity,
} from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdjRibOut } from '../src/adj-rib-out.js';
import {
  asPathLoops,
  type Confederation,
  confedAsPathError,
  confedNeighborAs,
  prependConfedAs,
  stripConfedSegments,
} from '../src/confederation.js';
import { DecisionStep } from '../src/decision.js';
import { type ExportEnvironment, exportRoute } from '../src/export-rules.js';
import { makePeer, type PeerConfig, type PeerKind } from '../src/peer.js';
import { Rib, type RibOptions } from '../src/rib.js';
import {
  type AsPathSegment,
  asSequence,
  type RouteAttributes,
  routeAttributes,
} from '../src/route-attributes.js';

// Our member AS is 65001 in confederation 100 with members 65001..65003.
const CONFED_ID = 100;
const MEMBER_AS = 65001;
const CONFED: Confederation = { identifier: CONFED_ID, members: [65001, 65002, 65003] };
const P = parsePrefix('203.0.113.0/24');
const SELF4 = parseAddress('10.255.0.1');

const { AS_SEQUENCE: SEQ, AS_SET: SET } = AsPathSegmentType;
const { AS_CONFED_SEQUENCE: CSEQ, AS_CONFED_SET: CSET } = AsPathSegmentType;
const seg = (type: number, ...asns: number[]): AsPathSegment => ({ type, asns });

const PEERS = {
  ibgp: { address: '10.0.0.2', asn: MEMBER_AS, bgpIdentifier: 0x0a000002 },
  ibgp2: { address: '10.0.0.3', asn: MEMBER_AS, bgpIdentifier: 0x0a000003 },
  confedB: { address: '10.0.2.1', asn: 65002, bgpIdentifier: 0x0a000201 },
  confedB2: { address: '10.0.2.2', asn: 65002, bgpIdentifier: 0x0a000202 },
  confedC: { address: '10.0.3.1', asn: 65003, bgpIdentifier: 0x0a000301 },
  ext200: { address: '192.0.2.200', asn: 200, bgpIdentifier: 0xc00002c8 },
  ext300: { address: '192.0.2.30', asn: 300, bgpIdentifier: 0xc000021e },
} satisfies Record<string, PeerConfig>;
type PeerName = keyof typeof PEERS;

function setup(options: Partial<RibOptions> = {}): {
  rib: Rib;
  id: Record<PeerName, number>;
} {
  const rib = new Rib({
    localAsn: MEMBER_AS,
    routerId: 0x0a000001,
    confederation: CONFED,
    ...options,
  });
  const id = {} as Record<PeerName, number>;
  for (const [name, config] of Object.entries(PEERS)) id[name as PeerName] = rib.addPeer(config);
  return { rib, id };
}

const nh = (s: string): Uint8Array => parseAddress(s);
const attrs = (a: Partial<RouteAttributes> = {}): RouteAttributes =>
  routeAttributes({ nextHop: nh('10.9.9.9'), ...a });

describe('confederation peer kinds (RFC 5065)', () => {
  const cases: readonly (readonly [string, number, Confederation | undefined, PeerKind])[] = [
    ['our member AS is iBGP', MEMBER_AS, CONFED, 'ibgp'],
    ['another member AS is confederation eBGP', 65002, CONFED, 'confed-ebgp'],
    ['a third member AS is confederation eBGP', 65003, CONFED, 'confed-ebgp'],
    ['an AS outside the confederation is eBGP', 200, CONFED, 'ebgp'],
    ['without a confederation, a would-be member AS is plain eBGP', 65002, undefined, 'ebgp'],
    ['without a confederation, our AS is iBGP', MEMBER_AS, undefined, 'ibgp'],
  ];
  for (const [name, asn, confed, kind] of cases) {
    it(name, () => {
      const peer = makePeer(1, { address: '10.0.0.9', asn, bgpIdentifier: 9 }, MEMBER_AS, confed);
      expect(peer.kind).toBe(kind);
      expect(peer.confederation).toBe(confed);
    });
  }

  it('the RIB classifies its peers with its confederation option', () => {
    const { rib, id } = setup();
    expect(rib.peer(id.ibgp).kind).toBe('ibgp');
    expect(rib.peer(id.confedB).kind).toBe('confed-ebgp');
    expect(rib.peer(id.confedC).kind).toBe('confed-ebgp');
    expect(rib.peer(id.ext200).kind).toBe('ebgp');
    expect(rib.peer(id.ext200).confederation).toEqual(CONFED);
  });
});

interface DecisionCase {
  readonly name: string;
  readonly options?: Partial<RibOptions>;
  readonly routes: readonly (readonly [PeerName, Partial<RouteAttributes>])[];
  /** Index of the expected best route. */
  readonly best: number;
  /** Route index -> the step it must be explained as losing at. */
  readonly lost: Readonly<Record<number, DecisionStep>>;
}

const decisionCases: DecisionCase[] = [
  {
    name: 'confederation segments do not count in the AS_PATH length',
    routes: [
      ['confedB', { asPath: [seg(CSEQ, 65002, 65003), seg(CSET, 65004), seg(SEQ, 200)] }],
      ['ibgp', { asPath: asSequence(300, 400) }],
    ],
    best: 0,
    lost: { 1: DecisionStep.AS_PATH_LENGTH },
  },
  {
    name: 'a confederation eBGP route does not win the eBGP-over-iBGP step over an iBGP one',
    // Everything ties up to that step; the iBGP peer's lower BGP Identifier then decides.
    routes: [
      ['confedB', { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)], nextHop: nh('10.0.2.1') }],
      ['ibgp', { asPath: asSequence(300), nextHop: nh('10.0.0.2') }],
    ],
    best: 1,
    lost: { 0: DecisionStep.BGP_IDENTIFIER },
  },
  {
    name: 'an iBGP route does not win the eBGP-over-iBGP step over a confederation eBGP one',
    routes: [
      ['confedB', { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)] }],
      ['ibgp', { asPath: asSequence(300), originatorId: 0x7f000000 }],
    ],
    best: 0,
    lost: { 1: DecisionStep.BGP_IDENTIFIER },
  },
  {
    name: 'a true eBGP route wins the eBGP-over-iBGP step over a confederation eBGP one',
    routes: [
      ['confedB', { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)] }],
      ['ext300', { asPath: asSequence(300) }],
    ],
    best: 1,
    lost: { 0: DecisionStep.EBGP_OVER_IBGP },
  },
  {
    name: 'MED is compared when the first AS outside the confederation segments is the same',
    routes: [
      ['confedB', { med: 20, asPath: [seg(CSEQ, 65002), seg(SEQ, 200)] }],
      ['confedC', { med: 10, asPath: [seg(CSEQ, 65003, 65002), seg(SEQ, 200)] }],
    ],
    best: 1,
    lost: { 0: DecisionStep.MED },
  },
  {
    name: 'MED is not compared when the first AS outside the confederation segments differs',
    routes: [
      // The higher MED wins: the lower BGP Identifier decides, MED never compared.
      ['confedB', { med: 500, asPath: [seg(CSEQ, 65002), seg(SEQ, 200)] }],
      ['confedC', { med: 5, asPath: [seg(CSEQ, 65002), seg(SEQ, 300)] }],
    ],
    best: 0,
    lost: { 1: DecisionStep.BGP_IDENTIFIER },
  },
  {
    name: 'routes internal to the confederation compare MED (their neighbouring AS is ours)',
    routes: [
      ['confedB', { med: 30, asPath: [seg(CSEQ, 65002)] }],
      ['confedC', { med: 7, asPath: [seg(CSEQ, 65003)] }],
    ],
    best: 1,
    lost: { 0: DecisionStep.MED },
  },
  {
    name: 'LOCAL_PREF from a confederation eBGP peer is honoured',
    routes: [
      ['confedB', { localPref: 200, asPath: [seg(CSEQ, 65002), seg(SEQ, 200)] }],
      ['ibgp', { localPref: 150, asPath: asSequence(300) }],
    ],
    best: 0,
    lost: { 1: DecisionStep.LOCAL_PREF },
  },
  {
    name: 'a confederation eBGP route without LOCAL_PREF gets the internal default',
    options: { ebgpLocalPref: 300, defaultLocalPref: 100 },
    routes: [
      ['confedB', { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)] }],
      ['ibgp', { localPref: 150, asPath: asSequence(300, 400, 500) }],
      ['ext200', { asPath: asSequence(200, 400, 500, 600) }],
    ],
    best: 2,
    lost: { 0: DecisionStep.LOCAL_PREF, 1: DecisionStep.LOCAL_PREF },
  },
];

describe('decision process in a confederation (RFC 5065 §5.2, §5.3)', () => {
  for (const c of decisionCases) {
    it(c.name, () => {
      const { rib, id } = setup(c.options);
      for (const [peer, a] of c.routes) rib.announce(id[peer], P, attrs(a));
      const explained = rib.explain(P).candidates;
      const best = explained.find((e) => e.best);
      expect(best?.route.peer.id).toBe(id[c.routes[c.best]![0]]);
      for (const [i, step] of Object.entries(c.lost)) {
        const peer = id[c.routes[Number(i)]![0]];
        const line = explained.find((e) => e.route.peer.id === peer);
        expect(line?.best).toBe(false);
        expect(line?.lostAt).toBe(step);
      }
      expect(rib.best(P)?.peer.id).toBe(id[c.routes[c.best]![0]]);
    });
  }
});

describe('AS_PATH loop detection in a confederation (RFC 5065 §4)', () => {
  const cases: readonly (readonly [string, readonly AsPathSegment[], boolean])[] = [
    ['the identifier in an AS_SEQUENCE loops', [seg(SEQ, 200, CONFED_ID, 300)], true],
    ['the identifier in an AS_SET loops', [seg(SEQ, 200), seg(SET, 7, CONFED_ID)], true],
    ['our member AS in an AS_CONFED_SEQUENCE loops', [seg(CSEQ, 65002, MEMBER_AS)], true],
    ['our member AS in an AS_CONFED_SET loops', [seg(CSEQ, 65002), seg(CSET, MEMBER_AS)], true],
    ['other member ASes in confederation segments do not', [seg(CSEQ, 65002, 65003)], false],
    [
      'our member AS in an AS_SEQUENCE does not (outsiders never see it)',
      [seg(SEQ, 200, MEMBER_AS)],
      false,
    ],
    [
      'the identifier in a confederation segment does not',
      [seg(CSEQ, CONFED_ID), seg(SEQ, 7)],
      false,
    ],
    ['an empty path does not', [], false],
  ];
  for (const [name, path, loops] of cases) {
    it(name, () => {
      expect(asPathLoops(path, MEMBER_AS, CONFED)).toBe(loops);
    });
  }

  it('the Rib makes looping routes ineligible and keeps the others', () => {
    const { rib, id } = setup();
    const p = (t: string) => parsePrefix(t);
    rib.announce(id.ext200, p('198.51.100.0/24'), attrs({ asPath: [seg(SEQ, 200, CONFED_ID)] }));
    rib.announce(
      id.confedB,
      p('198.51.101.0/24'),
      attrs({ asPath: [seg(CSEQ, 65002, MEMBER_AS)] }),
    );
    rib.announce(id.ext200, p('198.51.102.0/24'), attrs({ asPath: [seg(SEQ, 200, MEMBER_AS)] }));
    rib.flush();
    for (const t of ['198.51.100.0/24', '198.51.101.0/24']) {
      expect(rib.best(p(t))).toBeUndefined();
      expect(rib.explain(p(t)).candidates[0]?.ineligible).toBe('as-loop');
    }
    expect(rib.best(p('198.51.102.0/24'))?.peer.id).toBe(id.ext200);
  });

  it('without a confederation, our AS anywhere in the path loops', () => {
    expect(asPathLoops([seg(SEQ, 200, MEMBER_AS)], MEMBER_AS)).toBe(true);
    expect(asPathLoops([seg(CSEQ, MEMBER_AS)], MEMBER_AS)).toBe(true);
    expect(asPathLoops([seg(SEQ, 200, CONFED_ID)], MEMBER_AS)).toBe(false);
  });
});

describe('confederation AS_PATH checks on receipt (RFC 5065 §5)', () => {
  it('a peer outside the confederation must not send confederation segments', () => {
    expect(confedAsPathError([seg(CSEQ, 65002), seg(SEQ, 200)], 'ebgp')).toMatch(/outside/);
    expect(confedAsPathError([seg(SEQ, 200), seg(CSET, 65002)], 'ebgp')).toMatch(/outside/);
    expect(confedAsPathError([seg(SEQ, 200)], 'ebgp')).toBeUndefined();
  });

  it('a confederation eBGP peer must send a path that starts with an AS_CONFED_SEQUENCE', () => {
    expect(confedAsPathError([seg(SEQ, 200)], 'confed-ebgp')).toMatch(/AS_CONFED_SEQUENCE/);
    expect(confedAsPathError([], 'confed-ebgp')).toMatch(/AS_CONFED_SEQUENCE/);
    expect(confedAsPathError([seg(CSET, 65002)], 'confed-ebgp')).toMatch(/AS_CONFED_SEQUENCE/);
    expect(confedAsPathError([seg(CSEQ, 65002), seg(SEQ, 200)], 'confed-ebgp')).toBeUndefined();
  });

  it('iBGP peers may send any path', () => {
    expect(confedAsPathError([seg(CSET, 65002)], 'ibgp')).toBeUndefined();
    expect(confedAsPathError([], 'ibgp')).toBeUndefined();
  });
});

describe('confederation AS_PATH helpers', () => {
  it('prependConfedAs joins a leading AS_CONFED_SEQUENCE, else opens one (§4.1 b)', () => {
    expect(prependConfedAs([], MEMBER_AS)).toEqual([seg(CSEQ, MEMBER_AS)]);
    expect(prependConfedAs([seg(SEQ, 200)], MEMBER_AS)).toEqual([
      seg(CSEQ, MEMBER_AS),
      seg(SEQ, 200),
    ]);
    expect(prependConfedAs([seg(CSEQ, 65002), seg(SEQ, 200)], MEMBER_AS)).toEqual([
      seg(CSEQ, MEMBER_AS, 65002),
      seg(SEQ, 200),
    ]);
    expect(prependConfedAs([seg(CSET, 65002, 65003)], MEMBER_AS)).toEqual([
      seg(CSEQ, MEMBER_AS),
      seg(CSET, 65002, 65003),
    ]);
    const full = seg(CSEQ, ...Array.from({ length: 255 }, (_, i) => 64600 + i));
    expect(prependConfedAs([full], MEMBER_AS)).toEqual([seg(CSEQ, MEMBER_AS), full]);
  });

  it('stripConfedSegments keeps only AS_SEQUENCE and AS_SET', () => {
    expect(stripConfedSegments([seg(CSEQ, 1), seg(SEQ, 2), seg(CSET, 3), seg(SET, 4, 5)])).toEqual([
      seg(SEQ, 2),
      seg(SET, 4, 5),
    ]);
  });

  it('confedNeighborAs is the first AS of a leading AS_CONFED_SEQUENCE', () => {
    expect(confedNeighborAs([seg(CSEQ, 65003, 65002), seg(SEQ, 200)])).toBe(65003);
    expect(confedNeighborAs([seg(SEQ, 200)])).toBeUndefined();
    expect(confedNeighborAs([seg(CSET, 65003)])).toBeUndefined();
    expect(confedNeighborAs([])).toBeUndefined();
  });
});

const ENV: ExportEnvironment = {
  localAsn: MEMBER_AS,
  clusterId: 0x0a000001,
  defaultLocalPref: 100,
};

interface ExportCase {
  readonly name: string;
  readonly from: PeerName | 'local';
  readonly to: PeerName;
  readonly attributes: Partial<RouteAttributes>;
  readonly nextHopSelf?: boolean;
  readonly sendToOriginAs?: boolean;
  /** Expected attributes (a subset) when sent, or the reason when not. */
  readonly expect: Partial<RouteAttributes> | { readonly reason: RegExp };
}

const exportCases: ExportCase[] = [
  {
    name: 'to a confed peer: our AS in a new AS_CONFED_SEQUENCE; NEXT_HOP, MED, LOCAL_PREF kept',
    from: 'ibgp',
    to: 'confedB',
    attributes: { asPath: asSequence(200), localPref: 250, med: 40, nextHop: nh('10.0.0.2') },
    expect: {
      asPath: [seg(CSEQ, MEMBER_AS), seg(SEQ, 200)],
      localPref: 250,
      med: 40,
      nextHop: nh('10.0.0.2'),
    },
  },
  {
    name: 'to a confederation peer: our member AS joins the leading AS_CONFED_SEQUENCE',
    from: 'confedB',
    to: 'confedC',
    attributes: { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)], med: 9 },
    expect: { asPath: [seg(CSEQ, MEMBER_AS, 65002), seg(SEQ, 200)], med: 9, localPref: 100 },
  },
  {
    name: 'to a confederation peer: an eBGP route gets the default LOCAL_PREF and keeps its MED',
    from: 'ext200',
    to: 'confedB',
    attributes: { asPath: asSequence(200), med: 3, nextHop: nh('192.0.2.200') },
    expect: {
      asPath: [seg(CSEQ, MEMBER_AS), seg(SEQ, 200)],
      localPref: 100,
      med: 3,
      nextHop: nh('192.0.2.200'),
    },
  },
  {
    name: 'to a confederation peer: a local route carries just our member AS',
    from: 'local',
    to: 'confedB',
    attributes: { med: 1 },
    expect: { asPath: [seg(CSEQ, MEMBER_AS)], med: 1, localPref: 100 },
  },
  {
    name: 'to a confederation peer: next-hop self when configured',
    from: 'ext200',
    to: 'confedB',
    nextHopSelf: true,
    attributes: { asPath: asSequence(200) },
    expect: { nextHop: SELF4 },
  },
  {
    name: 'to a confederation peer: ORIGINATOR_ID and CLUSTER_LIST do not cross member ASes',
    from: 'ibgp',
    to: 'confedB',
    attributes: { asPath: asSequence(200), originatorId: 7, clusterList: [1, 2] },
    expect: {
      originatorId: undefined,
      clusterList: [],
      asPath: [seg(CSEQ, MEMBER_AS), seg(SEQ, 200)],
    },
  },
  {
    name: 'to a confederation peer: NO_EXPORT is sent',
    from: 'ext200',
    to: 'confedB',
    attributes: { asPath: asSequence(200), communities: [WellKnownCommunity.NO_EXPORT] },
    expect: { communities: [WellKnownCommunity.NO_EXPORT] },
  },
  {
    name: 'to a confederation peer: NO_EXPORT_SUBCONFED is not sent',
    from: 'ext200',
    to: 'confedB',
    attributes: { asPath: asSequence(200), communities: [WellKnownCommunity.NO_EXPORT_SUBCONFED] },
    expect: { reason: /NO_EXPORT_SUBCONFED/ },
  },
  {
    name: 'to a confederation peer: not back to the member AS the route came from',
    from: 'confedB',
    to: 'confedB2',
    attributes: { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)] },
    expect: { reason: /member AS/ },
  },
  {
    name: 'to a confederation peer: an iBGP route is not sent to the member AS that leads its path',
    from: 'ibgp',
    to: 'confedC',
    attributes: { asPath: [seg(CSEQ, 65003), seg(SEQ, 200)] },
    expect: { reason: /member AS/ },
  },
  {
    name: 'to a confederation peer: back to the origin member AS when configured',
    from: 'confedB',
    to: 'confedB2',
    sendToOriginAs: true,
    attributes: { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)] },
    expect: { asPath: [seg(CSEQ, MEMBER_AS, 65002), seg(SEQ, 200)] },
  },
  {
    name: 'to an iBGP peer: a confederation eBGP route is not iBGP-learned: sent unchanged',
    from: 'confedB',
    to: 'ibgp',
    attributes: { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)], localPref: 170, med: 4 },
    expect: { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)], localPref: 170, med: 4 },
  },
  {
    name: 'to an iBGP peer: an iBGP route still needs route reflection',
    from: 'ibgp',
    to: 'ibgp2',
    attributes: { asPath: asSequence(200) },
    expect: { reason: /route reflection/ },
  },
  {
    name: 'to an external peer: confederation segments removed, the identifier prepended',
    from: 'confedB',
    to: 'ext300',
    attributes: {
      asPath: [seg(CSEQ, 65002, 65003), seg(CSET, 65004), seg(SEQ, 200)],
      localPref: 170,
      med: 4,
    },
    expect: { asPath: [seg(SEQ, CONFED_ID, 200)], nextHop: SELF4 },
  },
  {
    name: 'to an external peer: LOCAL_PREF and a learned MED are not sent',
    from: 'confedB',
    to: 'ext300',
    attributes: { asPath: [seg(CSEQ, 65002), seg(SEQ, 200)], localPref: 170, med: 4 },
    expect: { localPref: undefined, med: undefined },
  },
  {
    name: 'to an external peer: a local route carries the identifier, not our member AS',
    from: 'local',
    to: 'ext300',
    attributes: {},
    expect: { asPath: [seg(SEQ, CONFED_ID)] },
  },
  {
    name: 'to an external peer: NO_EXPORT is not sent out of the confederation',
    from: 'confedB',
    to: 'ext300',
    attributes: {
      asPath: [seg(CSEQ, 65002), seg(SEQ, 200)],
      communities: [WellKnownCommunity.NO_EXPORT],
    },
    expect: { reason: /NO_EXPORT/ },
  },
  {
    name: 'to an external peer: not back to the first AS outside the confederation segments',
    from: 'confedB',
    to: 'ext200',
    attributes: { asPath: [seg(CSEQ, 65002, 65003), seg(SEQ, 200, 7)] },
    expect: { reason: /origin AS/ },
  },
  {
    name: 'to an external peer: a member AS in the path is not mistaken for the origin AS',
    from: 'confedB',
    to: 'ext300',
    attributes: { asPath: [seg(CSEQ, 65002), seg(SEQ, 200, 300)] },
    expect: { asPath: [seg(SEQ, CONFED_ID, 200, 300)] },
  },
];

describe('export rules in a confederation (RFC 5065 §4.1, §5; RFC 1997)', () => {
  for (const c of exportCases) {
    it(c.name, () => {
      const { rib, id } = setup();
      const fromId = c.from === 'local' ? 0 : id[c.from];
      rib.announce(fromId, P, attrs(c.attributes));
      const route = rib.paths(P).find((r) => r.peer.id === fromId);
      expect(route).toBeDefined();
      const d = exportRoute(
        route!,
        1,
        {
          peer: rib.peer(id[c.to]),
          localAddress: { ipv4: SELF4 },
          ...(c.nextHopSelf !== undefined ? { nextHopSelf: c.nextHopSelf } : {}),
          ...(c.sendToOriginAs !== undefined ? { sendToOriginAs: c.sendToOriginAs } : {}),
        },
        ENV,
      );
      if ('reason' in c.expect) {
        expect(d.send).toBe(false);
        if (!d.send) expect(d.reason).toMatch(c.expect.reason);
        return;
      }
      expect(d.send).toBe(true);
      if (!d.send) return;
      for (const [k, v] of Object.entries(c.expect)) {
        expect(d.attributes[k as keyof RouteAttributes], k).toEqual(v);
      }
      // RFC 5065 §5: nothing with confederation segments leaves the confederation.
      if (rib.peer(id[c.to]).kind === 'ebgp') {
        expect(d.attributes.asPath.some((s) => s.type === CSEQ || s.type === CSET)).toBe(false);
      }
    });
  }

  it('the environment may carry the confederation for peers built without one', () => {
    const rib = new Rib({ localAsn: MEMBER_AS, routerId: 1 });
    const ext = rib.addPeer(PEERS.ext300);
    rib.announce(0, P, attrs());
    const route = rib.paths(P)[0]!;
    const target = { peer: rib.peer(ext), localAddress: { ipv4: SELF4 } };
    const plain = exportRoute(route, 1, target, ENV);
    const confed = exportRoute(route, 1, target, { ...ENV, confederation: CONFED });
    expect(plain.send && plain.attributes.asPath).toEqual([seg(SEQ, MEMBER_AS)]);
    expect(confed.send && confed.attributes.asPath).toEqual([seg(SEQ, CONFED_ID)]);
  });

  it('AdjRibOut (no confederation in its env) sends the identifier / confed segments', () => {
    const { rib, id } = setup();
    const toExt = new AdjRibOut(rib, { peer: rib.peer(id.ext300), localAddress: { ipv4: SELF4 } });
    const toConfed = new AdjRibOut(rib, {
      peer: rib.peer(id.confedC),
      localAddress: { ipv4: SELF4 },
    });
    for (const o of [toExt, toConfed]) rib.subscribe((c) => o.onChanges(c));
    rib.announce(id.confedB, P, attrs({ asPath: [seg(CSEQ, 65002), seg(SEQ, 200)], med: 6 }));
    rib.flush();
    const ctx = createContext({ fourOctetAs: true });
    const onWire = (o: AdjRibOut): readonly AsPathSegment[] => {
      const msgs = o.generate().map((m) => decodeUpdate(m.subarray(19), ctx));
      const withPath = msgs.flatMap((m) => m.attributes).find((a) => a.typeCode === 2);
      if (withPath === undefined || withPath.raw) throw new Error('no AS_PATH sent');
      return withPath.value as readonly AsPathSegment[];
    };
    expect(onWire(toExt)).toEqual([seg(SEQ, CONFED_ID, 200)]);
    expect(onWire(toConfed)).toEqual([seg(CSEQ, MEMBER_AS, 65002), seg(SEQ, 200)]);
    expect(toConfed.advertised(P).get(0)?.med).toBe(6);
    expect(toExt.advertised(P).get(0)?.med).toBeUndefined();
  });
});

// ------------------------------------------------------------------ property

const asn = fc.integer({ min: 1000, max: 4_000_000_000 });
const segmentArb: fc.Arbitrary<AsPathSegment> = fc.record({
  type: fc.constantFrom(SET, SEQ, CSEQ, CSET),
  asns: fc.oneof(
    fc.array(asn, { minLength: 1, maxLength: 8 }),
    // Full segments exercise the 255-AS overflow into a new segment.
    fc.array(asn, { minLength: 250, maxLength: 255 }),
  ),
});
const pathArb = fc.array(segmentArb, { maxLength: 5 });
const sourceArb = fc.constantFrom<PeerName | 'local'>('ibgp', 'confedB', 'ext200', 'local');

describe('confederation export', () => {
  it('property: to an external peer no confed segment leaves and the identifier leads', () => {
    fc.assert(
      fc.property(pathArb, sourceArb, (asPath, from) => {
        const { rib, id } = setup();
        const fromId = from === 'local' ? 0 : id[from];
        rib.announce(fromId, P, attrs({ asPath }));
        const route = rib.paths(P)[0]!;
        const d = exportRoute(
          route,
          1,
          { peer: rib.peer(id.ext300), localAddress: { ipv4: SELF4 } },
          ENV,
        );
        // Generated ASNs are at least 1000, so AS 300 is never the origin AS.
        expect(d.send).toBe(true);
        if (!d.send) return;
        const out = d.attributes.asPath;
        expect(out.some((s) => s.type === CSEQ || s.type === CSET)).toBe(false);
        expect(out[0]?.type).toBe(SEQ);
        expect(out[0]?.asns[0]).toBe(CONFED_ID);
        for (const s of out) expect(s.asns.length).toBeLessThanOrEqual(255);
        // Nothing outside the confederation segments is lost or reordered.
        const inner = stripConfedSegments(asPath).flatMap((s) => s.asns);
        expect(out.flatMap((s) => s.asns)).toEqual([CONFED_ID, ...inner]);
      }),
    );
  });

  it('property: to a confed peer the path starts with an AS_CONFED_SEQUENCE led by our AS', () => {
    fc.assert(
      fc.property(pathArb, sourceArb, (asPath, from) => {
        const { rib, id } = setup();
        const fromId = from === 'local' ? 0 : id[from];
        rib.announce(fromId, P, attrs({ asPath }));
        const route = rib.paths(P)[0]!;
        const d = exportRoute(
          route,
          1,
          { peer: rib.peer(id.confedC), localAddress: { ipv4: SELF4 } },
          ENV,
        );
        // The one rule that may stop it: an iBGP or local route whose path leads with member AS
        // 65003 is not sent back there.
        if (from !== 'confedB' && confedNeighborAs(asPath) === 65003) {
          expect(d.send).toBe(false);
          return;
        }
        expect(d.send).toBe(true);
        if (!d.send) return;
        const out = d.attributes.asPath;
        expect(out[0]?.type).toBe(CSEQ);
        expect(out[0]?.asns[0]).toBe(MEMBER_AS);
        for (const s of out) expect(s.asns.length).toBeLessThanOrEqual(255);
        expect(out.flatMap((s) => s.asns)).toEqual([MEMBER_AS, ...asPath.flatMap((s) => s.asns)]);
        // RFC 5065 §4.1 b: a leading AS_CONFED_SEQUENCE with room takes our AS; no new segment.
        const first = asPath[0];
        const joins = first?.type === CSEQ && first.asns.length < 255;
        expect(out.length).toBe(asPath.length + (joins ? 0 : 1));
      }),
    );
  });
});
