/**
 * From `@bgp/wire` UPDATEs into the RIB.
 *
 * {@link ingestUpdate} is the receive path of a session: it decodes the path attributes once
 * (`decodeAttributeList`), interns them, and walks the prefixes with `walkUpdatePrefixes`, which
 * hands over NLRI bytes without building a prefix object per route. RFC 7606 outcomes are
 * applied here: a treat-as-withdraw UPDATE withdraws everything it announces (§2), attribute
 * discard keeps the route without the discarded attribute, and a session reset is thrown as the
 * typed error that names its NOTIFICATION. An End-of-RIB marker (RFC 4724 §2) sweeps the peer's
 * stale paths of that family.
 *
 * @module
 */
import {
  AttributeFlag,
  AttributeType,
  type CodecContext,
  createContext,
  decodeAttributeList,
  type ErrorAction,
  encodeAttribute,
  locateUpdateSections,
  mergeAs4,
  type PathAttribute,
  strongerAction,
  UpdateMessageError,
  UpdateMessageErrorSubcode,
  Writer,
  walkUpdatePrefixes,
} from '@bgp/wire';
import type { InternedAttributes } from './attribute-store.js';
import { confedAsPathError } from './confederation.js';
import type { PeerKind } from './peer.js';
import { nlriToWords } from './prefix-key.js';
import type { Rib } from './rib.js';
import {
  type AsPathSegment,
  type LargeCommunity,
  type RawAttribute,
  type RouteAttributes,
  routeAttributes,
} from './route-attributes.js';

/** Attributes the normalized view holds in its own fields (or that never belong to a set). */
const HANDLED = new Set<number>([
  AttributeType.ORIGIN,
  AttributeType.AS_PATH,
  AttributeType.NEXT_HOP,
  AttributeType.MULTI_EXIT_DISC,
  AttributeType.LOCAL_PREF,
  AttributeType.ATOMIC_AGGREGATE,
  AttributeType.AGGREGATOR,
  AttributeType.COMMUNITIES,
  AttributeType.ORIGINATOR_ID,
  AttributeType.CLUSTER_LIST,
  AttributeType.MP_REACH_NLRI,
  AttributeType.MP_UNREACH_NLRI,
  AttributeType.AS4_PATH,
  AttributeType.AS4_AGGREGATOR,
  AttributeType.LARGE_COMMUNITY,
  AttributeType.OTC,
]);

const AS4 = createContext({ fourOctetAs: true });

function rawOf(a: PathAttribute): RawAttribute {
  if (a.raw) return { typeCode: a.typeCode, flags: a.flags, value: a.value };
  const w = new Writer(64);
  encodeAttribute(a, AS4, w);
  const bytes = w.finish();
  const header = (bytes[0]! & AttributeFlag.EXTENDED_LENGTH) !== 0 ? 4 : 3;
  return { typeCode: a.typeCode, flags: a.flags, value: bytes.subarray(header) };
}

/**
 * Builds the normalized attributes of a decoded attribute list.
 *
 * @param attrs - decoded path attributes (wire order)
 * @param nextHop - the next hop of the family being built (NEXT_HOP, or MP_REACH_NLRI's)
 * @param options - `fourOctetAs`: the session's AS width (on a 2-octet session AS4_PATH and
 *   AS4_AGGREGATOR are merged, RFC 6793 §4.2.3); `peerKind`: LOCAL_PREF from an eBGP peer is
 *   ignored (RFC 4271 §5.1.5)
 */
