/**
 * The BGP decision process (RFC 4271 §9.1), as set elimination that remembers why each route
 * lost.
 *
 * Phase 1 gives each route its degree of preference: LOCAL_PREF for routes learned over iBGP or
 * confederation eBGP (or originated locally), and for eBGP-learned routes the LOCAL_PREF that
 * import policy set, or a configurable default (RFC 4271 §9.1.1; RFC 5065 §5.2 carries LOCAL_PREF
 * between the member ASes of a confederation). Routes whose next hop is unreachable, or that
 * carry a loop (our AS in the AS_PATH, our router id as ORIGINATOR_ID, our cluster id in the
 * CLUSTER_LIST) are not eligible (§9.1.2, RFC 4456 §8).
 *
 * Phase 2 narrows the eligible set step by step, in this order (§9.1.2.2):
 *
 * 1. highest degree of preference (`local-pref`);
 * 2. shortest AS_PATH, an AS_SET counting 1 and confederation segments 0 (`as-path-length`);
 * 3. lowest ORIGIN (`origin`);
 * 4. lowest MED among routes from the same neighbouring AS, the first AS outside the confederation
 *    segments (`med`, RFC 5065 §5.2; options: compare across ASes, treat a missing MED as the
 *    worst);
 * 5. eBGP (and locally originated) over iBGP (`ebgp-over-ibgp`); routes learned over
 *    confederation eBGP count as internal here (RFC 5065 §5.3);
 * 6. lowest IGP cost to the next hop (`igp-cost`);
 * 7. lowest BGP Identifier, ORIGINATOR_ID when present (`bgp-identifier`, RFC 4456 §9);
 * 8. shortest CLUSTER_LIST (`cluster-list-length`, RFC 4456 §9);
 * 9. lowest peer address (`peer-address`);
 * 10. lowest ADD-PATH path identifier, for two paths from one peer that tie on everything else.
 *
 * Eliminating by sets makes the MED rule (which is not a total order) give the same answer
 * whatever order routes arrived in: this is what routers call "deterministic MED". With
 * `deterministicMed: false` routes are compared pairwise in candidate order instead, as routers
 * without that option do; the result may then depend on arrival order.
 *
 * @module
 */
import type { InternedAttributes } from './attribute-store.js';
import { compareAddresses, type Peer } from './peer.js';

/** The steps of the decision process, in the order they are applied. */
export const DecisionStep = {
  /** The route cannot be used (unreachable next hop or a loop). */
  NOT_ELIGIBLE: 'not-eligible',
  /** Higher degree of preference (LOCAL_PREF) wins. */
  LOCAL_PREF: 'local-pref',
  /** Shorter AS_PATH wins. */
  AS_PATH_LENGTH: 'as-path-length',
  /** Lower ORIGIN wins. */
  ORIGIN: 'origin',
  /** Lower MED wins among routes from the same neighbouring AS. */
  MED: 'med',
  /**
   * eBGP-learned (or locally originated) wins over iBGP-learned; a route learned from another
   * member AS of our confederation counts as internal (RFC 5065 §5.3).
   */
  EBGP_OVER_IBGP: 'ebgp-over-ibgp',
  /** Lower IGP cost to the next hop wins. */
  IGP_COST: 'igp-cost',
  /** Lower BGP Identifier (ORIGINATOR_ID when present) wins. */
  BGP_IDENTIFIER: 'bgp-identifier',
  /** Shorter CLUSTER_LIST wins. */
  CLUSTER_LIST_LENGTH: 'cluster-list-length',
  /** Lower peer address wins. */
  PEER_ADDRESS: 'peer-address',
  /** Lower ADD-PATH path identifier wins (same peer, otherwise equal). */
  PATH_ID: 'path-id',
} as const;
/** A decision step name. */
export type DecisionStep = (typeof DecisionStep)[keyof typeof DecisionStep];

