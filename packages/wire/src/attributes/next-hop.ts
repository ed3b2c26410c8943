/**
 * NEXT_HOP (type 3), well-known mandatory when the UPDATE carries IPv4 NLRI. RFC 4271 §5.1.3.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IPv4 address                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 7606 §7.3: a length other than 4 is "treat-as-withdraw". Whether the address is usable
 * (martian, own address) is semantic and belongs to the session, not the codec.
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import { type AttributeDescriptor, expectAttributeLength, WELL_KNOWN_FLAGS } from './descriptor.js';
import type { NextHopAttribute } from './types.js';

/** Descriptor of NEXT_HOP. */
export const nextHopDescriptor: AttributeDescriptor<NextHopAttribute> = {
  typeCode: AttributeType.NEXT_HOP,
  name: 'NEXT_HOP',
  flags: WELL_KNOWN_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectAttributeLength(r, 4, 'NEXT_HOP');
    return r.bytes(4).slice();
  },
  encode(value, _ctx, w) {
    w.bytes(value);
  },
};
