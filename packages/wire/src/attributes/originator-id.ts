/**
 * ORIGINATOR_ID (type 9), optional non-transitive. RFC 4456 §8.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   BGP Identifier of the originator            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 7606 §7.9: a length other than 4 is "treat-as-withdraw".
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import {
  type AttributeDescriptor,
  expectAttributeLength,
  OPTIONAL_NON_TRANSITIVE_FLAGS,
} from './descriptor.js';
import type { OriginatorIdAttribute } from './types.js';

/** Descriptor of ORIGINATOR_ID. */
export const originatorIdDescriptor: AttributeDescriptor<OriginatorIdAttribute> = {
  typeCode: AttributeType.ORIGINATOR_ID,
  name: 'ORIGINATOR_ID',
  flags: OPTIONAL_NON_TRANSITIVE_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectAttributeLength(r, 4, 'ORIGINATOR_ID');
    return r.u32();
  },
  encode(value, _ctx, w) {
    w.u32(value);
  },
};
