/**
 * IANA registries used on the wire, as `as const` tables.
 *
 * Each table cites the registry it mirrors and the RFC that defines the codes. Names follow
 * the registries (upper snake case for codes, as IANA writes them) so that a value can be
 * looked up in the registry by its name.
 *
 * @module
 */

/** Inverts a `{ NAME: code }` table into a `code -> NAME` map (used for names in errors and JSON). */
function invert<T extends Record<string, number>>(table: T): ReadonlyMap<number, keyof T & string> {
  const map = new Map<number, keyof T & string>();
  for (const [name, code] of Object.entries(table)) map.set(code, name as keyof T & string);
  return map;
}

/** Length of the BGP message header: marker (16) + length (2) + type (1). RFC 4271 §4.1. */
export const HEADER_LENGTH = 19;
/** Length of the all-ones marker. RFC 4271 §4.1. */
export const MARKER_LENGTH = 16;
/** Largest BGP message without the extended message capability. RFC 4271 §4.1. */
export const MAX_MESSAGE_LENGTH = 4096;
/** Largest BGP message once extended messages are negotiated. RFC 8654 §4. */
export const MAX_EXTENDED_MESSAGE_LENGTH = 65535;
/** The only BGP version. RFC 4271 §4.2. */
export const BGP_VERSION = 4;
/** AS number placed in 2-octet fields by a 4-octet speaker. RFC 6793 §9. */
export const AS_TRANS = 23456;

/** BGP Message Types registry. RFC 4271 §4.1, RFC 2918 §3. */
export const MessageType = {
  OPEN: 1,
  UPDATE: 2,
  NOTIFICATION: 3,
  KEEPALIVE: 4,
  ROUTE_REFRESH: 5,
} as const;
/** A BGP message type code. */
export type MessageType = (typeof MessageType)[keyof typeof MessageType];
/** Message type code to registry name. */
export const MessageTypeName = invert(MessageType);

/** BGP Error (Notification) Codes registry. RFC 4271 §4.5, RFC 4486, RFC 7313. */
export const ErrorCode = {
  MESSAGE_HEADER_ERROR: 1,
  OPEN_MESSAGE_ERROR: 2,
  UPDATE_MESSAGE_ERROR: 3,
  HOLD_TIMER_EXPIRED: 4,
  FSM_ERROR: 5,
  CEASE: 6,
  ROUTE_REFRESH_MESSAGE_ERROR: 7,
  /** RFC 9687 */
  SEND_HOLD_TIMER_EXPIRED: 8,
} as const;
/** A NOTIFICATION error code. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
/** Error code to registry name. */
export const ErrorCodeName = invert(ErrorCode);

/** Message Header Error subcodes. RFC 4271 §6.1. */
export const MessageHeaderErrorSubcode = {
  UNSPECIFIC: 0,
  CONNECTION_NOT_SYNCHRONIZED: 1,
  BAD_MESSAGE_LENGTH: 2,
  BAD_MESSAGE_TYPE: 3,
} as const;

/** OPEN Message Error subcodes. RFC 4271 §6.2, RFC 5492, RFC 9234. Subcodes 5 and 8-10 are deprecated. */
export const OpenMessageErrorSubcode = {
  UNSPECIFIC: 0,
  UNSUPPORTED_VERSION_NUMBER: 1,
  BAD_PEER_AS: 2,
  BAD_BGP_IDENTIFIER: 3,
  UNSUPPORTED_OPTIONAL_PARAMETER: 4,
  /** Deprecated (RFC 4271 Appendix A). */
  DEPRECATED_AUTHENTICATION_FAILURE: 5,
  UNACCEPTABLE_HOLD_TIME: 6,
  UNSUPPORTED_CAPABILITY: 7,
  /** Deprecated in the IANA registry. */
  DEPRECATED_8: 8,
  /** Deprecated in the IANA registry. */
  DEPRECATED_9: 9,
  /** Deprecated in the IANA registry. */
  DEPRECATED_10: 10,
  ROLE_MISMATCH: 11,
} as const;

