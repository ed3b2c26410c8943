/**
 * Path attribute value types (RFC 4271 §4.3 and the RFC cited beside each).
 *
 * {@link PathAttribute} is a union discriminated by `typeCode`. Attributes this package decodes
 * carry a typed `value`; attributes it does not know, and known attributes whose value was
 * malformed, are kept as a {@link RawAttribute} (`raw: true`) with their bytes, so that a decoded
 * UPDATE always re-encodes to the bytes it came from. `flags` are always those seen on the wire,
 * Extended Length bit included, which is how a re-encode reproduces a 2-octet length on a short
 * value.
 *
 * @module
 */
import type { AttributeType } from '../iana.js';
import type { NlriEntry } from '../nlri/ip-unicast.js';

/** What every path attribute carries. */
interface AttributeBase {
  /** Attribute flags octet as on the wire (Optional, Transitive, Partial, Extended Length). */
  readonly flags: number;
  /** Absent on typed attributes; `true` on {@link RawAttribute}. */
  readonly raw?: undefined;
}

/** ORIGIN (type 1). RFC 4271 §5.1.1: 0 IGP, 1 EGP, 2 INCOMPLETE. */
export interface OriginAttribute extends AttributeBase {
  /** {@link AttributeType.ORIGIN}. */
  readonly typeCode: typeof AttributeType.ORIGIN;
  /** An `Origin` value. */
  readonly value: number;
}

/** One AS_PATH segment. RFC 4271 §4.3, RFC 5065 §3. */
export interface AsPathSegment {
  /** An `AsPathSegmentType`: AS_SET 1, AS_SEQUENCE 2, AS_CONFED_SEQUENCE 3, AS_CONFED_SET 4. */
  readonly type: number;
  /** AS numbers in wire order. */
  readonly asns: readonly number[];
}

/** AS_PATH (type 2): 2- or 4-octet AS numbers according to `CodecContext.fourOctetAs`. RFC 4271 §5.1.2, RFC 6793. */
export interface AsPathAttribute extends AttributeBase {
  /** {@link AttributeType.AS_PATH}. */
  readonly typeCode: typeof AttributeType.AS_PATH;
  /** Segments in wire order. */
  readonly value: readonly AsPathSegment[];
}

/** NEXT_HOP (type 3): an IPv4 address. RFC 4271 §5.1.3. */
export interface NextHopAttribute extends AttributeBase {
  /** {@link AttributeType.NEXT_HOP}. */
  readonly typeCode: typeof AttributeType.NEXT_HOP;
  /** 4 address bytes. */
  readonly value: Uint8Array;
}

/** MULTI_EXIT_DISC (type 4): a 32-bit metric. RFC 4271 §5.1.4. */
export interface MultiExitDiscAttribute extends AttributeBase {
  /** {@link AttributeType.MULTI_EXIT_DISC}. */
  readonly typeCode: typeof AttributeType.MULTI_EXIT_DISC;
  /** Unsigned 32-bit value. */
  readonly value: number;
}

/** LOCAL_PREF (type 5): a 32-bit preference. RFC 4271 §5.1.5. */
export interface LocalPrefAttribute extends AttributeBase {
  /** {@link AttributeType.LOCAL_PREF}. */
  readonly typeCode: typeof AttributeType.LOCAL_PREF;
  /** Unsigned 32-bit value. */
  readonly value: number;
}

/** ATOMIC_AGGREGATE (type 6): no value. RFC 4271 §5.1.6. */
export interface AtomicAggregateAttribute extends AttributeBase {
  /** {@link AttributeType.ATOMIC_AGGREGATE}. */
  readonly typeCode: typeof AttributeType.ATOMIC_AGGREGATE;
  /** Always `true` (the attribute has no value; its presence is the information). */
  readonly value: true;
}

/** The value of AGGREGATOR and AS4_AGGREGATOR. RFC 4271 §5.1.7, RFC 6793 §3. */
export interface AggregatorValue {
  /** AS number of the aggregating speaker (2-octet on a 2-octet session). */
  readonly asn: number;
  /** IPv4 address (BGP identifier) of the aggregating speaker, 4 bytes. */
  readonly address: Uint8Array;
}

/** AGGREGATOR (type 7): 6 octets on a 2-octet session, 8 with 4-octet AS. */
export interface AggregatorAttribute extends AttributeBase {
  /** {@link AttributeType.AGGREGATOR}. */
  readonly typeCode: typeof AttributeType.AGGREGATOR;
  /** Aggregating AS and address. */
  readonly value: AggregatorValue;
}