export function routeAttributesFrom(
  attrs: readonly PathAttribute[],
  nextHop: Uint8Array,
  options: { readonly fourOctetAs: boolean; readonly peerKind: PeerKind },
): RouteAttributes {
  let origin: 0 | 1 | 2 = 0;
  let asPath: readonly AsPathSegment[] = [];
  let med: number | undefined;
  let localPref: number | undefined;
  let communities: readonly number[] = [];
  let largeCommunities: readonly LargeCommunity[] = [];
  let originatorId: number | undefined;
  let clusterList: readonly number[] = [];
  let atomicAggregate = false;
  let aggregator: { asn: number; address: Uint8Array } | undefined;
  let otc: number | undefined;
  const other: RawAttribute[] = [];
  for (const a of attrs) {
    // RFC 7606 attribute discard: a malformed attribute is dropped, the route stands.
    if (a.raw) {
      if (a.malformed !== true && !HANDLED.has(a.typeCode)) other.push(rawOf(a));
      continue;
    }
    switch (a.typeCode) {
      case AttributeType.ORIGIN:
        origin = Math.min(2, a.value) as 0 | 1 | 2;
        break;
      case AttributeType.AS_PATH:
        asPath = a.value;
        break;
      case AttributeType.MULTI_EXIT_DISC:
        med = a.value;
        break;
      case AttributeType.LOCAL_PREF:
        localPref = a.value;
        break;
      case AttributeType.ATOMIC_AGGREGATE:
        atomicAggregate = true;
        break;
      case AttributeType.AGGREGATOR:
        aggregator = { asn: a.value.asn, address: a.value.address };
        break;
      case AttributeType.COMMUNITIES:
        communities = a.value;
        break;
      case AttributeType.ORIGINATOR_ID:
        originatorId = a.value;
        break;
      case AttributeType.CLUSTER_LIST:
        clusterList = a.value;
        break;
      case AttributeType.LARGE_COMMUNITY:
        largeCommunities = a.value.map((l) => [l.globalAdmin, l.localData1, l.localData2] as const);
        break;
      case AttributeType.OTC:
        otc = a.value;
        break;
      default:
        if (!HANDLED.has(a.typeCode)) other.push(rawOf(a));
    }
  }
  if (!options.fourOctetAs) {
    const merged = mergeAs4(attrs);
    asPath = merged.asPath;
    if (merged.aggregator)
      aggregator = { asn: merged.aggregator.asn, address: merged.aggregator.address };
  }
  if (options.peerKind === 'ebgp') localPref = undefined;
  other.sort((x, y) => x.typeCode - y.typeCode);
  return routeAttributes({
    origin,
    asPath,
    nextHop,
    med,
    localPref,
    communities,
    largeCommunities,
    originatorId,
    clusterList,
    atomicAggregate,
    aggregator,
    otc,
    other,
  });
}

/** What {@link ingestUpdate} did. */
export interface IngestResult {
  /** Prefixes announced. */
  readonly announced: number;
  /** Prefixes withdrawn (including those withdrawn by treat-as-withdraw). */
  readonly withdrawn: number;
  /** The RFC 7606 outcome applied, if any. */
  readonly action?: ErrorAction;
  /** Set when the UPDATE was an End-of-RIB marker: the family whose stale paths were swept. */
  readonly endOfRib?: {
    /** AFI of the marker. */
    readonly afi: number;
    /** SAFI of the marker. */
    readonly safi: number;
    /** Stale paths withdrawn by the sweep. */
    readonly swept: number;
  };
}

/**
 * Applies one received UPDATE body (after the 19-byte header) from `peer` to the RIB.
 *
 * @throws UpdateMessageError when RFC 7606 calls for a session reset
 */
