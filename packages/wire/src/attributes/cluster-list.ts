/**
 * CLUSTER_LIST (type 10), optional non-transitive. RFC 4456 §8.
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          CLUSTER_ID 1                         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          ...                                  |
 * ```
 *
 * RFC 7606 §7.10: a length that is not a non-zero multiple of 4 is "treat-as-withdraw".
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import {
  type AttributeDescriptor,
  expectNonZeroMultipleLength,
  OPTIONAL_NON_TRANSITIVE_FLAGS,
} from './descriptor.js';
import type { ClusterListAttribute } from './types.js';

/** Descriptor of CLUSTER_LIST. */
export const clusterListDescriptor: AttributeDescriptor<ClusterListAttribute> = {
  typeCode: AttributeType.CLUSTER_LIST,
  name: 'CLUSTER_LIST',
  flags: OPTIONAL_NON_TRANSITIVE_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectNonZeroMultipleLength(r, 4, 'CLUSTER_LIST');
    const out: number[] = [];
    while (!r.done) out.push(r.u32());
    return out;
  },
  encode(value, _ctx, w) {
    for (const id of value) w.u32(id);
  },
};
