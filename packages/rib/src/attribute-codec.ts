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
import type { AsPathSegment, RawAttribute, RouteAttributes } from './route-attributes.js';

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
