/**
 * TABLE_DUMP_V2 (MRT type 13): the peer index table and RIB records. RFC 6396 §4.3, with the
 * ADD-PATH subtypes of RFC 8050 §4.
 *
 * ```
 * PEER_INDEX_TABLE                          RIB_IPV4_UNICAST … RIB_IPV6_MULTICAST(_ADDPATH)
 * +--------------------------------+        +--------------------------------+
 * |   Collector BGP ID (4)         |        |   Sequence Number (4)          |
 * +----------------+---------------+        +--------+-----------------------+
 * | View Name Len  | View Name ... |        | Pfx Len| Prefix (variable)     |
 * +----------------+---------------+        +--------+-------+---------------+
 * |   Peer Count   | Peer Entries  |        |  Entry Count   | RIB Entries   |
 * +----------------+---------------+        +----------------+---------------+
 * Peer Entry: Peer Type (1: bit 0 IPv6, bit 1 AS4), Peer BGP ID (4), Peer IP (4/16), Peer AS (2/4)
 *
 * RIB_GENERIC(_ADDPATH): Sequence (4), AFI (2), SAFI (1), NLRI (variable), Entry Count (2), entries
 *
 * RIB Entry:
 * +----------------+---------------------------------+-------------------------+
 * | Peer Index (2) | Originated Time (4)             | [Path Identifier (4)]   |
 * +----------------+----------------+----------------+-------------------------+
 * | Attribute Len (2)               | BGP Attributes (variable)                 |
 * +---------------------------------+-------------------------------------------+
 * ```
 *
 * @module
 */
import { MrtFormatError } from '../errors.js';
import { Afi, Safi, TableDumpV2Subtype } from '../iana.js';
import { makePrefix, type Prefix } from '../prefix.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { mrtReader } from './mrt-reader.js';
import type { MrtHeader, MrtPeer, PeerIndexTableRecord, RibEntry, RibRecord } from './types.js';

/** Peer type bits of a PEER_INDEX_TABLE entry. RFC 6396 §4.3.1. */
const PEER_TYPE_IPV6 = 0x01;
const PEER_TYPE_AS4 = 0x02;

/** AFI/SAFI of the AFI-specific RIB subtypes, and whether they carry ADD-PATH identifiers. */
const ribSubtypes: ReadonlyMap<number, { afi: number; safi: number; addPath: boolean }> = new Map([
  [TableDumpV2Subtype.RIB_IPV4_UNICAST, { afi: Afi.IPV4, safi: Safi.UNICAST, addPath: false }],
  [TableDumpV2Subtype.RIB_IPV4_MULTICAST, { afi: Afi.IPV4, safi: Safi.MULTICAST, addPath: false }],
  [TableDumpV2Subtype.RIB_IPV6_UNICAST, { afi: Afi.IPV6, safi: Safi.UNICAST, addPath: false }],
  [TableDumpV2Subtype.RIB_IPV6_MULTICAST, { afi: Afi.IPV6, safi: Safi.MULTICAST, addPath: false }],
  [
    TableDumpV2Subtype.RIB_IPV4_UNICAST_ADDPATH,
    { afi: Afi.IPV4, safi: Safi.UNICAST, addPath: true },
  ],
  [
    TableDumpV2Subtype.RIB_IPV4_MULTICAST_ADDPATH,
    { afi: Afi.IPV4, safi: Safi.MULTICAST, addPath: true },
  ],
  [
    TableDumpV2Subtype.RIB_IPV6_UNICAST_ADDPATH,
    { afi: Afi.IPV6, safi: Safi.UNICAST, addPath: true },
  ],
  [
    TableDumpV2Subtype.RIB_IPV6_MULTICAST_ADDPATH,
    { afi: Afi.IPV6, safi: Safi.MULTICAST, addPath: true },
  ],
]);

/** SAFIs whose NLRI is a length in bits followed by that many bits (RFC 4760 §5 style). */
const BIT_LENGTH_SAFIS: ReadonlySet<number> = new Set([1, 2, 4, 128, 129]);

