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
import { AS_TRANS, AsPathSegmentType, AttributeFlag, AttributeType, type Writer } from '@bgp/wire';
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
const EXTENDED = AttributeFlag.EXTENDED_LENGTH;

/*
 * The encoder writes straight into a byte array whose room it has measured first
 * (encodedAttributesLength): interning a full table encodes ~100k sets, and a Writer call per
 * field (each checking its room) with a closure and a view per set made interning a quarter of
 * the load time.
 */

/** Bytes of an attribute header for a value of `length` bytes. */
function headerLength(length: number): number {
  return length > 255 ? 4 : 3;
}

function putHeader(out: Uint8Array, at: number, flags: number, type: number, length: number) {
  if (length > 255) {
    out[at] = flags | EXTENDED;
    out[at + 1] = type;
    out[at + 2] = length >>> 8;
    out[at + 3] = length & 0xff;
    return at + 4;
  }
  out[at] = flags & ~EXTENDED;
  out[at + 1] = type;
  out[at + 2] = length;
  return at + 3;
}

function put32(out: Uint8Array, at: number, v: number): number {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
  return at + 4;
}

/** An AS number in 4 octets, or in 2 (`two`, AS_TRANS for a 4-octet one, RFC 6793 §4.2.2). */
function putAsn(out: Uint8Array, p: number, asn: number, two: boolean): number {
  if (!two) return put32(out, p, asn);
  const v = asn > 0xffff ? AS_TRANS : asn;
  out[p] = v >>> 8;
  out[p + 1] = v & 0xff;
  return p + 2;
}

/** Whether a segment goes into AS4_PATH, which carries no confederation segments (RFC 6793 §3). */
function inAs4Path(s: AsPathSegment): boolean {
  return s.type === AsPathSegmentType.AS_SEQUENCE || s.type === AsPathSegmentType.AS_SET;
}

function asPathValueLength(path: readonly AsPathSegment[], octets: number, as4: boolean): number {
  let n = 0;
  for (let i = 0; i < path.length; i++) {
    const s = path[i]!;
    if (!as4 || inAs4Path(s)) n += 2 + s.asns.length * octets;
  }
  return n;
}

/** Whether AS4_PATH must follow (RFC 6793 §4.2.2: a 4-octet ASN towards a 2-octet speaker). */
function needsAs4Path(path: readonly AsPathSegment[], two: boolean): boolean {
  if (!two) return false;
  for (let i = 0; i < path.length; i++) {
    const asns = path[i]!.asns;
    for (let j = 0; j < asns.length; j++) if (asns[j]! > 0xffff) return true;
  }
  return false;
}

function putAsPath(
  out: Uint8Array,
  at: number,
  path: readonly AsPathSegment[],
  two: boolean,
  as4: boolean,
): number {
  const octets = two ? 2 : 4;
  let p = as4
    ? putHeader(
        out,
        at,
        OPTIONAL_TRANSITIVE,
        AttributeType.AS4_PATH,
        asPathValueLength(path, 4, true),
      )
    : putHeader(out, at, WELL_KNOWN, AttributeType.AS_PATH, asPathValueLength(path, octets, false));
  for (let i = 0; i < path.length; i++) {
    const s = path[i]!;
    if (as4 && !inAs4Path(s)) continue;
    const asns = s.asns;
    out[p] = s.type;
    out[p + 1] = asns.length & 0xff;
    p += 2;
    for (let j = 0; j < asns.length; j++) p = putAsn(out, p, asns[j]!, two);
  }
  return p;
}

function putBytes(out: Uint8Array, at: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) out[at + i] = bytes[i]!;
  return at + bytes.length;
}

function putList(out: Uint8Array, at: number, flags: number, type: number, xs: readonly number[]) {
  let p = putHeader(out, at, flags, type, xs.length * 4);
  for (let i = 0; i < xs.length; i++) p = put32(out, p, xs[i]!);
  return p;
}

/**
 * The bytes {@link encodeAttributesInto} writes for `attrs` with `encoding`: the room to make
 * before calling it.
 */
