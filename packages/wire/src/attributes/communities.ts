/**
 * COMMUNITIES (type 8), optional transitive. RFC 1997.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        AS number (high half)  |        value (low half)       |   repeated
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 7606 §7.8: a length that is not a non-zero multiple of 4 is "treat-as-withdraw".
 *
 * @module
 */
import { AttributeType, WellKnownCommunityName } from '../iana.js';
import {
  type AttributeDescriptor,
  expectNonZeroMultipleLength,
  OPTIONAL_TRANSITIVE_FLAGS,
} from './descriptor.js';
import type { CommunitiesAttribute } from './types.js';

/** Descriptor of COMMUNITIES. */
export const communitiesDescriptor: AttributeDescriptor<CommunitiesAttribute> = {
  typeCode: AttributeType.COMMUNITIES,
  name: 'COMMUNITIES',
  flags: OPTIONAL_TRANSITIVE_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectNonZeroMultipleLength(r, 4, 'COMMUNITIES');
    const out: number[] = [];
    while (!r.done) out.push(r.u32());
    return out;
  },
  encode(value, _ctx, w) {
    for (const c of value) w.u32(c);
  },
};

/**
 * Registry name of a well-known community (IANA "BGP Well-known Communities"), such as
 * `"NO_EXPORT"` for 0xFFFFFF01, or `undefined` for an ordinary one.
 */
export function wellKnownCommunityName(community: number): string | undefined {
  return WellKnownCommunityName.get(community >>> 0);
}

/** Builds a community value from its AS and value halves. */
export function makeCommunity(asn: number, value: number): number {
  return ((asn & 0xffff) * 0x10000 + (value & 0xffff)) >>> 0;
}