/** UPDATE Message Error subcodes. RFC 4271 §6.3. Subcode 7 is deprecated. */
export const UpdateMessageErrorSubcode = {
  UNSPECIFIC: 0,
  MALFORMED_ATTRIBUTE_LIST: 1,
  UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE: 2,
  MISSING_WELL_KNOWN_ATTRIBUTE: 3,
  ATTRIBUTE_FLAGS_ERROR: 4,
  ATTRIBUTE_LENGTH_ERROR: 5,
  INVALID_ORIGIN_ATTRIBUTE: 6,
  /** Deprecated (RFC 4271 Appendix A): AS Routing Loop. */
  DEPRECATED_AS_ROUTING_LOOP: 7,
  INVALID_NEXT_HOP_ATTRIBUTE: 8,
  OPTIONAL_ATTRIBUTE_ERROR: 9,
  INVALID_NETWORK_FIELD: 10,
  MALFORMED_AS_PATH: 11,
} as const;

/** BGP Finite State Machine Error subcodes. RFC 6608 §3. */
export const FsmErrorSubcode = {
  UNSPECIFIED: 0,
  RECEIVE_UNEXPECTED_MESSAGE_IN_OPENSENT: 1,
  RECEIVE_UNEXPECTED_MESSAGE_IN_OPENCONFIRM: 2,
  RECEIVE_UNEXPECTED_MESSAGE_IN_ESTABLISHED: 3,
} as const;

/** BGP Cease NOTIFICATION message subcodes. RFC 4486, RFC 8538, RFC 9384. */
export const CeaseSubcode = {
  UNSPECIFIC: 0,
  MAXIMUM_NUMBER_OF_PREFIXES_REACHED: 1,
  ADMINISTRATIVE_SHUTDOWN: 2,
  PEER_DE_CONFIGURED: 3,
  ADMINISTRATIVE_RESET: 4,
  CONNECTION_REJECTED: 5,
  OTHER_CONFIGURATION_CHANGE: 6,
  CONNECTION_COLLISION_RESOLUTION: 7,
  OUT_OF_RESOURCES: 8,
  HARD_RESET: 9,
  BFD_DOWN: 10,
} as const;

/** BGP ROUTE-REFRESH Message Error subcodes. RFC 7313 §5. */
export const RouteRefreshErrorSubcode = {
  RESERVED: 0,
  INVALID_MESSAGE_LENGTH: 1,
} as const;

/** Subcode tables by error code, for naming a (code, subcode) pair. */
export const ErrorSubcodes: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  [ErrorCode.MESSAGE_HEADER_ERROR]: MessageHeaderErrorSubcode,
  [ErrorCode.OPEN_MESSAGE_ERROR]: OpenMessageErrorSubcode,
  [ErrorCode.UPDATE_MESSAGE_ERROR]: UpdateMessageErrorSubcode,
  [ErrorCode.HOLD_TIMER_EXPIRED]: { UNSPECIFIC: 0 },
  [ErrorCode.FSM_ERROR]: FsmErrorSubcode,
  [ErrorCode.CEASE]: CeaseSubcode,
  [ErrorCode.ROUTE_REFRESH_MESSAGE_ERROR]: RouteRefreshErrorSubcode,
  [ErrorCode.SEND_HOLD_TIMER_EXPIRED]: { UNSPECIFIC: 0 },
};

const subcodeNames = new Map<number, ReadonlyMap<number, string>>(
  Object.entries(ErrorSubcodes).map(([code, table]) => [Number(code), invert(table)]),
);

/**
 * Registry name of a NOTIFICATION (code, subcode) pair, such as `"OPEN_MESSAGE_ERROR/BAD_PEER_AS"`.
 * Unknown codes come back as numbers so that nothing is lost.
 */
export function notificationName(code: number, subcode: number): string {
  const codeName = ErrorCodeName.get(code) ?? `CODE_${code}`;
  const sub = subcodeNames.get(code)?.get(subcode) ?? `SUBCODE_${subcode}`;
  return `${codeName}/${sub}`;
}

/** BGP OPEN Optional Parameter Types. RFC 5492 §4, RFC 9072 §2 (255 = extended length). */
export const OptionalParameterType = {
  CAPABILITIES: 2,
  EXTENDED_LENGTH: 255,
} as const;

