/**
 * MULTI_EXIT_DISC (type 4), optional non-transitive. RFC 4271 §5.1.4.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Multi Exit Discriminator                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 7606 §7.4: a length other than 4 is "treat-as-withdraw".
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import {
  type AttributeDescriptor,
  expectAttributeLength,
  OPTIONAL_NON_TRANSITIVE_FLAGS,
} from './descriptor.js';
import type { MultiExitDiscAttribute } from './types.js';

/** Descriptor of MULTI_EXIT_DISC. */
export const multiExitDiscDescriptor: AttributeDescriptor<MultiExitDiscAttribute> = {
  typeCode: AttributeType.MULTI_EXIT_DISC,
  name: 'MULTI_EXIT_DISC',
  flags: OPTIONAL_NON_TRANSITIVE_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectAttributeLength(r, 4, 'MULTI_EXIT_DISC');
    return r.u32();
  },
  encode(value, _ctx, w) {
    w.u32(value);
  },
};