export function encodedAttributesLength(
  attrs: RouteAttributes,
  encoding: AttributeEncoding,
): number {
  const two = !encoding.fourOctetAs;
  let n = 4; // ORIGIN
  const pathLength = asPathValueLength(attrs.asPath, two ? 2 : 4, false);
  n += headerLength(pathLength) + pathLength;
  if (encoding.nextHop !== 'omit') n += headerLength(attrs.nextHop.length) + attrs.nextHop.length;
  if (attrs.med !== undefined) n += 7;
  if (attrs.localPref !== undefined) n += 7;
  if (attrs.atomicAggregate) n += 3;
  const agg = attrs.aggregator;
  if (agg) n += two ? 9 : 11;
  const c = attrs.communities.length * 4;
  if (c > 0) n += headerLength(c) + c;
  if (attrs.originatorId !== undefined) n += 7;
  const cl = attrs.clusterList.length * 4;
  if (cl > 0) n += headerLength(cl) + cl;
  if (needsAs4Path(attrs.asPath, two)) {
    const as4 = asPathValueLength(attrs.asPath, 4, true);
    n += headerLength(as4) + as4;
  }
  if (two && agg && agg.asn > 0xffff) n += 11;
  const lc = attrs.largeCommunities.length * 12;
  if (lc > 0) n += headerLength(lc) + lc;
  if (attrs.otc !== undefined) n += 7;
  const other = attrs.other;
  for (let i = 0; i < other.length; i++) {
    const v = other[i]!.value.length;
    n += headerLength(v) + v;
  }
  return n;
}

/** The next raw attribute of the set being encoded (see {@link putRawBelow}). */
let rawAt = 0;

/**
 * Writes the raw attributes of `other` from {@link rawAt} on whose type code is below `below`:
 * called before each attribute the encoder writes itself, so that the output stays sorted.
 */
function putRawBelow(out: Uint8Array, p: number, other: readonly RawAttribute[], below: number) {
  while (rawAt < other.length && other[rawAt]!.typeCode < below) {
    const r = other[rawAt++]!;
    p = putBytes(out, putHeader(out, p, r.flags, r.typeCode, r.value.length), r.value);
  }
  return p;
}

function putAggregator(out: Uint8Array, p: number, asn: number, address: Uint8Array, two: boolean) {
  p = putAsn(out, p, asn, two);
  for (let i = 0; i < 4; i++) out[p + i] = address[i] ?? 0;
  return p + 4;
}

/**
 * Writes the attributes of `attrs` (no MP_REACH/MP_UNREACH) into `out` at `at`, which must have
 * {@link encodedAttributesLength} bytes of room; returns the offset after them. Attributes are
 * in type-code order, the raw ones (`other`) merged in.
 */
