/**
 * Packs routes into as few UPDATE messages as the negotiated maximum size allows.
 *
 * One call packs prefixes that share one attribute set (announcements) or none (withdrawals).
 * IPv4 unicast uses the NLRI and Withdrawn Routes fields (RFC 4271 §4.3); IPv6 unicast uses
 * MP_REACH_NLRI / MP_UNREACH_NLRI (RFC 4760 §3, §4), always with a 2-octet length so the
 * attribute header size is known before the NLRI are counted:
 *
 * ```
 * header (19) | withdrawn len (2) | withdrawn | attr len (2) | attributes [| MP_REACH (4 + 5 + nh + NLRI)] | NLRI
 * ```
 *
 * IPv4 routes whose next hop is an IPv6 address (16 octets, or 32 with a link-local one) go in
 * MP_REACH_NLRI with AFI 1 / SAFI 1 too, as RFC 8950 §3 (Extended Next Hop Encoding) describes;
 * only when the session negotiated that capability ({@link PackOptions.extendedNextHop}).
 *
 * An NLRI entry is `[path id (4, ADD-PATH)] length (1) prefix (ceil(length / 8))`.
 *
 * Entries come either as {@link PackEntry} objects or as prefix key words ({@link PackKeys}, the
 * form the Adj-RIB-Out stores them in), so that a full table is packed without a `Prefix` object
 * per route.
 *
 * @module
 */
import {
  Afi,
  AttributeFlag,
  AttributeType,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
  type Prefix,
  Safi,
  Writer,
} from '@bgp/wire';
import { writeRouteAttributes } from './attribute-codec.js';
import { prefixWidth } from './prefix-key.js';
import type { RouteAttributes } from './route-attributes.js';

/** A prefix to pack, with its ADD-PATH path id (ignored unless the family sends path ids). */
export interface PackEntry {
  /** The prefix. */
  readonly prefix: Prefix;
  /** ADD-PATH path identifier. */
  readonly pathId: number;
}

/**
 * Prefixes as key words ({@link prefixToWords}): `count` keys of `stride` words each, from
 * `words[0]`. A stride one word longer than {@link prefixWidth} carries the ADD-PATH path id
 * in that last word; otherwise the path id is 0.
 */
export interface PackKeys {
  /** The keys, back to back. */
  readonly words: Uint32Array;
  /** Words per key: the prefix width, plus one with a path id. */
  readonly stride: number;
  /** Number of keys. */
  readonly count: number;
}

/** What packing needs to know about the session. */
export interface PackOptions {
  /** Extended messages negotiated (RFC 8654): 65535 bytes, else 4096. */
  readonly extendedMessage: boolean;
  /** 4-octet AS negotiated (RFC 6793). */
  readonly fourOctetAs: boolean;
  /** Families (AFI 1, 2) whose NLRI carry ADD-PATH path ids outbound (RFC 7911). */
  readonly addPathSend: ReadonlySet<number>;
  /**
   * Extended Next Hop Encoding negotiated for IPv4 unicast with IPv6 next hops (RFC 8950):
   * IPv4 routes with a 16- or 32-octet next hop may be packed (in MP_REACH_NLRI). Default false.
   */
  readonly extendedNextHop?: boolean;
}

/** Uniform access to the entries of either form. */
interface EntryList {
  readonly count: number;
  /** Prefix length in bits of entry `i`. */
  length(i: number): number;
  /** Writes entry `i` as NLRI. */
  write(w: Writer, i: number, addPath: boolean): void;
}

function objectList(entries: readonly PackEntry[]): EntryList {
  return {
    count: entries.length,
    length: (i) => entries[i]!.prefix.length,
    write(w, i, addPath) {
      const e = entries[i]!;
      if (addPath) w.u32(e.pathId);
      w.u8(e.prefix.length);
      w.bytes(e.prefix.address.subarray(0, (e.prefix.length + 7) >> 3));
    },
  };
}