/** Why a route is not eligible. */
export type IneligibleReason =
  | 'next-hop-unreachable'
  | 'as-loop'
  | 'originator-id-loop'
  | 'cluster-list-loop';

/** A route competing for a prefix. */
export interface Candidate {
  /** Where it came from. */
  readonly peer: Peer;
  /** ADD-PATH path identifier (0 without ADD-PATH). */
  readonly pathId: number;
  /** Its attributes. */
  readonly attributes: InternedAttributes;
  /** IGP cost to its next hop (0 when no resolver is configured). */
  readonly igpCost: number;
  /** Set when the route cannot be used. */
  readonly ineligible?: IneligibleReason;
}

/** Options of the decision process. */
export interface DecisionOptions {
  /** Degree of preference of iBGP-learned and local routes without LOCAL_PREF (default 100). */
  readonly defaultLocalPref?: number;
  /** Degree of preference of eBGP-learned routes to which policy gave no LOCAL_PREF (default 100). */
  readonly ebgpLocalPref?: number;
  /** Compare MED between routes from different neighbouring ASes (default false). */
  readonly alwaysCompareMed?: boolean;
  /** Eliminate by sets so that arrival order never matters (default true). */
  readonly deterministicMed?: boolean;
  /** A route without MED is worse than any with one (default false: missing MED counts as 0). */
  readonly medMissingAsWorst?: boolean;
  /** Multipath (ECMP): up to `maxPaths` routes that tie through the IGP cost step. */
  readonly multipath?: {
    /** Largest ECMP set (1 turns multipath off). */
    readonly maxPaths: number;
    /** Allow paths from different neighbouring ASes (default false). */
    readonly relaxNeighborAs?: boolean;
  };
}

/** The outcome of one selection. */
export interface Selection {
  /** The best eligible route, if any. */
  readonly best: Candidate | undefined;
  /** For each other candidate, the step at which it was eliminated. */
  readonly lostAt: ReadonlyMap<Candidate, DecisionStep>;
}

/**
 * Degree of preference (RFC 4271 §9.1.1): LOCAL_PREF when present; otherwise the eBGP default
 * for routes from outside our (confederation's) AS, the internal default for the others.
 */
export function degreeOfPreference(c: Candidate, options: DecisionOptions = {}): number {
  const lp = c.attributes.attributes.localPref;
  if (lp !== undefined) return lp;
  return c.peer.kind === 'ebgp'
    ? (options.ebgpLocalPref ?? 100)
    : (options.defaultLocalPref ?? 100);
}

function medOf(c: Candidate, options: DecisionOptions): number {
  const med = c.attributes.attributes.med;
  if (med !== undefined) return med;
  return options.medMissingAsWorst ? 4294967296 : 0;
}

function routerIdOf(c: Candidate): number {
  return c.attributes.attributes.originatorId ?? c.peer.bgpIdentifier;
}

type Cmp = (a: Candidate, b: Candidate) => number;

/** The steps other than MED, as "lower is better" comparators. */
function totalOrderSteps(options: DecisionOptions): readonly (readonly [DecisionStep, Cmp])[] {
  return [
    [
      DecisionStep.LOCAL_PREF,
      (a, b) => degreeOfPreference(b, options) - degreeOfPreference(a, options),
    ],
    [DecisionStep.AS_PATH_LENGTH, (a, b) => a.attributes.asPathLength - b.attributes.asPathLength],
    [
      DecisionStep.ORIGIN,
      (a, b) => a.attributes.attributes.origin - b.attributes.attributes.origin,
    ],
  ];
}

function laterSteps(): readonly (readonly [DecisionStep, Cmp])[] {
  return LATER;
}

// RFC 5065 §5.3: a route from a confederation eBGP peer is internal to the confederation, so it
// does not win this step over an iBGP-learned one.
const ibgpRank = (c: Candidate): number =>
  c.peer.kind === 'ibgp' || c.peer.kind === 'confed-ebgp' ? 1 : 0;
