/**
 * Encodes a {@link RouteAttributes} as path attributes (RFC 4271 §4.3), for two uses: the
 * canonical bytes that key the interning table, and the attribute section of the UPDATEs that
 * Adj-RIB-Out sends.
 *
 * Each attribute is:
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |O|T|P|E|  0000 |   Type Code   | Length (1 or 2 octets, E set) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Value (Length octets)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Attributes are written in ascending type-code order (RFC 4271 §5 recommends it), so equal sets
 * give equal bytes. This encoder lives in the RIB until `@bgp/wire`'s attribute codecs are in
 * place; it writes only what the RIB itself produces.
 *
 * @module
 */
import { AS_TRANS, AsPathSegmentType, AttributeFlag, AttributeType, Writer } from '@bgp/wire';
import {
  type AsPathSegment,
  type RawAttribute,
  type RouteAttributes,
  routeAttributes,
} from './route-attributes.js';

/** How to encode. */
export interface AttributeEncoding {
  /** The session negotiated 4-octet AS numbers (RFC 6793); otherwise AS4_PATH is added. */
  readonly fourOctetAs: boolean;
  /**
   * `attribute`: write NEXT_HOP (IPv4 routes on the wire); `omit`: leave it out (IPv6 routes,
   * whose next hop travels in MP_REACH_NLRI); `canonical`: write NEXT_HOP whatever its length
   * (the interning key only, never sent).
   */
  readonly nextHop: 'attribute' | 'omit' | 'canonical';
}

const WELL_KNOWN = AttributeFlag.TRANSITIVE;
const OPTIONAL_TRANSITIVE = AttributeFlag.OPTIONAL | AttributeFlag.TRANSITIVE;
const OPTIONAL = AttributeFlag.OPTIONAL;

function header(w: Writer, flags: number, type: number, length: number): void {
  if (length > 255)
    w.u8(flags | AttributeFlag.EXTENDED_LENGTH)
      .u8(type)
      .u16(length);
  else
    w.u8(flags & ~AttributeFlag.EXTENDED_LENGTH)
      .u8(type)
      .u8(length);
}

function asPathValueLength(path: readonly AsPathSegment[], octets: number): number {
  let n = 0;
  for (const s of path) n += 2 + s.asns.length * octets;
  return n;
}

function writeAsPath(w: Writer, type: number, path: readonly AsPathSegment[], two: boolean): void {
  const octets = two ? 2 : 4;
  header(
    w,
    type === AttributeType.AS_PATH ? WELL_KNOWN : OPTIONAL_TRANSITIVE,
    type,
    asPathValueLength(path, octets),
  );
  for (const s of path) {
    w.u8(s.type).u8(s.asns.length);
    for (const asn of s.asns) {
      if (two) w.u16(asn > 0xffff ? AS_TRANS : asn);
      else w.u32(asn);
    }
  }
}

function writeRaw(w: Writer, a: RawAttribute): void {
  header(w, a.flags, a.typeCode, a.value.length);
  w.bytes(a.value);
}

