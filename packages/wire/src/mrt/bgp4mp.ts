/**
 * BGP4MP and BGP4MP_ET (MRT types 16 and 17): state changes and captured BGP messages.
 * RFC 6396 §4.4, ADD-PATH subtypes of RFC 8050 §3. Also the deprecated type 5 "BGP" records
 * that Zebra wrote until about 2001 (draft-ietf-grow-mrt-00 §5.1), which route collectors'
 * oldest archives still hold.
 *
 * ```
 * BGP4MP_MESSAGE(_AS4)(_LOCAL)(_ADDPATH)          BGP4MP_STATE_CHANGE(_AS4)
 * +---------------------------------------+       +---------------------------------------+
 * | Peer AS (2/4)     | Local AS (2/4)    |       | Peer AS (2/4)     | Local AS (2/4)    |
 * +-------------------+-------------------+       +-------------------+-------------------+
 * | Interface Index(2)| Address Family (2)|       | Interface Index(2)| Address Family (2)|
 * +-------------------+-------------------+       +-------------------+-------------------+
 * | Peer IP Address (4/16)                |       | Peer IP Address (4/16)                |
 * | Local IP Address (4/16)               |       | Local IP Address (4/16)               |
 * +---------------------------------------+       +-------------------+-------------------+
 * | BGP Message (whole, marker included)  |       | Old State (2)     | New State (2)     |
 * +---------------------------------------+       +-------------------+-------------------+
 *
 * Type 5 BGP, subtypes UPDATE 1 / OPEN 5 / NOTIFY 6 / KEEPALIVE 7:
 * Peer AS (2), Peer IP (4), Local AS (2), Local IP (4), BGP message WITHOUT its 19-byte header
 * Type 5 BGP, subtype STATE_CHANGE 3: Peer AS (2), Peer IP (4), Old State (2), New State (2)
 * ```
 *
 * @module
 */
import { MrtFormatError } from '../errors.js';
import { Afi, Bgp4mpSubtype, HEADER_LENGTH, MARKER_LENGTH, MessageType } from '../iana.js';
import { makePrefix } from '../prefix.js';
import type { Writer } from '../writer.js';
import { addressLength, mrtReader } from './mrt-reader.js';
import type {
  Bgp4mpEntryRecord,
  Bgp4mpMessageRecord,
  Bgp4mpPeer,
  Bgp4mpStateChangeRecord,
  MrtHeader,
  MrtUnknownRecord,
} from './types.js';

/** What a BGP4MP message subtype says about the message it holds. */
interface MessageSubtype {
  readonly as4: boolean;
  readonly local: boolean;
  readonly addPath: boolean;
}

/** BGP4MP message subtypes (RFC 6396 §4.4.2–4.4.7, RFC 8050 §3) as a descriptor table. */
const messageSubtypes: ReadonlyMap<number, MessageSubtype> = new Map([
  [Bgp4mpSubtype.MESSAGE, { as4: false, local: false, addPath: false }],
  [Bgp4mpSubtype.MESSAGE_AS4, { as4: true, local: false, addPath: false }],
  [Bgp4mpSubtype.MESSAGE_LOCAL, { as4: false, local: true, addPath: false }],
  [Bgp4mpSubtype.MESSAGE_AS4_LOCAL, { as4: true, local: true, addPath: false }],
  [Bgp4mpSubtype.MESSAGE_ADDPATH, { as4: false, local: false, addPath: true }],
  [Bgp4mpSubtype.MESSAGE_AS4_ADDPATH, { as4: true, local: false, addPath: true }],
  [Bgp4mpSubtype.MESSAGE_LOCAL_ADDPATH, { as4: false, local: true, addPath: true }],
  [Bgp4mpSubtype.MESSAGE_AS4_LOCAL_ADDPATH, { as4: true, local: true, addPath: true }],
]);

/** Subtypes of the deprecated type 5 BGP records that hold a message, and its BGP type. */
const legacyMessageTypes: ReadonlyMap<number, number> = new Map([
  [1, MessageType.UPDATE],
  [5, MessageType.OPEN],
  [6, MessageType.NOTIFICATION],
  [7, MessageType.KEEPALIVE],
]);
const LEGACY_STATE_CHANGE = 3;
/** The deprecated BGP4MP_ENTRY subtype (draft-ietf-grow-mrt-00 §5.4.3). */
const BGP4MP_ENTRY = 2;
/** Body length of the short Zebra state change (see {@link decodeBgp4mp}). */
const ZEBRA_SHORT_STATE_CHANGE = 8;