export function encodeAttributesInto(
  attrs: RouteAttributes,
  encoding: AttributeEncoding,
  out: Uint8Array,
  at: number,
): number {
  const two = !encoding.fourOctetAs;
  const other = attrs.other;
  const merge = other.length > 0;
  rawAt = 0;
  let p = at;
  if (merge) p = putRawBelow(out, p, other, AttributeType.ORIGIN);
  p = putHeader(out, p, WELL_KNOWN, AttributeType.ORIGIN, 1);
  out[p++] = attrs.origin;
  if (merge) p = putRawBelow(out, p, other, AttributeType.AS_PATH);
  p = putAsPath(out, p, attrs.asPath, two, false);
  if (encoding.nextHop !== 'omit') {
    const nh = attrs.nextHop;
    p = putBytes(out, putHeader(out, p, WELL_KNOWN, AttributeType.NEXT_HOP, nh.length), nh);
  }
  if (merge) p = putRawBelow(out, p, other, AttributeType.MULTI_EXIT_DISC);
  if (attrs.med !== undefined)
    p = put32(out, putHeader(out, p, OPTIONAL, AttributeType.MULTI_EXIT_DISC, 4), attrs.med);
  if (merge) p = putRawBelow(out, p, other, AttributeType.LOCAL_PREF);
  if (attrs.localPref !== undefined)
    p = put32(out, putHeader(out, p, WELL_KNOWN, AttributeType.LOCAL_PREF, 4), attrs.localPref);
  if (merge) p = putRawBelow(out, p, other, AttributeType.ATOMIC_AGGREGATE);
  if (attrs.atomicAggregate) p = putHeader(out, p, WELL_KNOWN, AttributeType.ATOMIC_AGGREGATE, 0);
  if (merge) p = putRawBelow(out, p, other, AttributeType.AGGREGATOR);
  const agg = attrs.aggregator;
  if (agg !== undefined) {
    p = putHeader(out, p, OPTIONAL_TRANSITIVE, AttributeType.AGGREGATOR, two ? 6 : 8);
    p = putAggregator(out, p, agg.asn, agg.address, two);
  }
  if (merge) p = putRawBelow(out, p, other, AttributeType.COMMUNITIES);
  if (attrs.communities.length > 0)
    p = putList(out, p, OPTIONAL_TRANSITIVE, AttributeType.COMMUNITIES, attrs.communities);
  if (merge) p = putRawBelow(out, p, other, AttributeType.ORIGINATOR_ID);
  if (attrs.originatorId !== undefined)
    p = put32(out, putHeader(out, p, OPTIONAL, AttributeType.ORIGINATOR_ID, 4), attrs.originatorId);
  if (merge) p = putRawBelow(out, p, other, AttributeType.CLUSTER_LIST);
  if (attrs.clusterList.length > 0)
    p = putList(out, p, OPTIONAL, AttributeType.CLUSTER_LIST, attrs.clusterList);
  if (merge) p = putRawBelow(out, p, other, AttributeType.AS4_PATH);
  // RFC 6793 §4.2.2: towards a 2-octet speaker, AS_PATH carries AS_TRANS and AS4_PATH the truth.
  if (needsAs4Path(attrs.asPath, two)) p = putAsPath(out, p, attrs.asPath, false, true);
  if (merge) p = putRawBelow(out, p, other, AttributeType.AS4_AGGREGATOR);
  if (two && agg !== undefined && agg.asn > 0xffff) {
    p = putHeader(out, p, OPTIONAL_TRANSITIVE, AttributeType.AS4_AGGREGATOR, 8);
    p = putAggregator(out, p, agg.asn, agg.address, false);
  }
  if (merge) p = putRawBelow(out, p, other, AttributeType.LARGE_COMMUNITY);
  const lc = attrs.largeCommunities;
  if (lc.length > 0) {
    p = putHeader(out, p, OPTIONAL_TRANSITIVE, AttributeType.LARGE_COMMUNITY, lc.length * 12);
    for (let i = 0; i < lc.length; i++) {
      const c = lc[i]!;
      p = put32(out, put32(out, put32(out, p, c[0]), c[1]), c[2]);
    }
  }
  if (merge) p = putRawBelow(out, p, other, AttributeType.OTC);
  if (attrs.otc !== undefined)
    p = put32(out, putHeader(out, p, OPTIONAL_TRANSITIVE, AttributeType.OTC, 4), attrs.otc);
  if (merge) p = putRawBelow(out, p, other, 0x100);
  return p;
}

let scratch = new Uint8Array(4096);

/** Writes the attributes of `attrs` (no MP_REACH/MP_UNREACH) to `w`. */
export function writeRouteAttributes(
  attrs: RouteAttributes,
  encoding: AttributeEncoding,
  w: Writer,
): void {
  const n = encodedAttributesLength(attrs, encoding);
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  encodeAttributesInto(attrs, encoding, scratch, 0);
  w.bytes(scratch.subarray(0, n));
}

/** The attributes as bytes (see {@link writeRouteAttributes}). */
export function encodeRouteAttributes(
  attrs: RouteAttributes,
  encoding: AttributeEncoding,
): Uint8Array {
  const out = new Uint8Array(encodedAttributesLength(attrs, encoding));
  encodeAttributesInto(attrs, encoding, out, 0);
  return out;
}

/** The encoding of the canonical bytes: the interning key (4-octet ASNs, NEXT_HOP of any length). */
export const CANONICAL: AttributeEncoding = { fourOctetAs: true, nextHop: 'canonical' };

/** The canonical bytes of a set: the interning key (4-octet ASNs, NEXT_HOP of any length). */
export function canonicalAttributeBytes(attrs: RouteAttributes): Uint8Array {
  return encodeRouteAttributes(attrs, CANONICAL);
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
