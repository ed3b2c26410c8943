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
 * An NLRI entry is `[path id (4, ADD-PATH)] length (1) prefix (ceil(length / 8))`.
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
import type { RouteAttributes } from './route-attributes.js';

/** A prefix to pack, with its ADD-PATH path id (ignored unless the family sends path ids). */
export interface PackEntry {
  /** The prefix. */
  readonly prefix: Prefix;
  /** ADD-PATH path identifier. */
  readonly pathId: number;
}

/** What packing needs to know about the session. */
export interface PackOptions {
  /** Extended messages negotiated (RFC 8654): 65535 bytes, else 4096. */
  readonly extendedMessage: boolean;
  /** 4-octet AS negotiated (RFC 6793). */
  readonly fourOctetAs: boolean;
  /** Families (AFI 1, 2) whose NLRI carry ADD-PATH path ids outbound (RFC 7911). */
  readonly addPathSend: ReadonlySet<number>;
}

const HEADER = 19;
const MP_HEADER = 4; // flags, type, 2-octet length

function maxLength(o: PackOptions): number {
  return o.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

function entrySize(e: PackEntry, addPath: boolean): number {
  return (addPath ? 4 : 0) + 1 + ((e.prefix.length + 7) >> 3);
}

function writeEntry(w: Writer, e: PackEntry, addPath: boolean): void {
  if (addPath) w.u32(e.pathId);
  w.u8(e.prefix.length);
  w.bytes(e.prefix.address.subarray(0, (e.prefix.length + 7) >> 3));
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

/**
 * Packs announcements of `entries` (all of family `afi`) with attributes `attrs`.
 *
 * @throws RangeError when the attributes alone do not fit a message
 */
export function packAnnouncements(
  afi: 1 | 2,
  attrs: RouteAttributes,
  entries: readonly PackEntry[],
  options: PackOptions,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (entries.length === 0) return out;
  const addPath = options.addPathSend.has(afi);
  const attrW = new Writer(256);
  writeRouteAttributes(
    attrs,
    { fourOctetAs: options.fourOctetAs, nextHop: afi === Afi.IPV4 ? 'attribute' : 'omit' },
    attrW,
  );
  const attrBytes = attrW.finish();
  const nh = attrs.nextHop;
  const mpFixed = afi === Afi.IPV6 ? MP_HEADER + 2 + 1 + 1 + nh.length + 1 : 0;
  const room = maxLength(options) - HEADER - 2 - 2 - attrBytes.length - mpFixed;
  if (
    room <
    entrySize({ prefix: { afi, length: 128, address: new Uint8Array(16) }, pathId: 0 }, addPath)
  ) {
    throw new RangeError(`attributes of ${attrBytes.length} bytes leave no room for NLRI`);
  }
  const w = new Writer(Math.min(maxLength(options), 4096));
  let i = 0;
  while (i < entries.length) {
    let end = i;
    let used = 0;
    while (end < entries.length) {
      const s = entrySize(entries[end]!, addPath);
      if (used + s > room) break;
      used += s;
      end++;
    }
    const lengthAt = startMessage(w);
    w.u16(0); // no withdrawn routes
    const attrLenAt = w.reserve(2);
    w.bytes(attrBytes);
    if (afi === Afi.IPV4) {
      w.patch16(attrLenAt, attrBytes.length);
      for (let k = i; k < end; k++) writeEntry(w, entries[k]!, addPath);
    } else {
      // MP_REACH_NLRI goes after the other attributes; it is not part of the interned set.
      w.u8(AttributeFlag.OPTIONAL | AttributeFlag.EXTENDED_LENGTH).u8(AttributeType.MP_REACH_NLRI);
      w.u16(mpFixed - MP_HEADER + used);
      w.u16(Afi.IPV6).u8(Safi.UNICAST).u8(nh.length).bytes(nh).u8(0);
      for (let k = i; k < end; k++) writeEntry(w, entries[k]!, addPath);
      w.patch16(attrLenAt, attrBytes.length + mpFixed + used);
    }
    finishMessage(w, lengthAt, out);
    i = end;
  }
  return out;
}

/** Packs withdrawals of `entries` (all of family `afi`). */
export function packWithdrawals(
  afi: 1 | 2,
  entries: readonly PackEntry[],
  options: PackOptions,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  const addPath = options.addPathSend.has(afi);
  const mpFixed = afi === Afi.IPV6 ? MP_HEADER + 3 : 0;
  const room = maxLength(options) - HEADER - 2 - 2 - mpFixed;
  const w = new Writer(Math.min(maxLength(options), 4096));
  let i = 0;
  while (i < entries.length) {
    let end = i;
    let used = 0;
    while (end < entries.length) {
      const s = entrySize(entries[end]!, addPath);
      if (used + s > room) break;
      used += s;
      end++;
    }
    const lengthAt = startMessage(w);
    if (afi === Afi.IPV4) {
      w.u16(used);
      for (let k = i; k < end; k++) writeEntry(w, entries[k]!, addPath);
      w.u16(0);
    } else {
      w.u16(0);
      w.u16(mpFixed + used);
      w.u8(AttributeFlag.OPTIONAL | AttributeFlag.EXTENDED_LENGTH).u8(
        AttributeType.MP_UNREACH_NLRI,
      );
      w.u16(3 + used);
      w.u16(Afi.IPV6).u8(Safi.UNICAST);
      for (let k = i; k < end; k++) writeEntry(w, entries[k]!, addPath);
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
