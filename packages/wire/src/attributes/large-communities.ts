/**
 * LARGE_COMMUNITY (type 32), optional transitive. RFC 8092 §3.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Global Administrator                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Local Data Part 1                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Local Data Part 2                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 8092 §6: a length that is not a non-zero multiple of 12 is "treat-as-withdraw".
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import {
  type AttributeDescriptor,
  expectNonZeroMultipleLength,
  OPTIONAL_TRANSITIVE_FLAGS,
} from './descriptor.js';
import type { LargeCommunity, LargeCommunityAttribute } from './types.js';

/** Descriptor of LARGE_COMMUNITY. */
export const largeCommunityDescriptor: AttributeDescriptor<LargeCommunityAttribute> = {
  typeCode: AttributeType.LARGE_COMMUNITY,
  name: 'LARGE_COMMUNITY',
  flags: OPTIONAL_TRANSITIVE_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectNonZeroMultipleLength(r, 12, 'LARGE_COMMUNITY');
    const out: LargeCommunity[] = [];
    while (!r.done) out.push({ globalAdmin: r.u32(), localData1: r.u32(), localData2: r.u32() });
    return out;
  },
  encode(value, _ctx, w) {
    for (const c of value) w.u32(c.globalAdmin).u32(c.localData1).u32(c.localData2);
  },
};