/** Capability Codes registry. RFC 5492 and the RFC cited beside each code. */
export const CapabilityCode = {
  /** RFC 4760 */
  MULTIPROTOCOL: 1,
  /** RFC 2918 */
  ROUTE_REFRESH: 2,
  /** RFC 5291 */
  OUTBOUND_ROUTE_FILTERING: 3,
  /** RFC 8950 */
  EXTENDED_NEXT_HOP: 5,
  /** RFC 8654 */
  EXTENDED_MESSAGE: 6,
  /** RFC 8205 */
  BGPSEC: 7,
  /** RFC 8277 */
  MULTIPLE_LABELS: 8,
  /** RFC 9234 */
  BGP_ROLE: 9,
  /** RFC 4724 */
  GRACEFUL_RESTART: 64,
  /** RFC 6793 */
  FOUR_OCTET_AS: 65,
  /** RFC 7911 */
  ADD_PATH: 69,
  /** RFC 7313 */
  ENHANCED_ROUTE_REFRESH: 70,
  /** RFC 9494 */
  LONG_LIVED_GRACEFUL_RESTART: 71,
  /** draft-walton-bgp-hostname-capability */
  FQDN: 73,
  /** draft-ietf-idr-bgp-sendholdtimer */
  SOFTWARE_VERSION: 75,
  /** Pre-standard route refresh (Cisco). */
  ROUTE_REFRESH_OLD: 128,
} as const;
/** Capability code to registry name. */
export const CapabilityCodeName = invert(CapabilityCode);

/** Address Family Numbers registry (the ones BGP uses). RFC 4760. */
export const Afi = {
  IPV4: 1,
  IPV6: 2,
  L2VPN: 25,
  BGP_LS: 16388,
} as const;
/** An address family identifier. */
export type Afi = (typeof Afi)[keyof typeof Afi];
/** AFI code to registry name. */
export const AfiName = invert(Afi);

/** Subsequent Address Family Identifiers registry. RFC 4760 and successors. */
export const Safi = {
  UNICAST: 1,
  MULTICAST: 2,
  MPLS_LABEL: 4,
  MCAST_VPN: 5,
  VPLS: 65,
  EVPN: 70,
  BGP_LS: 71,
  MPLS_VPN: 128,
  ROUTE_TARGET_CONSTRAINT: 132,
  FLOWSPEC: 133,
  FLOWSPEC_VPN: 134,
} as const;
/** A subsequent address family identifier. */
export type Safi = (typeof Safi)[keyof typeof Safi];
/** SAFI code to registry name. */
export const SafiName = invert(Safi);

/** BGP Path Attributes registry. RFC 4271 and the RFC cited beside each code. */
export const AttributeType = {
  ORIGIN: 1,
  AS_PATH: 2,
  NEXT_HOP: 3,
  MULTI_EXIT_DISC: 4,
  LOCAL_PREF: 5,
  ATOMIC_AGGREGATE: 6,
  AGGREGATOR: 7,
  /** RFC 1997 */
  COMMUNITIES: 8,
  /** RFC 4456 */
  ORIGINATOR_ID: 9,
  /** RFC 4456 */
  CLUSTER_LIST: 10,
  /** RFC 4760 */
  MP_REACH_NLRI: 14,
  /** RFC 4760 */
  MP_UNREACH_NLRI: 15,
  /** RFC 4360 */
  EXTENDED_COMMUNITIES: 16,
  /** RFC 6793 */
  AS4_PATH: 17,
  /** RFC 6793 */
  AS4_AGGREGATOR: 18,
  /** RFC 6514 */
  PMSI_TUNNEL: 22,
  /** RFC 9012 */
  TUNNEL_ENCAPSULATION: 23,
  /** RFC 5701 */
  IPV6_EXTENDED_COMMUNITIES: 25,
  /** RFC 7311 */
  AIGP: 26,
  /** RFC 9552 */
  BGP_LS: 29,
  /** RFC 8092 */
  LARGE_COMMUNITY: 32,
  /** RFC 8205 */
  BGPSEC_PATH: 33,
  /** RFC 9234 */
  OTC: 35,
  /** RFC 8669 */
  PREFIX_SID: 40,
  /** RFC 6368 */
  ATTR_SET: 128,
} as const;
/** Path attribute type code to registry name. */
export const AttributeTypeName = invert(AttributeType);