/** Writes the attributes of `attrs` (no MP_REACH/MP_UNREACH) to `w`. */
export function writeRouteAttributes(
  attrs: RouteAttributes,
  encoding: AttributeEncoding,
  w: Writer,
): void {
  const two = !encoding.fourOctetAs;
  let rawIndex = 0;
  const other = attrs.other;
  // Raw attributes are merged in by type code so the output stays sorted.
  const flushRawBelow = (type: number): void => {
    while (rawIndex < other.length && other[rawIndex]!.typeCode < type)
      writeRaw(w, other[rawIndex++]!);
  };
  flushRawBelow(AttributeType.ORIGIN);
  header(w, WELL_KNOWN, AttributeType.ORIGIN, 1);
  w.u8(attrs.origin);
  flushRawBelow(AttributeType.AS_PATH);
  // RFC 6793 §4.2.2: towards a 2-octet speaker, AS_PATH carries AS_TRANS and AS4_PATH the truth.
  const needsAs4 = two && attrs.asPath.some((s) => s.asns.some((a) => a > 0xffff));
  writeAsPath(w, AttributeType.AS_PATH, attrs.asPath, two);
  if (encoding.nextHop !== 'omit') {
    header(w, WELL_KNOWN, AttributeType.NEXT_HOP, attrs.nextHop.length);
    w.bytes(attrs.nextHop);
  }
  flushRawBelow(AttributeType.MULTI_EXIT_DISC);
  if (attrs.med !== undefined) {
    header(w, OPTIONAL, AttributeType.MULTI_EXIT_DISC, 4);
    w.u32(attrs.med);
  }
  flushRawBelow(AttributeType.LOCAL_PREF);
  if (attrs.localPref !== undefined) {
    header(w, WELL_KNOWN, AttributeType.LOCAL_PREF, 4);
    w.u32(attrs.localPref);
  }
  flushRawBelow(AttributeType.ATOMIC_AGGREGATE);
  if (attrs.atomicAggregate) header(w, WELL_KNOWN, AttributeType.ATOMIC_AGGREGATE, 0);
  flushRawBelow(AttributeType.AGGREGATOR);
  const agg = attrs.aggregator;
  if (agg) {
    header(w, OPTIONAL_TRANSITIVE, AttributeType.AGGREGATOR, two ? 6 : 8);
    if (two) w.u16(agg.asn > 0xffff ? AS_TRANS : agg.asn);
    else w.u32(agg.asn);
    w.bytes(agg.address);
  }
  flushRawBelow(AttributeType.COMMUNITIES);
  if (attrs.communities.length > 0) {
    header(w, OPTIONAL_TRANSITIVE, AttributeType.COMMUNITIES, attrs.communities.length * 4);
    for (const c of attrs.communities) w.u32(c);
  }
  flushRawBelow(AttributeType.ORIGINATOR_ID);
  if (attrs.originatorId !== undefined) {
    header(w, OPTIONAL, AttributeType.ORIGINATOR_ID, 4);
    w.u32(attrs.originatorId);
  }
  flushRawBelow(AttributeType.CLUSTER_LIST);
  if (attrs.clusterList.length > 0) {
    header(w, OPTIONAL, AttributeType.CLUSTER_LIST, attrs.clusterList.length * 4);
    for (const c of attrs.clusterList) w.u32(c);
  }
  flushRawBelow(AttributeType.AS4_PATH);
  if (needsAs4) {
    // AS4_PATH carries no confederation segments (RFC 6793 §3).
    const as4 = attrs.asPath.filter(
      (s) => s.type === AsPathSegmentType.AS_SEQUENCE || s.type === AsPathSegmentType.AS_SET,
    );
    writeAsPath(w, AttributeType.AS4_PATH, as4, false);
  }
  flushRawBelow(AttributeType.AS4_AGGREGATOR);
  if (two && agg && agg.asn > 0xffff) {
    header(w, OPTIONAL_TRANSITIVE, AttributeType.AS4_AGGREGATOR, 8);
    w.u32(agg.asn).bytes(agg.address);
  }
  flushRawBelow(AttributeType.LARGE_COMMUNITY);
  if (attrs.largeCommunities.length > 0) {
    header(
      w,
      OPTIONAL_TRANSITIVE,
      AttributeType.LARGE_COMMUNITY,
      attrs.largeCommunities.length * 12,
    );
    for (const [g, l1, l2] of attrs.largeCommunities) w.u32(g).u32(l1).u32(l2);
  }
  flushRawBelow(AttributeType.OTC);
  if (attrs.otc !== undefined) {
    header(w, OPTIONAL_TRANSITIVE, AttributeType.OTC, 4);
    w.u32(attrs.otc);
  }
  flushRawBelow(0x100);
}

/** The attributes as bytes (see {@link writeRouteAttributes}). */
export function encodeRouteAttributes(
  attrs: RouteAttributes,
  encoding: AttributeEncoding,
): Uint8Array {
  const w = new Writer(128);
  writeRouteAttributes(attrs, encoding, w);
  return w.finish();
}

