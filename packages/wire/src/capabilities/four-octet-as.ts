/**
 * Support for 4-octet AS Number capability (code 65). RFC 6793 §3.
 *
 * ```
 * +---------------------------------+
 * | 4-octet AS number (4 octets)    |
 * +---------------------------------+
 * ```
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import type { CapabilityDescriptor } from './descriptor.js';

/** Support for 4-octet AS Number capability (RFC 6793): carries the speaker's real ASN. */
export interface FourOctetAsCapability {
  /** {@link CapabilityCode.FOUR_OCTET_AS}. */
  readonly code: typeof CapabilityCode.FOUR_OCTET_AS;
  /** Registry name. */
  readonly name: 'FOUR_OCTET_AS';
  /** The speaker's autonomous system number (u32). */
  readonly asn: number;
}

/** Descriptor of the 4-octet AS capability. */
export const fourOctetAsDescriptor: CapabilityDescriptor<FourOctetAsCapability> = {
  code: CapabilityCode.FOUR_OCTET_AS,
  name: 'FOUR_OCTET_AS',
  validLength: (n) => n === 4,
  decode: (r) => ({ code: CapabilityCode.FOUR_OCTET_AS, name: 'FOUR_OCTET_AS', asn: r.u32('ASN') }),
  encode(c, w) {
    w.u32(c.asn);
  },
};

/** Builds a 4-octet AS capability. */
export function fourOctetAs(asn: number): FourOctetAsCapability {
  return { code: CapabilityCode.FOUR_OCTET_AS, name: 'FOUR_OCTET_AS', asn };
}
