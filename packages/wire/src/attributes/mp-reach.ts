/**
 * MP_REACH_NLRI (type 14), optional non-transitive. RFC 4760 §3; next hops per RFC 2545 §3
 * (IPv6 global + link-local) and RFC 8950 §3 (IPv4 NLRI with an IPv6 next hop).
 *
 * ```
 * +---------------------------------------------------------+
 * | Address Family Identifier (2 octets)                    |
 * +---------------------------------------------------------+
 * | Subsequent Address Family Identifier (1 octet)          |
 * +---------------------------------------------------------+
 * | Length of Next Hop Network Address (1 octet)            |
 * +---------------------------------------------------------+
 * | Network Address of Next Hop (variable)                  |
 * +---------------------------------------------------------+
 * | Reserved (1 octet)                                      |
 * +---------------------------------------------------------+
 * | Network Layer Reachability Information (variable)       |
 * +---------------------------------------------------------+
 * ```
 *
 * NLRI of IPv4/IPv6 unicast and multicast are decoded (with ADD-PATH path identifiers when
 * `ctx.addPath` holds the family); for every other family the next hop and NLRI are kept as
 * bytes and re-encoded unchanged.
 *
 * RFC 7606 §7.11 and §5.3: when the next hop length does not fit the family, or the NLRI cannot
 * be parsed, the NLRI cannot be located reliably, so the outcome is "session reset" (we do not
 * implement "AFI/SAFI disable").
 *
 * MRT (RFC 6396 §4.3.4) stores only the next hop length and next hop in RIB entries; the
 * `mrtAbbreviatedMpReach` decode option accepts that form.
 *
 * @module
 */
import { familyKey } from '../context.js';
import { UpdateMessageError } from '../errors.js';
import { Afi, AttributeType, UpdateMessageErrorSubcode } from '../iana.js';
import {
  decodeIpPrefixes,
  encodeIpPrefixes,
  isIpPrefixFamily,
  type NlriEntry,
} from '../nlri/ip-unicast.js';
import type { Reader } from '../reader.js';
import { type AttributeDescriptor, OPTIONAL_NON_TRANSITIVE_FLAGS } from './descriptor.js';
import type { MpReachAttribute, MpReachValue } from './types.js';

/**
 * Next hop lengths accepted for each parsed AFI: RFC 4760 §3, RFC 2545 §3 (IPv6 global, or global
 * + link-local), RFC 8950 §3 (IPv4 NLRI with an IPv6 next hop; accepted whether or not the
 * capability was seen, as many speakers send it that way).
 */
const NEXT_HOP_LENGTHS: Readonly<Record<number, readonly number[]>> = {
  [Afi.IPV4]: [4, 16, 32],
  [Afi.IPV6]: [16, 32],
};
/** With the extended next hop capability for the family, any of the address sizes is accepted. */
const EXTENDED_NEXT_HOP_LENGTHS: readonly number[] = [4, 16, 32];

function optionalError(reason: string): UpdateMessageError {
  return new UpdateMessageError(UpdateMessageErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR, reason);
}

function decodeAbbreviated(r: Reader): MpReachValue {
  const len = r.u8('next hop length');
  const nh = r.bytes(len, 'next hop').slice();
  // RFC 6396 §4.3.4 leaves the family to the RIB entry; guess it from the next hop size.
  const afi = len === 4 || len === 12 ? Afi.IPV4 : Afi.IPV6;
  const base = { afi, safi: 1, reserved: 0, nlri: [] as NlriEntry[], abbreviated: true };
  if (len === 32) return { ...base, nextHop: nh.slice(0, 16), linkLocalNextHop: nh.slice(16) };
  return { ...base, nextHop: nh };
}

/** Descriptor of MP_REACH_NLRI. */
export const mpReachDescriptor: AttributeDescriptor<MpReachAttribute> = {
  typeCode: AttributeType.MP_REACH_NLRI,
  name: 'MP_REACH_NLRI',
  flags: OPTIONAL_NON_TRANSITIVE_FLAGS,
  malformedAction: 'reset',
  decode(r, ctx, options) {
    if (options.mrtAbbreviatedMpReach && r.remaining >= 1 && r.buf[r.pos] === r.remaining - 1) {
      return decodeAbbreviated(r);
    }
    const afi = r.u16('AFI');
    const safi = r.u8('SAFI');
    const nhLen = r.u8('next hop length');
    const nh = r.bytes(nhLen, 'next hop');
    const reserved = r.u8('reserved octet');
    if (!isIpPrefixFamily(afi, safi)) {
      return { afi, safi, nextHop: nh.slice(), reserved, nlri: [], rawNlri: r.rest().slice() };
    }
    const accepted = ctx.extendedNextHop.has(familyKey(afi, safi))
      ? EXTENDED_NEXT_HOP_LENGTHS
      : NEXT_HOP_LENGTHS[afi]!;
    if (!accepted.includes(nhLen)) {
      throw optionalError(`MP_REACH_NLRI next hop length ${nhLen} does not fit AFI ${afi}`);
    }
    const nlri: NlriEntry[] = [];
    decodeIpPrefixes(
      r,
      afi as 1 | 2,
      ctx.addPath.has(familyKey(afi, safi)),
      nlri,
      UpdateMessageErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR,
    );
    if (nhLen === 32) {
      return {
        afi,
        safi,
        nextHop: nh.slice(0, 16),
        linkLocalNextHop: nh.slice(16, 32),
        reserved,
        nlri,
      };
    }
    return { afi, safi, nextHop: nh.slice(), reserved, nlri };
  },
  encode(value, ctx, w) {
    const nhLen = value.nextHop.length + (value.linkLocalNextHop?.length ?? 0);
    if (value.abbreviated) {
      w.u8(nhLen).bytes(value.nextHop);
      if (value.linkLocalNextHop) w.bytes(value.linkLocalNextHop);
      return;
    }
    w.u16(value.afi).u8(value.safi).u8(nhLen).bytes(value.nextHop);
    if (value.linkLocalNextHop) w.bytes(value.linkLocalNextHop);
    w.u8(value.reserved);
    if (value.rawNlri !== undefined) w.bytes(value.rawNlri);
    else encodeIpPrefixes(value.nlri, ctx.addPath.has(familyKey(value.afi, value.safi)), w);
  },
};