/** The canonical bytes of a set: the interning key (4-octet ASNs, NEXT_HOP of any length). */
export function canonicalAttributeBytes(
  attrs: RouteAttributes,
  w: Writer = new Writer(128),
): Uint8Array {
  w.length = 0;
  writeRouteAttributes(attrs, { fourOctetAs: true, nextHop: 'canonical' }, w);
  return w.view();
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/**
 * Rebuilds the attributes from their canonical bytes ({@link canonicalAttributeBytes}): the
 * inverse of the canonical encoding, for sets the {@link AttributeStore} keeps only as bytes.
 * The first attribute of each type the normalized view has a field for fills that field; any
 * other attribute is kept raw in `other`, as the encoder wrote it.
 */
export function readCanonicalAttributes(bytes: Uint8Array): RouteAttributes {
  let origin = 0;
  let asPath: AsPathSegment[] = [];
  let nextHop: Uint8Array = new Uint8Array(0);
  let med: number | undefined;
  let localPref: number | undefined;
  let atomicAggregate = false;
  let aggregator: { asn: number; address: Uint8Array } | undefined;
  let communities: number[] = [];
  let originatorId: number | undefined;
  let clusterList: number[] = [];
  let largeCommunities: [number, number, number][] = [];
  let otc: number | undefined;
  const other: RawAttribute[] = [];
  const seen = new Set<number>();
  let at = 0;
  while (at < bytes.length) {
    const flags = bytes[at]!;
    const type = bytes[at + 1]!;
    const extended = (flags & AttributeFlag.EXTENDED_LENGTH) !== 0;
    const length = extended ? (bytes[at + 2]! << 8) | bytes[at + 3]! : bytes[at + 2]!;
    const v = at + (extended ? 4 : 3);
    at = v + length;
    if (at > bytes.length) throw new RangeError('canonical attribute bytes are truncated');
    const first = !seen.has(type);
    seen.add(type);
    if (first && type === AttributeType.ORIGIN && length === 1) origin = bytes[v]!;
    else if (first && type === AttributeType.AS_PATH) {
      asPath = [];
      for (let p = v; p < at; ) {
        const segType = bytes[p]!;
        const count = bytes[p + 1]!;
        const asns: number[] = new Array(count);
        for (let i = 0; i < count; i++) asns[i] = u32(bytes, p + 2 + i * 4);
        asPath.push({ type: segType, asns });
        p += 2 + count * 4;
      }
    } else if (first && type === AttributeType.NEXT_HOP) nextHop = bytes.slice(v, at);
    else if (first && type === AttributeType.MULTI_EXIT_DISC && length === 4) med = u32(bytes, v);
    else if (first && type === AttributeType.LOCAL_PREF && length === 4) localPref = u32(bytes, v);
    else if (first && type === AttributeType.ATOMIC_AGGREGATE && length === 0)
      atomicAggregate = true;
    else if (first && type === AttributeType.AGGREGATOR && length === 8)
      aggregator = { asn: u32(bytes, v), address: bytes.slice(v + 4, v + 8) };
    else if (first && type === AttributeType.COMMUNITIES && length % 4 === 0) {
      communities = [];
      for (let p = v; p < at; p += 4) communities.push(u32(bytes, p));
    } else if (first && type === AttributeType.ORIGINATOR_ID && length === 4)
      originatorId = u32(bytes, v);
    else if (first && type === AttributeType.CLUSTER_LIST && length % 4 === 0) {
      clusterList = [];
      for (let p = v; p < at; p += 4) clusterList.push(u32(bytes, p));
    } else if (first && type === AttributeType.LARGE_COMMUNITY && length % 12 === 0) {
      largeCommunities = [];
      for (let p = v; p < at; p += 12)
        largeCommunities.push([u32(bytes, p), u32(bytes, p + 4), u32(bytes, p + 8)]);
    } else if (first && type === AttributeType.OTC && length === 4) otc = u32(bytes, v);
    else other.push({ typeCode: type, flags, value: bytes.slice(v, at) });
  }
  return routeAttributes({
    origin: origin as RouteAttributes['origin'],
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