/** The BGP4MP subtype for a message record's flags. */
export function bgp4mpMessageSubtype(flags: MessageSubtype): number {
  for (const [subtype, f] of messageSubtypes) {
    if (f.as4 === flags.as4 && f.local === flags.local && f.addPath === flags.addPath)
      return subtype;
  }
  /* c8 ignore next */
  throw new Error('unreachable: every flag combination has a subtype');
}

/**
 * Decodes a BGP4MP or BGP4MP_ET body (after any microseconds field). Subtypes this reader does
 * not know (such as the deprecated BGP4MP_ENTRY, 2) come back as UNKNOWN records.
 */
export function decodeBgp4mp(
  header: MrtHeader,
  body: Uint8Array,
): Bgp4mpMessageRecord | Bgp4mpStateChangeRecord | Bgp4mpEntryRecord | MrtUnknownRecord {
  const message = messageSubtypes.get(header.subtype);
  if (header.subtype === BGP4MP_ENTRY) return decodeEntry(header, body);
  const stateChange =
    header.subtype === Bgp4mpSubtype.STATE_CHANGE ||
    header.subtype === Bgp4mpSubtype.STATE_CHANGE_AS4;
  if (message === undefined && !stateChange) return { ...header, kind: 'UNKNOWN', body };
  const as4 = message?.as4 ?? header.subtype === Bgp4mpSubtype.STATE_CHANGE_AS4;
  const r = mrtReader(body, header.offset, 'BGP4MP');
  if (header.subtype === Bgp4mpSubtype.STATE_CHANGE && body.length === ZEBRA_SHORT_STATE_CHANGE) {
    // Zebra of about 2000 wrote state changes as peer AS, local AS, old and new state, without
    // interface, family or addresses (RIPE rrc01 archives hold them). Addresses come back empty.
    const peerAs = r.u16('peer AS');
    const localAs = r.u16('local AS');
    const oldState = r.u16('old state');
    const newState = r.u16('new state');
    const none = new Uint8Array(0);
    const peer = {
      peerAs,
      localAs,
      interfaceIndex: 0,
      afi: 0,
      peerAddress: none,
      localAddress: none,
    };
    return { ...header, ...peer, kind: 'STATE_CHANGE', as4, oldState, newState };
  }
  const peerAs = as4 ? r.u32('peer AS') : r.u16('peer AS');
  const localAs = as4 ? r.u32('local AS') : r.u16('local AS');
  const interfaceIndex = r.u16('interface index');
  const afi = r.u16('address family');
  const size = addressLength(afi, header.offset, 'BGP4MP');
  const peerAddress = r.bytes(size, 'peer address');
  const localAddress = r.bytes(size, 'local address');
  const peer: Bgp4mpPeer = { peerAs, localAs, interfaceIndex, afi, peerAddress, localAddress };
  if (message === undefined) {
    const oldState = r.u16('old state');
    const newState = r.u16('new state');
    if (!r.done) {
      throw new MrtFormatError(`${r.remaining} bytes after BGP4MP state change`, header.offset);
    }
    return { ...header, ...peer, kind: 'STATE_CHANGE', as4, oldState, newState };
  }
  if (r.remaining < HEADER_LENGTH) {
    throw new MrtFormatError(
      `BGP4MP message of ${r.remaining} bytes is shorter than a BGP header`,
      header.offset,
    );
  }
  return { ...header, ...peer, kind: 'MESSAGE', ...message, message: r.rest() };
}

/**
 * BGP4MP_ENTRY body: the BGP4MP peer fields (2-octet AS), then View (2), Status (2), Time Last
 * Change (4), AFI (2), SAFI (1), Next Hop Length (1), Next Hop, Prefix Length (1), Prefix,
 * Attribute Length (2), Attributes.
 */
