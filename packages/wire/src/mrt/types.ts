/**
 * MRT records (RFC 6396, ADD-PATH extensions of RFC 8050) as plain values.
 *
 * The record layer keeps what it carries as views of the file's bytes: a BGP4MP record holds the
 * whole BGP message and a RIB entry its bare path attributes, undecoded. Decoding them needs the
 * message codecs and a context that the record's subtype decides ({@link mrtMessageContext},
 * `decodeMrtMessage`, `decodeRibEntryAttributes`); most readers of a full table never look at
 * most attributes, so they pay only for the walk.
 *
 * Addresses are 4 or 16 bytes (`formatAddress` turns them into text). Every record has the byte
 * `offset` of its common header in the (decompressed) stream, for error reports.
 *
 * @module
 */
import type { MrtFormatError } from '../errors.js';
import type { Prefix } from '../prefix.js';

/** Fields of the MRT common header (RFC 6396 §2) and the extended-timestamp header (§3). */
export interface MrtHeader {
  /** Byte offset of the record's common header in the decompressed stream. */
  readonly offset: number;
  /** Seconds since the Unix epoch. */
  readonly timestamp: number;
  /** Microseconds, for `*_ET` types (RFC 6396 §3); absent otherwise. */
  readonly microseconds?: number;
  /** MRT type (`MrtType`). */
  readonly type: number;
  /** MRT subtype. */
  readonly subtype: number;
}

/** One peer of a TABLE_DUMP_V2 PEER_INDEX_TABLE. RFC 6396 §4.3.1. */
export interface MrtPeer {
  /** Peer BGP identifier (u32). */
  readonly bgpId: number;
  /** Peer address, 4 or 16 bytes. */
  readonly address: Uint8Array;
  /** Peer AS number. */
  readonly asn: number;
  /** The entry used a 4-octet AS field (peer type bit 1). Kept so that re-encoding is exact. */
  readonly as4: boolean;
}

/** TABLE_DUMP_V2 PEER_INDEX_TABLE. RFC 6396 §4.3.1. */
export interface PeerIndexTableRecord extends MrtHeader {
  /** Discriminant. */
  readonly kind: 'PEER_INDEX_TABLE';
  /** Collector BGP identifier (u32). */
  readonly collectorBgpId: number;
  /** View name (UTF-8), often empty. */
  readonly viewName: string;
  /** Peers, indexed by the RIB entries' `peerIndex`. */
  readonly peers: readonly MrtPeer[];
}

/** One RIB entry of a TABLE_DUMP_V2 RIB record. RFC 6396 §4.3.4, RFC 8050 §4. */
export interface RibEntry {
  /** Index into the PEER_INDEX_TABLE's `peers`. */
  readonly peerIndex: number;
  /** When the route was received (seconds since the epoch). */
  readonly originatedTime: number;
  /** ADD-PATH path identifier (RFC 8050 *_ADDPATH subtypes only). */
  readonly pathId?: number;
  /**
   * Bare path attributes, as in an UPDATE but with 4-octet AS numbers always and MP_REACH_NLRI
   * holding only the next-hop length and next hop (RFC 6396 §4.3.4). A view of the file bytes.
   */
  readonly attributes: Uint8Array;
}

/** A TABLE_DUMP_V2 RIB record: one prefix (or generic NLRI) and its routes from every peer. */
export interface RibRecord extends MrtHeader {
  /** Discriminant. */
  readonly kind: 'RIB';
  /** Address family of the NLRI. */
  readonly afi: number;
  /** Subsequent address family of the NLRI. */
  readonly safi: number;
  /** The subtype is one of RFC 8050's *_ADDPATH ones: entries carry a path identifier. */
  readonly addPath: boolean;
  /** Sequence number. */
  readonly sequence: number;
  /** The prefix, for unicast and multicast (and RIB_GENERIC of those); absent for other NLRI. */
  readonly prefix?: Prefix;
  /** The NLRI as on the wire (length octet and prefix bytes, or the generic NLRI). */
  readonly nlri: Uint8Array;
  /** One entry per peer (and per path with ADD-PATH). */
  readonly entries: readonly RibEntry[];
}

/** Legacy TABLE_DUMP (type 12) record: one route. RFC 6396 §4.2. */
export interface TableDumpRecord extends MrtHeader {
  /** Discriminant. */
  readonly kind: 'TABLE_DUMP';
  /** Address family (the subtype: 1 IPv4, 2 IPv6). */
  readonly afi: number;
  /** View number. */
  readonly viewNumber: number;
  /** Sequence number (wraps at 65536). */
  readonly sequence: number;
  /** The prefix. */
  readonly prefix: Prefix;
  /** Status octet (unused, 1). */
  readonly status: number;
  /** When the route was received. */
  readonly originatedTime: number;
  /** Peer address (4 or 16 bytes). */
  readonly peerAddress: Uint8Array;
  /** Peer AS (2 octets). */
  readonly peerAs: number;
  /** Bare path attributes (2-octet AS numbers). */
  readonly attributes: Uint8Array;
}

