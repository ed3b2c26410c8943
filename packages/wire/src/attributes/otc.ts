/**
 * OTC, Only to Customer (type 35), optional transitive. RFC 9234 §5.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        AS number                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 9234 §5: a length other than 4 is malformed and handled as "treat-as-withdraw". The role
 * checks (leak detection, adding OTC on egress) are policy, not codec.
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import {
  type AttributeDescriptor,
  expectAttributeLength,
  OPTIONAL_TRANSITIVE_FLAGS,
} from './descriptor.js';
import type { OtcAttribute } from './types.js';

/** Descriptor of OTC. */
export const otcDescriptor: AttributeDescriptor<OtcAttribute> = {
  typeCode: AttributeType.OTC,
  name: 'OTC',
  flags: OPTIONAL_TRANSITIVE_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectAttributeLength(r, 4, 'OTC');
    return r.u32();
  },
  encode(value, _ctx, w) {
    w.u32(value);
  },
};