function keyList(afi: 1 | 2, keys: PackKeys): EntryList {
  const { words, stride } = keys;
  const pw = prefixWidth(afi);
  if (stride !== pw && stride !== pw + 1) {
    throw new RangeError(`key stride ${stride} does not fit AFI ${afi}`);
  }
  return {
    count: keys.count,
    length: (i) => words[i * stride + pw - 1]!,
    write(w, i, addPath) {
      const at = i * stride;
      const length = words[at + pw - 1]!;
      if (addPath) w.u32(stride > pw ? words[at + pw]! : 0);
      w.u8(length);
      const octets = (length + 7) >> 3;
      for (let o = 0; o < octets; o++) w.u8((words[at + (o >> 2)]! >>> (24 - 8 * (o & 3))) & 0xff);
    },
  };
}

function listOf(afi: 1 | 2, entries: readonly PackEntry[] | PackKeys): EntryList {
  return Array.isArray(entries)
    ? objectList(entries as readonly PackEntry[])
    : keyList(afi, entries as PackKeys);
}

const HEADER = 19;
const MP_HEADER = 4; // flags, type, 2-octet length

// One writer each for the attributes and the message being built, shared by every call: an
// initial table packs one group per attribute set (some 100,000), and a fresh 4 KiB buffer per
// group was a tenth of the packing time. Messages leave through finish(), which copies.
const ATTRIBUTE_WRITER = new Writer(256);
const MESSAGE_WRITER = new Writer(4096);

