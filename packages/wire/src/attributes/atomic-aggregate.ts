/**
 * ATOMIC_AGGREGATE (type 6), well-known discretionary, with an empty value. RFC 4271 §5.1.6.
 *
 * RFC 7606 §7.6: a length other than 0 is "attribute discard".
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import { type AttributeDescriptor, expectAttributeLength, WELL_KNOWN_FLAGS } from './descriptor.js';
import type { AtomicAggregateAttribute } from './types.js';

/** Descriptor of ATOMIC_AGGREGATE. */
export const atomicAggregateDescriptor: AttributeDescriptor<AtomicAggregateAttribute> = {
  typeCode: AttributeType.ATOMIC_AGGREGATE,
  name: 'ATOMIC_AGGREGATE',
  flags: WELL_KNOWN_FLAGS,
  malformedAction: 'discard',
  decode(r) {
    expectAttributeLength(r, 0, 'ATOMIC_AGGREGATE');
    return true;
  },
  encode() {},
};
