/**
 * ORIGIN (type 1), well-known mandatory. RFC 4271 §4.3 (a), §5.1.1.
 *
 * ```
 *  0
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |    Origin     |   0 IGP, 1 EGP, 2 INCOMPLETE
 * +-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 7606 §7.1: a length other than 1 or an undefined value is "treat-as-withdraw".
 *
 * @module
 */
import { UpdateMessageError } from '../errors.js';
import { AttributeType, UpdateMessageErrorSubcode } from '../iana.js';
import { type AttributeDescriptor, expectAttributeLength, WELL_KNOWN_FLAGS } from './descriptor.js';
import type { OriginAttribute } from './types.js';

/** Descriptor of ORIGIN. */
export const originDescriptor: AttributeDescriptor<OriginAttribute> = {
  typeCode: AttributeType.ORIGIN,
  name: 'ORIGIN',
  flags: WELL_KNOWN_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectAttributeLength(r, 1, 'ORIGIN');
    const v = r.u8();
    // RFC 4271 §6.3: an undefined ORIGIN value is an Invalid ORIGIN Attribute error.
    if (v > 2) {
      throw new UpdateMessageError(
        UpdateMessageErrorSubcode.INVALID_ORIGIN_ATTRIBUTE,
        `ORIGIN value ${v} is undefined`,
      );
    }
    return v;
  },
  encode(value, _ctx, w) {
    w.u8(value);
  },
};