/** Path attribute flag bits. RFC 4271 §4.3. */
export const AttributeFlag = {
  OPTIONAL: 0x80,
  TRANSITIVE: 0x40,
  PARTIAL: 0x20,
  EXTENDED_LENGTH: 0x10,
} as const;

/** ORIGIN attribute values. RFC 4271 §5.1.1. */
export const Origin = { IGP: 0, EGP: 1, INCOMPLETE: 2 } as const;

/** AS_PATH segment types. RFC 4271 §4.3, RFC 5065 §3. */
export const AsPathSegmentType = {
  AS_SET: 1,
  AS_SEQUENCE: 2,
  AS_CONFED_SEQUENCE: 3,
  AS_CONFED_SET: 4,
} as const;

/** Well-known Communities registry. RFC 1997, RFC 3765, RFC 7999, RFC 8326, RFC 7611, RFC 9494. */
export const WellKnownCommunity = {
  GRACEFUL_SHUTDOWN: 0xffff0000,
  ACCEPT_OWN: 0xffff0001,
  LLGR_STALE: 0xffff0006,
  NO_LLGR: 0xffff0007,
  BLACKHOLE: 0xffff029a,
  NO_EXPORT: 0xffffff01,
  NO_ADVERTISE: 0xffffff02,
  NO_EXPORT_SUBCONFED: 0xffffff03,
  NOPEER: 0xffffff04,
} as const;
/** Well-known community value to registry name. */
export const WellKnownCommunityName = invert(WellKnownCommunity);

/** BGP Role values. RFC 9234 §4.1. */
export const BgpRole = {
  PROVIDER: 0,
  RS: 1,
  RS_CLIENT: 2,
  CUSTOMER: 3,
  PEER: 4,
} as const;

/** ROUTE-REFRESH message subtypes. RFC 7313 §3.2. */
export const RouteRefreshSubtype = {
  NORMAL: 0,
  BORR: 1,
  EORR: 2,
} as const;

/** ADD-PATH Send/Receive field values. RFC 7911 §4. */
export const AddPathMode = {
  RECEIVE: 1,
  SEND: 2,
  BOTH: 3,
} as const;

/** MRT Types registry. RFC 6396 §4, RFC 8050. */
export const MrtType = {
  BGP: 5,
  TABLE_DUMP: 12,
  TABLE_DUMP_V2: 13,
  BGP4MP: 16,
  BGP4MP_ET: 17,
} as const;

/** MRT TABLE_DUMP_V2 subtypes. RFC 6396 §4.3, RFC 8050 §4. */
export const TableDumpV2Subtype = {
  PEER_INDEX_TABLE: 1,
  RIB_IPV4_UNICAST: 2,
  RIB_IPV4_MULTICAST: 3,
  RIB_IPV6_UNICAST: 4,
  RIB_IPV6_MULTICAST: 5,
  RIB_GENERIC: 6,
  GEO_PEER_TABLE: 7,
  RIB_IPV4_UNICAST_ADDPATH: 8,
  RIB_IPV4_MULTICAST_ADDPATH: 9,
  RIB_IPV6_UNICAST_ADDPATH: 10,
  RIB_IPV6_MULTICAST_ADDPATH: 11,
  RIB_GENERIC_ADDPATH: 12,
} as const;

/** MRT BGP4MP / BGP4MP_ET subtypes. RFC 6396 §4.4, RFC 8050 §3. */
export const Bgp4mpSubtype = {
  STATE_CHANGE: 0,
  MESSAGE: 1,
  MESSAGE_AS4: 4,
  STATE_CHANGE_AS4: 5,
  MESSAGE_LOCAL: 6,
  MESSAGE_AS4_LOCAL: 7,
  MESSAGE_ADDPATH: 8,
  MESSAGE_AS4_ADDPATH: 9,
  MESSAGE_LOCAL_ADDPATH: 10,
  MESSAGE_AS4_LOCAL_ADDPATH: 11,
} as const;