export function ingestUpdate(
  rib: Rib,
  peer: number,
  body: Uint8Array,
  ctx: CodecContext,
): IngestResult {
  const sections = locateUpdateSections(body);
  const { attributes, problems } = decodeAttributeList(
    body,
    sections.attributesStart,
    sections.attributesEnd,
    ctx,
  );
  let action: ErrorAction | undefined;
  for (const p of problems) action = strongerAction(action, p.action);
  if (action === 'reset') throw problems.find((p) => p.action === 'reset')!.error;

  let nextHop4: Uint8Array | undefined;
  let mpReach: { afi: number; safi: number; nextHop: Uint8Array } | undefined;
  let mpUnreach: { afi: number; safi: number; count: number } | undefined;
  let hasOrigin = false;
  let hasAsPath = false;
  for (const a of attributes) {
    if (a.raw) continue;
    if (a.typeCode === AttributeType.NEXT_HOP) nextHop4 = a.value;
    else if (a.typeCode === AttributeType.ORIGIN) hasOrigin = true;
    else if (a.typeCode === AttributeType.AS_PATH) hasAsPath = true;
    else if (a.typeCode === AttributeType.MP_REACH_NLRI) {
      const v = a.value;
      const nh = v.linkLocalNextHop ? new Uint8Array(32) : v.nextHop;
      if (v.linkLocalNextHop) {
        nh.set(v.nextHop, 0);
        nh.set(v.linkLocalNextHop, 16);
      }
      mpReach = { afi: v.afi, safi: v.safi, nextHop: nh };
    } else if (a.typeCode === AttributeType.MP_UNREACH_NLRI) {
      const v = a.value;
      mpUnreach = {
        afi: v.afi,
        safi: v.safi,
        count: v.withdrawn.length + (v.rawNlri?.length ?? 0),
      };
    }
  }
  const hasNlri = sections.attributesEnd < body.length;
  // End-of-RIB (RFC 4724 §2): an empty UPDATE (IPv4) or one holding only an empty MP_UNREACH_NLRI.
  const empty = sections.withdrawnEnd === sections.withdrawnStart && !hasNlri;
  if (empty && attributes.length === 0) {
    return {
      announced: 0,
      withdrawn: 0,
      endOfRib: { afi: 1, safi: 1, swept: rib.sweepStale(peer, 1) },
    };
  }
  if (empty && attributes.length === 1 && mpUnreach && mpUnreach.count === 0) {
    const swept =
      mpUnreach.safi === 1 && (mpUnreach.afi === 1 || mpUnreach.afi === 2)
        ? rib.sweepStale(peer, mpUnreach.afi)
        : 0;
    return {
      announced: 0,
      withdrawn: 0,
      endOfRib: { afi: mpUnreach.afi, safi: mpUnreach.safi, swept },
    };
  }
  // RFC 7606 §3 (d): a missing ORIGIN, AS_PATH, or (for NLRI-field routes) NEXT_HOP is
  // treat-as-withdraw.
  if ((hasNlri || mpReach) && (!hasOrigin || !hasAsPath || (hasNlri && !nextHop4))) {
    action = strongerAction(action, 'withdraw');
    problems.push({
      action: 'withdraw',
      error: new UpdateMessageError(
        UpdateMessageErrorSubcode.MISSING_WELL_KNOWN_ATTRIBUTE,
        'missing well-known attribute',
      ),
    });
  }
  let asWithdraw = action === 'withdraw';
  const kind = rib.peer(peer).kind;
  const fourOctetAs = ctx.fourOctetAs;
  let set4: InternedAttributes | undefined;
  let setMp: InternedAttributes | undefined;
  if (!asWithdraw) {
    const a4 =
      hasNlri && nextHop4
        ? routeAttributesFrom(attributes, nextHop4, { fourOctetAs, peerKind: kind })
        : undefined;
    const aMp =
      mpReach && mpReach.safi === 1
        ? routeAttributesFrom(attributes, mpReach.nextHop, { fourOctetAs, peerKind: kind })
        : undefined;
    // RFC 5065 §5: confederation segments from outside the confederation (or a confederation
    // peer's path not starting with one) make a malformed AS_PATH: treat-as-withdraw (RFC 7606
    // §7.2).
    const why = confedAsPathError((a4 ?? aMp)?.asPath ?? [], kind);
    if (why !== undefined && (a4 || aMp)) {
      action = strongerAction(action, 'withdraw');
      problems.push({
        action: 'withdraw',
        error: new UpdateMessageError(UpdateMessageErrorSubcode.MALFORMED_AS_PATH, why),
      });
      asWithdraw = true;
    } else {
      if (a4) set4 = rib.intern(a4);
      if (aMp) setMp = rib.intern(aMp);
    }
  }
  let announced = 0;
  let withdrawn = 0;
  // IPv4 announcements are handed over in runs sharing a set (Rib.announceIpv4Run, which reads
  // their Loc-RIB slots ahead); a run ends at a change of set or a withdrawal, so the order of
  // the UPDATE's prefixes is kept.
  const run = ipv4Run;
  run.count = 0;
  walkUpdatePrefixes(body, ctx, (what, afi, length, bytes, offset, pathId, source) => {
    // IPv4 routes of the NLRI field take NEXT_HOP; those of MP_REACH_NLRI its next hop.
    const set = afi === 1 && source === 'field' ? set4 : setMp;
    if (what === 'withdraw' || asWithdraw || set === undefined) {
      if (run.count > 0) flushRun(rib, peer, run);
      rib.withdrawNlri(peer, afi, length, bytes, offset, pathId ?? 0);
      withdrawn++;
    } else if (afi === 1) {
      if (run.count > 0 && (run.set !== set || run.count === RUN_MAX)) flushRun(rib, peer, run);
      nlriToWords(1, length, bytes, offset, run.words);
      run.set = set;
      run.addresses[run.count] = run.words[0]!;
      run.lengths[run.count] = length;
      run.pathIds[run.count++] = pathId ?? 0;
      announced++;
    } else {
      rib.announceNlri(peer, afi, length, bytes, offset, pathId ?? 0, set);
      announced++;
    }
  });
  if (run.count > 0) flushRun(rib, peer, run);
  return action === undefined ? { announced, withdrawn } : { announced, withdrawn, action };
}

/** Most IPv4 prefixes staged before they are handed over. */
const RUN_MAX = 1024;

/** IPv4 announcements of one UPDATE staged for {@link Rib.announceIpv4Run}. */
interface Ipv4Run {
  set: InternedAttributes | undefined;
  count: number;
  readonly addresses: Uint32Array;
  readonly lengths: Uint8Array;
  readonly pathIds: Uint32Array;
  readonly words: Uint32Array;
}

/** Shared by every call: ingestUpdate hands each run over before it returns. */
const ipv4Run: Ipv4Run = {
  set: undefined,
  count: 0,
  addresses: new Uint32Array(RUN_MAX),
  lengths: new Uint8Array(RUN_MAX),
  pathIds: new Uint32Array(RUN_MAX),
  words: new Uint32Array(2),
};

function flushRun(rib: Rib, peer: number, run: Ipv4Run): void {
  const n = run.count;
  run.count = 0;
  rib.announceIpv4Run(peer, run.addresses, run.lengths, n, run.set!, run.pathIds);
  run.set = undefined;
}
