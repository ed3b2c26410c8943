/**
 * LOCAL_PREF (type 5), well-known, sent only to internal peers. RFC 4271 §5.1.5.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Local Preference                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * RFC 7606 §7.5: a length other than 4 is "treat-as-withdraw". A LOCAL_PREF from an external
 * peer is to be discarded (same section), but that depends on the session and is left to it.
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import { type AttributeDescriptor, expectAttributeLength, WELL_KNOWN_FLAGS } from './descriptor.js';
import type { LocalPrefAttribute } from './types.js';

/** Descriptor of LOCAL_PREF. */
export const localPrefDescriptor: AttributeDescriptor<LocalPrefAttribute> = {
  typeCode: AttributeType.LOCAL_PREF,
  name: 'LOCAL_PREF',
  flags: WELL_KNOWN_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectAttributeLength(r, 4, 'LOCAL_PREF');
    return r.u32();
  },
  encode(value, _ctx, w) {
    w.u32(value);
  },
};