/** COMMUNITIES (type 8): 32-bit community values. RFC 1997. */
export interface CommunitiesAttribute extends AttributeBase {
  /** {@link AttributeType.COMMUNITIES}. */
  readonly typeCode: typeof AttributeType.COMMUNITIES;
  /** Communities in wire order, each `asn << 16 | value` as an unsigned number. */
  readonly value: readonly number[];
}

/** ORIGINATOR_ID (type 9): the BGP identifier of the route's originator. RFC 4456 §8. */
export interface OriginatorIdAttribute extends AttributeBase {
  /** {@link AttributeType.ORIGINATOR_ID}. */
  readonly typeCode: typeof AttributeType.ORIGINATOR_ID;
  /** BGP identifier as an unsigned 32-bit number. */
  readonly value: number;
}

/** CLUSTER_LIST (type 10): cluster IDs the route passed. RFC 4456 §8. */
export interface ClusterListAttribute extends AttributeBase {
  /** {@link AttributeType.CLUSTER_LIST}. */
  readonly typeCode: typeof AttributeType.CLUSTER_LIST;
  /** Cluster IDs, unsigned 32-bit, in wire order. */
  readonly value: readonly number[];
}

/** The value of MP_REACH_NLRI. RFC 4760 §3, RFC 2545 §3, RFC 8950 §3. */
export interface MpReachValue {
  /** Address family of the NLRI. */
  readonly afi: number;
  /** Subsequent address family of the NLRI. */
  readonly safi: number;
  /**
   * Next hop. For the parsed unicast/multicast families the global address (4 or 16 bytes); for
   * other families the whole Network Address of Next Hop field as received.
   */
  readonly nextHop: Uint8Array;
  /** IPv6 link-local next hop when the field held 32 bytes (RFC 2545 §3). */
  readonly linkLocalNextHop?: Uint8Array;
  /** The octet after the next hop: "Reserved" in RFC 4760 (the SNPA count of RFC 2858), kept as sent. */
  readonly reserved: number;
  /** Announced NLRI of a parsed family (IPv4/IPv6 unicast and multicast); empty otherwise. */
  readonly nlri: readonly NlriEntry[];
  /** NLRI bytes of a family this package does not parse (VPN, EVPN, flowspec, BGP-LS, labeled...). */
  readonly rawNlri?: Uint8Array;
  /**
   * RFC 6396 §4.3.4: in MRT RIB entries only the next hop length and next hop are stored. Then
   * `afi` is guessed from the next hop length and `safi` is 1; `nlri` is empty.
   */
  readonly abbreviated?: boolean;
}

/** MP_REACH_NLRI (type 14). RFC 4760 §3. */
export interface MpReachAttribute extends AttributeBase {
  /** {@link AttributeType.MP_REACH_NLRI}. */
  readonly typeCode: typeof AttributeType.MP_REACH_NLRI;
  /** Family, next hop and NLRI. */
  readonly value: MpReachValue;
}

/** The value of MP_UNREACH_NLRI. RFC 4760 §4. */
export interface MpUnreachValue {
  /** Address family of the withdrawn routes. */
  readonly afi: number;
  /** Subsequent address family of the withdrawn routes. */
  readonly safi: number;
  /** Withdrawn routes of a parsed family; empty otherwise (and empty in an End-of-RIB). */
  readonly withdrawn: readonly NlriEntry[];
  /** Withdrawn routes of a family this package does not parse, as received. */
  readonly rawNlri?: Uint8Array;
}

/** MP_UNREACH_NLRI (type 15). RFC 4760 §4. */
export interface MpUnreachAttribute extends AttributeBase {
  /** {@link AttributeType.MP_UNREACH_NLRI}. */
  readonly typeCode: typeof AttributeType.MP_UNREACH_NLRI;
  /** Family and withdrawn routes. */
  readonly value: MpUnreachValue;
}

/**
 * Route Target (subtype 0x02) or Route Origin (subtype 0x03) extended community, in the three
 * transitive forms of RFC 4360 §4 and RFC 5668 §3:
 * type 0x00 (2-octet AS global, 4-octet local), 0x01 (IPv4 global, 2-octet local),
 * 0x02 (4-octet AS global, 2-octet local).
 */
export interface RouteTargetCommunity {
  /** `'route-target'` for subtype 0x02, `'route-origin'` for 0x03. */
  readonly kind: 'route-target' | 'route-origin';
  /** `'as2'` (type 0x00), `'ipv4'` (0x01) or `'as4'` (0x02). */
  readonly form: 'as2' | 'ipv4' | 'as4';
  /** Global administrator: the AS number, or the IPv4 address as an unsigned 32-bit number. */
  readonly global: number;
  /** Local administrator. */
  readonly local: number;
}

