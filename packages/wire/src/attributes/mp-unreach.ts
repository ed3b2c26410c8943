/**
 * MP_UNREACH_NLRI (type 15), optional non-transitive. RFC 4760 §4.
 *
 * ```
 * +---------------------------------------------------------+
 * | Address Family Identifier (2 octets)                    |
 * +---------------------------------------------------------+
 * | Subsequent Address Family Identifier (1 octet)          |
 * +---------------------------------------------------------+
 * | Withdrawn Routes (variable)                             |
 * +---------------------------------------------------------+
 * ```
 *
 * With no withdrawn routes it is the End-of-RIB marker of its family (RFC 4724 §2). Withdrawn
 * routes of families not parsed here stay bytes. RFC 7606 §5.3: routes that cannot be parsed
 * mean "session reset".
 *
 * @module
 */
import { familyKey } from '../context.js';
import { AttributeType, UpdateMessageErrorSubcode } from '../iana.js';
import {
  decodeIpPrefixes,
  encodeIpPrefixes,
  isIpPrefixFamily,
  type NlriEntry,
} from '../nlri/ip-unicast.js';
import { type AttributeDescriptor, OPTIONAL_NON_TRANSITIVE_FLAGS } from './descriptor.js';
import type { MpUnreachAttribute } from './types.js';

/** Descriptor of MP_UNREACH_NLRI. */
export const mpUnreachDescriptor: AttributeDescriptor<MpUnreachAttribute> = {
  typeCode: AttributeType.MP_UNREACH_NLRI,
  name: 'MP_UNREACH_NLRI',
  flags: OPTIONAL_NON_TRANSITIVE_FLAGS,
  malformedAction: 'reset',
  decode(r, ctx) {
    const afi = r.u16('AFI');
    const safi = r.u8('SAFI');
    if (!isIpPrefixFamily(afi, safi)) {
      return { afi, safi, withdrawn: [], rawNlri: r.rest().slice() };
    }
    const withdrawn: NlriEntry[] = [];
    decodeIpPrefixes(
      r,
      afi as 1 | 2,
      ctx.addPath.has(familyKey(afi, safi)),
      withdrawn,
      UpdateMessageErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR,
    );
    return { afi, safi, withdrawn };
  },
  encode(value, ctx, w) {
    w.u16(value.afi).u8(value.safi);
    if (value.rawNlri !== undefined) w.bytes(value.rawNlri);
    else encodeIpPrefixes(value.withdrawn, ctx.addPath.has(familyKey(value.afi, value.safi)), w);
  },
};