/** Decodes a PEER_INDEX_TABLE body. */
export function decodePeerIndexTable(header: MrtHeader, body: Uint8Array): PeerIndexTableRecord {
  const r = mrtReader(body, header.offset, 'PEER_INDEX_TABLE');
  const collectorBgpId = r.u32('collector BGP ID');
  const viewName = new TextDecoder().decode(r.bytes(r.u16('view name length'), 'view name'));
  const count = r.u16('peer count');
  const peers: MrtPeer[] = [];
  for (let i = 0; i < count; i++) {
    const peerType = r.u8('peer type');
    const bgpId = r.u32('peer BGP ID');
    const address = r.bytes(peerType & PEER_TYPE_IPV6 ? 16 : 4, 'peer address');
    const as4 = (peerType & PEER_TYPE_AS4) !== 0;
    const asn = as4 ? r.u32('peer AS') : r.u16('peer AS');
    peers.push({ bgpId, address, asn, as4 });
  }
  return { ...header, kind: 'PEER_INDEX_TABLE', collectorBgpId, viewName, peers };
}

function readPrefix(r: Reader, afi: number, offset: number): Prefix {
  const length = r.u8('prefix length');
  const size = afi === Afi.IPV4 ? 4 : 16;
  if (length > size * 8) {
    throw new MrtFormatError(`prefix length ${length} exceeds ${size * 8}`, offset);
  }
  const bytes = r.bytes((length + 7) >> 3, 'prefix');
  const address = new Uint8Array(size);
  address.set(bytes);
  return makePrefix(address, length);
}

/**
 * Length of one generic NLRI at the cursor, for RIB_GENERIC. Families whose NLRI start with a
 * length in bits are walked; others have no self-describing length the record layer can trust.
 */
function genericNlriLength(r: Reader, afi: number, safi: number, offset: number): number {
  if (BIT_LENGTH_SAFIS.has(safi) || afi === Afi.L2VPN) {
    r.need(1, 'NLRI length');
    const bits = r.buf[r.pos]!;
    // EVPN (25/70): route type (1) + length in octets (1) + value.
    if (afi === Afi.L2VPN) {
      r.need(2, 'EVPN NLRI header');
      return 2 + r.buf[r.pos + 1]!;
    }
    return 1 + ((bits + 7) >> 3);
  }
  throw new MrtFormatError(
    `RIB_GENERIC: NLRI of AFI ${afi} SAFI ${safi} cannot be delimited`,
    offset,
  );
}

function readEntries(r: Reader, addPath: boolean): RibEntry[] {
  const count = r.u16('entry count');
  const entries: RibEntry[] = [];
  for (let i = 0; i < count; i++) {
    const peerIndex = r.u16('peer index');
    const originatedTime = r.u32('originated time');
    const pathId = addPath ? r.u32('path identifier') : undefined;
    const attributes = r.bytes(r.u16('attribute length'), 'attributes');
    entries.push(
      pathId === undefined
        ? { peerIndex, originatedTime, attributes }
        : { peerIndex, originatedTime, pathId, attributes },
    );
  }
  return entries;
}

/** Decodes an AFI-specific RIB body (subtypes 2–5 and 8–11). */
export function decodeRib(header: MrtHeader, body: Uint8Array): RibRecord {
  const family = ribSubtypes.get(header.subtype);
  if (family === undefined) {
    throw new MrtFormatError(`TABLE_DUMP_V2 subtype ${header.subtype} is not a RIB`, header.offset);
  }
  const r = mrtReader(body, header.offset, 'RIB');
  const sequence = r.u32('sequence number');
  const start = r.pos;
  const prefix = readPrefix(r, family.afi, header.offset);
  const nlri = body.subarray(start, r.pos);
  const entries = readEntries(r, family.addPath);
  trailing(r, header.offset);
  return { ...header, kind: 'RIB', ...family, sequence, prefix, nlri, entries };
}