function maxLength(o: PackOptions): number {
  return o.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

function entrySize(length: number, addPath: boolean): number {
  return (addPath ? 4 : 0) + 1 + ((length + 7) >> 3);
}

function startMessage(w: Writer): number {
  w.length = 0;
  w.u32(0xffffffff).u32(0xffffffff).u32(0xffffffff).u32(0xffffffff);
  const at = w.reserve(2);
  w.u8(MessageType.UPDATE);
  return at;
}

function finishMessage(w: Writer, lengthAt: number, out: Uint8Array[]): void {
  w.patch16(lengthAt, w.length);
  out.push(w.finish());
}

/** How many entries from `i` fit in `room` bytes, and the bytes they take. */
function fill(list: EntryList, i: number, room: number, addPath: boolean): [number, number] {
  let end = i;
  let used = 0;
  while (end < list.count) {
    const s = entrySize(list.length(end), addPath);
    if (used + s > room) break;
    used += s;
    end++;
  }
  return [end, used];
}

/**
 * Packs announcements of `entries` (all of family `afi`) with attributes `attrs`. An IPv4 route
 * with a 16- or 32-octet next hop is packed in MP_REACH_NLRI (RFC 8950 §3), which needs
 * {@link PackOptions.extendedNextHop}.
 *
 * @throws RangeError when the attributes alone do not fit a message, or when the next hop does
 *   not fit the family on this session
 */
export function packAnnouncements(
  afi: 1 | 2,
  attrs: RouteAttributes,
  entries: readonly PackEntry[] | PackKeys,
  options: PackOptions,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const list = listOf(afi, entries);
  if (list.count === 0) return out;
  const addPath = options.addPathSend.has(afi);
  const nh = attrs.nextHop;
  const mp = !sendsNextHopAttribute(afi, nh.length, options);
  const attrW = ATTRIBUTE_WRITER;
  attrW.length = 0;
  writeRouteAttributes(
    attrs,
    { fourOctetAs: options.fourOctetAs, nextHop: mp ? 'omit' : 'attribute' },
    attrW,
  );
  const attrBytes = attrW.view(); // attrW is not written again until this call returns
  const mpFixed = mp ? MP_HEADER + 2 + 1 + 1 + nh.length + 1 : 0;
  const room = maxLength(options) - HEADER - 2 - 2 - attrBytes.length - mpFixed;
  if (room < entrySize(afi === Afi.IPV4 ? 32 : 128, addPath)) {
    throw new RangeError(`attributes of ${attrBytes.length} bytes leave no room for NLRI`);
  }
  const w = MESSAGE_WRITER;
  let i = 0;
  while (i < list.count) {
    const [end, used] = fill(list, i, room, addPath);
    const lengthAt = startMessage(w);
    w.u16(0); // no withdrawn routes
    const attrLenAt = w.reserve(2);
    w.bytes(attrBytes);
    if (!mp) {
      w.patch16(attrLenAt, attrBytes.length);
      for (let k = i; k < end; k++) list.write(w, k, addPath);
    } else {
      // MP_REACH_NLRI goes after the other attributes; it is not part of the interned set.
      w.u8(AttributeFlag.OPTIONAL | AttributeFlag.EXTENDED_LENGTH).u8(AttributeType.MP_REACH_NLRI);
      w.u16(mpFixed - MP_HEADER + used);
      w.u16(afi).u8(Safi.UNICAST).u8(nh.length).bytes(nh).u8(0);
      for (let k = i; k < end; k++) list.write(w, k, addPath);
      w.patch16(attrLenAt, attrBytes.length + mpFixed + used);
    }
    finishMessage(w, lengthAt, out);
    i = end;
  }
  return out;
}

/**
 * Whether routes of family `afi` with a next hop of `nextHopLength` octets go as NEXT_HOP + NLRI
 * (true) or in MP_REACH_NLRI (false).
 *
 * @throws RangeError when the next hop cannot be sent for the family on this session: IPv4 needs
 *   4 octets, or 16 / 32 with Extended Next Hop Encoding (RFC 8950 §3); IPv6 needs 16 or 32
 *   (RFC 2545 §3)
 */
function sendsNextHopAttribute(afi: 1 | 2, nextHopLength: number, options: PackOptions): boolean {
  if (afi === Afi.IPV4 && nextHopLength === 4) return true;
  if (!nextHopSendable(afi, nextHopLength, options.extendedNextHop ?? false)) {
    throw new RangeError(`a ${nextHopLength}-octet next hop cannot be sent for AFI ${afi}`);
  }
  return false;
}

/**
 * Whether a route of family `afi` with a next hop of `nextHopLength` octets can be sent: IPv4
 * needs 4 octets, or 16 / 32 (IPv6, with a link-local address after it) when the session
 * negotiated Extended Next Hop Encoding (RFC 8950); IPv6 needs 16 or 32 (RFC 2545 §3).
 */
export function nextHopSendable(
  afi: 1 | 2,
  nextHopLength: number,
  extendedNextHop: boolean,
): boolean {
  if (afi === Afi.IPV6) return nextHopLength === 16 || nextHopLength === 32;
  return nextHopLength === 4 || (extendedNextHop && (nextHopLength === 16 || nextHopLength === 32));
}

/** Packs withdrawals of `entries` (all of family `afi`). */
export function packWithdrawals(
  afi: 1 | 2,
  entries: readonly PackEntry[] | PackKeys,
  options: PackOptions,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const list = listOf(afi, entries);
  const addPath = options.addPathSend.has(afi);
  const mpFixed = afi === Afi.IPV6 ? MP_HEADER + 3 : 0;
  const room = maxLength(options) - HEADER - 2 - 2 - mpFixed;
  const w = MESSAGE_WRITER;
  let i = 0;
  while (i < list.count) {
    const [end, used] = fill(list, i, room, addPath);
    const lengthAt = startMessage(w);
    if (afi === Afi.IPV4) {
      w.u16(used);
      for (let k = i; k < end; k++) list.write(w, k, addPath);
      w.u16(0);
    } else {
      w.u16(0);
      w.u16(mpFixed + used);
      w.u8(AttributeFlag.OPTIONAL | AttributeFlag.EXTENDED_LENGTH).u8(
        AttributeType.MP_UNREACH_NLRI,
      );
      w.u16(3 + used);
      w.u16(Afi.IPV6).u8(Safi.UNICAST);
      for (let k = i; k < end; k++) list.write(w, k, addPath);
    }
    finishMessage(w, lengthAt, out);
    i = end;
  }
  return out;
}

/** The End-of-RIB marker of IPv4 or IPv6 unicast (RFC 4724 §2), as a whole message. */
export function endOfRibMessage(afi: 1 | 2): Uint8Array {
  const w = new Writer(32);
  const lengthAt = startMessage(w);
  w.u16(0);
  if (afi === Afi.IPV4) w.u16(0);
  else {
    w.u16(6);
    w.u8(AttributeFlag.OPTIONAL).u8(AttributeType.MP_UNREACH_NLRI).u8(3);
    w.u16(Afi.IPV6).u8(Safi.UNICAST);
  }
  const out: Uint8Array[] = [];
  finishMessage(w, lengthAt, out);
  return out[0]!;
}