const LATER: readonly (readonly [DecisionStep, Cmp])[] = [
  [DecisionStep.EBGP_OVER_IBGP, (a, b) => ibgpRank(a) - ibgpRank(b)],
  [DecisionStep.IGP_COST, (a, b) => a.igpCost - b.igpCost],
  [DecisionStep.BGP_IDENTIFIER, (a, b) => routerIdOf(a) - routerIdOf(b)],
  [
    DecisionStep.CLUSTER_LIST_LENGTH,
    (a, b) =>
      a.attributes.attributes.clusterList.length - b.attributes.attributes.clusterList.length,
  ],
  [DecisionStep.PEER_ADDRESS, (a, b) => compareAddresses(a.peer.address, b.peer.address)],
  [DecisionStep.PATH_ID, (a, b) => a.pathId - b.pathId],
];

function keepMin(
  set: Candidate[],
  step: DecisionStep,
  cmp: Cmp,
  lostAt: Map<Candidate, DecisionStep>,
): Candidate[] {
  let min = set[0]!;
  for (let i = 1; i < set.length; i++) if (cmp(set[i]!, min) < 0) min = set[i]!;
  const keep: Candidate[] = [];
  for (const c of set) {
    if (cmp(c, min) === 0) keep.push(c);
    else lostAt.set(c, step);
  }
  return keep;
}

function sameMedGroup(a: Candidate, b: Candidate, options: DecisionOptions): boolean {
  return options.alwaysCompareMed === true || a.attributes.neighborAs === b.attributes.neighborAs;
}

/** RFC 4271 §9.1.2.2 (c): drop every route some route from the same AS beats on MED. */
function medStep(
  set: Candidate[],
  options: DecisionOptions,
  lostAt: Map<Candidate, DecisionStep>,
): Candidate[] {
  const keep: Candidate[] = [];
  for (const c of set) {
    const mc = medOf(c, options);
    let lost = false;
    for (const d of set) {
      if (d !== c && sameMedGroup(c, d, options) && medOf(d, options) < mc) {
        lost = true;
        break;
      }
    }
    if (lost) lostAt.set(c, DecisionStep.MED);
    else keep.push(c);
  }
  return keep;
}

/**
 * Runs the eliminations up to (and including) `through`, returning the survivors; losers go into
 * `lostAt`.
 */
function eliminate(
  eligible: Candidate[],
  options: DecisionOptions,
  lostAt: Map<Candidate, DecisionStep>,
  through: DecisionStep = DecisionStep.PATH_ID,
): Candidate[] {
  let set = eligible;
  for (const [step, cmp] of totalOrderSteps(options)) {
    if (set.length > 1) set = keepMin(set, step, cmp, lostAt);
    if (step === through) return set;
  }
  if (set.length > 1) set = medStep(set, options, lostAt);
  if (through === DecisionStep.MED) return set;
  for (const [step, cmp] of laterSteps()) {
    if (set.length > 1) set = keepMin(set, step, cmp, lostAt);
    if (step === through) return set;
  }
  return set;
}

/**
 * Compares two routes pairwise, returning the first step that separates them and which one
 * wins (negative: `a`). MED is compared only within one neighbouring AS (unless
 * `alwaysCompareMed`). This is the order-dependent comparison used when `deterministicMed` is off.
 */
export function comparePair(
  a: Candidate,
  b: Candidate,
  options: DecisionOptions = {},
): {
  /** The first step that separates them (`path-id` when nothing does). */
  readonly step: DecisionStep;
  /** Negative when `a` wins, positive when `b` wins, 0 for a complete tie. */
  readonly order: number;
} {
  for (const [step, cmp] of totalOrderSteps(options)) {
    const d = cmp(a, b);
    if (d !== 0) return { step, order: d };
  }
  if (sameMedGroup(a, b, options)) {
    const d = medOf(a, options) - medOf(b, options);
    if (d !== 0) return { step: DecisionStep.MED, order: d };
  }
  for (const [step, cmp] of LATER) {
    const d = cmp(a, b);
    if (d !== 0) return { step, order: d };
  }
  return { step: DecisionStep.PATH_ID, order: 0 };
}