/** Decodes a RIB_GENERIC(_ADDPATH) body. RFC 6396 §4.3.3. */
export function decodeRibGeneric(header: MrtHeader, body: Uint8Array): RibRecord {
  const addPath = header.subtype === TableDumpV2Subtype.RIB_GENERIC_ADDPATH;
  const r = mrtReader(body, header.offset, 'RIB_GENERIC');
  const sequence = r.u32('sequence number');
  const afi = r.u16('AFI');
  const safi = r.u8('SAFI');
  const start = r.pos;
  let prefix: Prefix | undefined;
  if (
    (afi === Afi.IPV4 || afi === Afi.IPV6) &&
    (safi === Safi.UNICAST || safi === Safi.MULTICAST)
  ) {
    prefix = readPrefix(r, afi, header.offset);
  } else {
    r.skip(genericNlriLength(r, afi, safi, header.offset), 'NLRI');
  }
  const nlri = body.subarray(start, r.pos);
  const entries = readEntries(r, addPath);
  trailing(r, header.offset);
  const base = { ...header, kind: 'RIB' as const, afi, safi, addPath, sequence, nlri, entries };
  return prefix === undefined ? base : { ...base, prefix };
}

function trailing(r: Reader, offset: number): void {
  if (!r.done) throw new MrtFormatError(`${r.remaining} bytes after the last RIB entry`, offset);
}

/** The TABLE_DUMP_V2 subtype for a RIB record's family and ADD-PATH flag. */
export function ribSubtype(record: Pick<RibRecord, 'afi' | 'safi' | 'addPath'>): number {
  for (const [subtype, f] of ribSubtypes) {
    if (f.afi === record.afi && f.safi === record.safi && f.addPath === record.addPath) {
      return subtype;
    }
  }
  return record.addPath ? TableDumpV2Subtype.RIB_GENERIC_ADDPATH : TableDumpV2Subtype.RIB_GENERIC;
}

/** Writes a PEER_INDEX_TABLE body. */
export function encodePeerIndexTableBody(
  record: Pick<PeerIndexTableRecord, 'collectorBgpId' | 'viewName' | 'peers'>,
  w: Writer,
): void {
  w.u32(record.collectorBgpId);
  const name = new TextEncoder().encode(record.viewName);
  w.u16(name.length).bytes(name);
  w.u16(record.peers.length);
  for (const p of record.peers) {
    const as4 = p.as4 || p.asn > 0xffff;
    w.u8((p.address.length === 16 ? PEER_TYPE_IPV6 : 0) | (as4 ? PEER_TYPE_AS4 : 0));
    w.u32(p.bgpId).bytes(p.address);
    if (as4) w.u32(p.asn);
    else w.u16(p.asn);
  }
}

/**
 * Writes a RIB body. The NLRI is taken from `nlri` when given, else built from `prefix`; the
 * subtype ({@link ribSubtype}) decides whether it is preceded by AFI and SAFI (RIB_GENERIC).
 */
export function encodeRibBody(
  record: Pick<RibRecord, 'afi' | 'safi' | 'addPath' | 'sequence' | 'entries'> & {
    readonly prefix?: Prefix;
    readonly nlri?: Uint8Array;
  },
  w: Writer,
): void {
  const subtype = ribSubtype(record);
  w.u32(record.sequence);
  if (
    subtype === TableDumpV2Subtype.RIB_GENERIC ||
    subtype === TableDumpV2Subtype.RIB_GENERIC_ADDPATH
  ) {
    w.u16(record.afi).u8(record.safi);
  }
  if (record.nlri !== undefined) w.bytes(record.nlri);
  else if (record.prefix !== undefined) {
    w.u8(record.prefix.length).bytes(
      record.prefix.address.subarray(0, (record.prefix.length + 7) >> 3),
    );
  } else throw new MrtFormatError('RIB record has neither prefix nor NLRI', 0);
  w.u16(record.entries.length);
  for (const e of record.entries) {
    w.u16(e.peerIndex).u32(e.originatedTime);
    if (record.addPath) w.u32(e.pathId ?? 0);
    w.u16(e.attributes.length).bytes(e.attributes);
  }
}