function decodeEntry(header: MrtHeader, body: Uint8Array): Bgp4mpEntryRecord {
  const r = mrtReader(body, header.offset, 'BGP4MP_ENTRY');
  const peerAs = r.u16('peer AS');
  const localAs = r.u16('local AS');
  const interfaceIndex = r.u16('interface index');
  const afi = r.u16('address family');
  const size = addressLength(afi, header.offset, 'BGP4MP_ENTRY');
  const peerAddress = r.bytes(size, 'peer address');
  const localAddress = r.bytes(size, 'local address');
  const viewNumber = r.u16('view number');
  const status = r.u16('status');
  const originatedTime = r.u32('time last change');
  const prefixAfi = r.u16('prefix AFI');
  const safi = r.u8('prefix SAFI');
  const nextHop = r.bytes(r.u8('next hop length'), 'next hop');
  const prefixSize = addressLength(prefixAfi, header.offset, 'BGP4MP_ENTRY prefix');
  const length = r.u8('prefix length');
  if (length > prefixSize * 8) {
    throw new MrtFormatError(
      `BGP4MP_ENTRY prefix length ${length} exceeds ${prefixSize * 8}`,
      header.offset,
    );
  }
  const address = new Uint8Array(prefixSize);
  address.set(r.bytes((length + 7) >> 3, 'prefix'));
  const attributes = r.bytes(r.u16('attribute length'), 'attributes');
  if (!r.done)
    throw new MrtFormatError(`${r.remaining} bytes after BGP4MP_ENTRY attributes`, header.offset);
  return {
    ...header,
    kind: 'BGP4MP_ENTRY',
    peerAs,
    localAs,
    interfaceIndex,
    afi,
    peerAddress,
    localAddress,
    viewNumber,
    status,
    originatedTime,
    prefixAfi,
    safi,
    nextHop,
    prefix: makePrefix(address, length),
    attributes,
  };
}

/** Decodes a deprecated type 5 BGP record; the message gets its 19-byte header back. */
export function decodeLegacyBgp(
  header: MrtHeader,
  body: Uint8Array,
): Bgp4mpMessageRecord | Bgp4mpStateChangeRecord | MrtUnknownRecord {
  const type = legacyMessageTypes.get(header.subtype);
  if (type === undefined && header.subtype !== LEGACY_STATE_CHANGE) {
    return { ...header, kind: 'UNKNOWN', body };
  }
  const r = mrtReader(body, header.offset, 'BGP');
  const peerAs = r.u16('peer AS');
  const peerAddress = r.bytes(4, 'peer address');
  if (type === undefined) {
    const oldState = r.u16('old state');
    const newState = r.u16('new state');
    const peer = {
      peerAs,
      localAs: 0,
      interfaceIndex: 0,
      afi: Afi.IPV4,
      peerAddress,
      localAddress: new Uint8Array(4),
    };
    return { ...header, ...peer, kind: 'STATE_CHANGE', as4: false, oldState, newState };
  }
  const localAs = r.u16('local AS');
  const localAddress = r.bytes(4, 'local address');
  const bodyBytes = r.rest();
  const total = HEADER_LENGTH + bodyBytes.length;
  if (total > 0xffff) {
    throw new MrtFormatError(
      `type 5 BGP message of ${total} bytes cannot be framed`,
      header.offset,
    );
  }
  const message = new Uint8Array(total);
  message.fill(0xff, 0, MARKER_LENGTH);
  message[16] = total >> 8;
  message[17] = total & 0xff;
  message[18] = type;
  message.set(bodyBytes, HEADER_LENGTH);
  const peer = { peerAs, localAs, interfaceIndex: 0, afi: Afi.IPV4, peerAddress, localAddress };
  return {
    ...header,
    ...peer,
    kind: 'MESSAGE',
    as4: false,
    addPath: false,
    local: false,
    message,
    headerSynthesised: true,
  };
}

function writePeer(p: Bgp4mpPeer, as4: boolean, w: Writer): void {
  if (as4) w.u32(p.peerAs).u32(p.localAs);
  else w.u16(p.peerAs).u16(p.localAs);
  if (p.peerAddress.length !== p.localAddress.length) {
    throw new MrtFormatError('BGP4MP peer and local addresses of different families', 0);
  }
  const afi = p.peerAddress.length === 16 ? Afi.IPV6 : Afi.IPV4;
  w.u16(p.interfaceIndex).u16(afi).bytes(p.peerAddress).bytes(p.localAddress);
}

/** Writes a BGP4MP MESSAGE* body; the subtype follows from `as4`, `local` and `addPath`. */
export function encodeBgp4mpMessageBody(
  record: Bgp4mpPeer & MessageSubtype & { readonly message: Uint8Array },
  w: Writer,
): void {
  writePeer(record, record.as4, w);
  w.bytes(record.message);
}

/** Writes a BGP4MP STATE_CHANGE(_AS4) body. */
export function encodeBgp4mpStateChangeBody(
  record: Bgp4mpPeer & {
    readonly as4: boolean;
    readonly oldState: number;
    readonly newState: number;
  },
  w: Writer,
): void {
  writePeer(record, record.as4, w);
  w.u16(record.oldState).u16(record.newState);
}