/** Any other extended community: its 8 bytes as received. */
export interface RawExtendedCommunity {
  /** Marks an extended community this package does not type. */
  readonly kind: 'raw';
  /** The 8 bytes (type, subtype, value). */
  readonly bytes: Uint8Array;
}

/** One extended community. RFC 4360 §2. */
export type ExtendedCommunity = RouteTargetCommunity | RawExtendedCommunity;

/** EXTENDED_COMMUNITIES (type 16). RFC 4360 §2. */
export interface ExtendedCommunitiesAttribute extends AttributeBase {
  /** {@link AttributeType.EXTENDED_COMMUNITIES}. */
  readonly typeCode: typeof AttributeType.EXTENDED_COMMUNITIES;
  /** Extended communities in wire order. */
  readonly value: readonly ExtendedCommunity[];
}

/** AS4_PATH (type 17): AS_PATH with 4-octet AS numbers, sent by a 4-octet speaker to a 2-octet one. RFC 6793 §3. */
export interface As4PathAttribute extends AttributeBase {
  /** {@link AttributeType.AS4_PATH}. */
  readonly typeCode: typeof AttributeType.AS4_PATH;
  /** Segments in wire order. */
  readonly value: readonly AsPathSegment[];
}

/** AS4_AGGREGATOR (type 18): AGGREGATOR with a 4-octet AS. RFC 6793 §3. */
export interface As4AggregatorAttribute extends AttributeBase {
  /** {@link AttributeType.AS4_AGGREGATOR}. */
  readonly typeCode: typeof AttributeType.AS4_AGGREGATOR;
  /** Aggregating AS and address. */
  readonly value: AggregatorValue;
}

/** One large community. RFC 8092 §3. */
export interface LargeCommunity {
  /** Global administrator (an ASN). */
  readonly globalAdmin: number;
  /** Local data part 1. */
  readonly localData1: number;
  /** Local data part 2. */
  readonly localData2: number;
}

/** LARGE_COMMUNITY (type 32). RFC 8092. */
export interface LargeCommunityAttribute extends AttributeBase {
  /** {@link AttributeType.LARGE_COMMUNITY}. */
  readonly typeCode: typeof AttributeType.LARGE_COMMUNITY;
  /** Large communities in wire order. */
  readonly value: readonly LargeCommunity[];
}

/** OTC, Only to Customer (type 35): an AS number. RFC 9234 §5. */
export interface OtcAttribute extends AttributeBase {
  /** {@link AttributeType.OTC}. */
  readonly typeCode: typeof AttributeType.OTC;
  /** The AS number that marked the route. */
  readonly value: number;
}

/**
 * An attribute kept as bytes: an unknown type code, or a known one whose value was malformed
 * (then `malformed` is set and `UpdateMessage.problems` names it), or a duplicate.
 */
export interface RawAttribute {
  /** Attribute type code. */
  readonly typeCode: number;
  /** Attribute flags octet as on the wire. */
  readonly flags: number;
  /** Attribute value bytes (a copy; it does not alias the message buffer). */
  readonly value: Uint8Array;
  /** Marks the raw form. */
  readonly raw: true;
  /** Set when the type code is known but the value (or flags) was malformed, or it was a duplicate. */
  readonly malformed?: boolean;
}

/** A typed path attribute. */
export type TypedAttribute =
  | OriginAttribute
  | AsPathAttribute
  | NextHopAttribute
  | MultiExitDiscAttribute
  | LocalPrefAttribute
  | AtomicAggregateAttribute
  | AggregatorAttribute
  | CommunitiesAttribute
  | OriginatorIdAttribute
  | ClusterListAttribute
  | MpReachAttribute
  | MpUnreachAttribute
  | ExtendedCommunitiesAttribute
  | As4PathAttribute
  | As4AggregatorAttribute
  | LargeCommunityAttribute
  | OtcAttribute;

/** Any path attribute: typed, or raw bytes (test `attr.raw`). */
export type PathAttribute = TypedAttribute | RawAttribute;

/** Type codes that have a typed form. */
export type TypedAttributeCode = TypedAttribute['typeCode'];

/** The typed attribute for a type code. */
export type AttributeOf<C extends TypedAttributeCode> = Extract<TypedAttribute, { typeCode: C }>;

/** Options for {@link decodeAttributes}-style decoding. */
export interface AttributeDecodeOptions {
  /** RFC 6396 §4.3.4: MP_REACH_NLRI in MRT RIB entries holds only the next hop. */
  readonly mrtAbbreviatedMpReach?: boolean;
}