/** Peer and local identification shared by BGP4MP records. RFC 6396 §4.4. */
export interface Bgp4mpPeer {
  /** Peer AS number. */
  readonly peerAs: number;
  /** Local AS number. */
  readonly localAs: number;
  /** Interface index. */
  readonly interfaceIndex: number;
  /** Address family of the two addresses (1 or 2; 0 when a short Zebra record omitted them). */
  readonly afi: number;
  /** Peer address (4 or 16 bytes). */
  readonly peerAddress: Uint8Array;
  /** Local address (4 or 16 bytes). */
  readonly localAddress: Uint8Array;
}

/** BGP4MP STATE_CHANGE / STATE_CHANGE_AS4 (and the type 5 BGP STATE_CHANGE). RFC 6396 §4.4.1. */
export interface Bgp4mpStateChangeRecord extends MrtHeader, Bgp4mpPeer {
  /** Discriminant. */
  readonly kind: 'STATE_CHANGE';
  /** AS fields are 4 octets (STATE_CHANGE_AS4). */
  readonly as4: boolean;
  /** FSM state before (1 Idle … 6 Established; Quagga also wrote 7 and 8). */
  readonly oldState: number;
  /** FSM state after. */
  readonly newState: number;
}

/** A BGP message captured in a BGP4MP(_ET) MESSAGE* record (or a type 5 BGP record). */
export interface Bgp4mpMessageRecord extends MrtHeader, Bgp4mpPeer {
  /** Discriminant. */
  readonly kind: 'MESSAGE';
  /** AS fields and the message's AS_PATH use 4-octet AS numbers (the *_AS4 subtypes). */
  readonly as4: boolean;
  /** NLRI in the message carry ADD-PATH path identifiers (the *_ADDPATH subtypes, RFC 8050). */
  readonly addPath: boolean;
  /** The local speaker sent the message (the *_LOCAL subtypes) rather than received it. */
  readonly local: boolean;
  /**
   * The whole BGP message, marker included. For type 5 BGP records, which store the message
   * without its header, the 19-byte header is synthesised (`headerSynthesised`).
   */
  readonly message: Uint8Array;
  /** True when the header was added by the reader (type 5 records). */
  readonly headerSynthesised?: boolean;
}

/**
 * The deprecated BGP4MP_ENTRY (subtype 2, draft-ietf-grow-mrt before RFC 6396): one route of a
 * RIB dump with the peer fields of BGP4MP. OpenBGPD wrote them (mrtparse's `openbgpd_rib_table-mp`).
 */
export interface Bgp4mpEntryRecord extends MrtHeader, Bgp4mpPeer {
  /** Discriminant. */
  readonly kind: 'BGP4MP_ENTRY';
  /** View number. */
  readonly viewNumber: number;
  /** Status (unused, 1). */
  readonly status: number;
  /** When the route last changed (seconds since the epoch). */
  readonly originatedTime: number;
  /** Address family of the prefix. */
  readonly prefixAfi: number;
  /** Subsequent address family of the prefix. */
  readonly safi: number;
  /** Next hop (its length as stored). */
  readonly nextHop: Uint8Array;
  /** The prefix. */
  readonly prefix: Prefix;
  /** Bare path attributes (2-octet AS numbers, as in TABLE_DUMP). */
  readonly attributes: Uint8Array;
}

/** A record of a type or subtype this reader does not interpret, kept raw. */
export interface MrtUnknownRecord extends MrtHeader {
  /** Discriminant. */
  readonly kind: 'UNKNOWN';
  /** The record body (after the common header and, for _ET types, the microseconds). */
  readonly body: Uint8Array;
}

/**
 * A record that could not be read. When `fatal` is set the stream itself broke (a record that
 * runs past the end of the file) and nothing follows; otherwise reading went on with the next
 * record.
 */
export interface MrtErrorRecord {
  /** Discriminant. */
  readonly kind: 'ERROR';
  /** Byte offset of the record. */
  readonly offset: number;
  /** Type and subtype, when the common header could be read. */
  readonly type?: number;
  /** Subtype, when the common header could be read. */
  readonly subtype?: number;
  /** Timestamp, when the common header could be read. */
  readonly timestamp?: number;
  /** What went wrong. */
  readonly error: MrtFormatError;
  /** The stream ends here. */
  readonly fatal: boolean;
}

/** Any record the MRT reader yields. */
export type MrtRecord =
  | PeerIndexTableRecord
  | RibRecord
  | TableDumpRecord
  | Bgp4mpStateChangeRecord
  | Bgp4mpMessageRecord
  | Bgp4mpEntryRecord
  | MrtUnknownRecord
  | MrtErrorRecord;