/** Selects the best route among `candidates` and says at which step each other one lost. */
export function selectBest(
  candidates: readonly Candidate[],
  options: DecisionOptions = {},
): Selection {
  const lostAt = new Map<Candidate, DecisionStep>();
  const eligible: Candidate[] = [];
  for (const c of candidates) {
    if (c.ineligible !== undefined) lostAt.set(c, DecisionStep.NOT_ELIGIBLE);
    else eligible.push(c);
  }
  if (eligible.length === 0) return { best: undefined, lostAt };
  if (options.deterministicMed === false) {
    let best = eligible[0]!;
    for (let i = 1; i < eligible.length; i++) {
      if (comparePair(eligible[i]!, best, options).order < 0) best = eligible[i]!;
    }
    for (const c of eligible) if (c !== best) lostAt.set(c, comparePair(c, best, options).step);
    return { best, lostAt };
  }
  const survivors = eliminate(eligible, options, lostAt);
  return { best: survivors[0], lostAt };
}

/** The eligible candidates, best first (the order ADD-PATH "best N" sends them in). */
export function rankCandidates(
  candidates: readonly Candidate[],
  options: DecisionOptions = {},
): Candidate[] {
  const out: Candidate[] = [];
  let rest = candidates.filter((c) => c.ineligible === undefined);
  while (rest.length > 0) {
    const { best } = selectBest(rest, options);
    if (best === undefined) break;
    out.push(best);
    rest = rest.filter((c) => c !== best);
  }
  return out;
}

/**
 * The multipath (ECMP) set: the best route and those that tie with it through the IGP cost step
 * (and, unless relaxed, share its neighbouring AS), best first, at most `maxPaths`. Without the
 * multipath option, just the best route.
 */
export function selectMultipath(
  candidates: readonly Candidate[],
  options: DecisionOptions = {},
): Candidate[] {
  const { best } = selectBest(candidates, options);
  if (best === undefined) return [];
  const mp = options.multipath;
  if (mp === undefined || mp.maxPaths <= 1) return [best];
  const eligible = candidates.filter((c) => c.ineligible === undefined);
  const tied = eliminate(eligible, options, new Map(), DecisionStep.IGP_COST).filter(
    (c) => mp.relaxNeighborAs === true || c.attributes.neighborAs === best.attributes.neighborAs,
  );
  const ranked = rankCandidates(tied, options);
  return ranked.slice(0, mp.maxPaths);
}

/** One line of an explanation. */
export interface ExplainedCandidate {
  /** The route. */
  readonly candidate: Candidate;
  /** It is the best route. */
  readonly best: boolean;
  /** It is in the multipath set (the best route is too). */
  readonly multipath: boolean;
  /** For a loser, the step at which it lost. */
  readonly lostAt?: DecisionStep;
  /** For an ineligible route, why. */
  readonly ineligible?: IneligibleReason;
}

/** Explains a selection: every candidate, the best first, and where each loser dropped out. */
export function explainSelection(
  candidates: readonly Candidate[],
  options: DecisionOptions = {},
): ExplainedCandidate[] {
  const { best, lostAt } = selectBest(candidates, options);
  const mp = new Set(selectMultipath(candidates, options));
  const ranked = rankCandidates(candidates, options);
  const order = [...ranked, ...candidates.filter((c) => c.ineligible !== undefined)];
  return order.map((c) => ({
    candidate: c,
    best: c === best,
    multipath: mp.has(c),
    ...(c !== best && lostAt.has(c) ? { lostAt: lostAt.get(c)! } : {}),
    ...(c.ineligible !== undefined ? { ineligible: c.ineligible } : {}),
  }));
}
