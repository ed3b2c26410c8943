/**
 * BGP Role capability (code 9). RFC 9234 §4.1.
 *
 * ```
 * +--------------------+
 * | Role (1 octet)     |   0 Provider, 1 RS, 2 RS-Client, 3 Customer, 4 Peer
 * +--------------------+
 * ```
 *
 * RFC 9234 §4.1: the length MUST be 1. Unassigned role values decode as numbers; checking the
 * pair of roles (and sending Role Mismatch, 2/11) is the session's job.
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import type { CapabilityDescriptor } from './descriptor.js';

/** BGP Role capability (RFC 9234). */
export interface BgpRoleCapability {
  /** {@link CapabilityCode.BGP_ROLE}. */
  readonly code: typeof CapabilityCode.BGP_ROLE;
  /** Registry name. */
  readonly name: 'BGP_ROLE';
  /** A {@link BgpRole} value. */
  readonly role: number;
}

/** Descriptor of the BGP Role capability. */
export const bgpRoleDescriptor: CapabilityDescriptor<BgpRoleCapability> = {
  code: CapabilityCode.BGP_ROLE,
  name: 'BGP_ROLE',
  validLength: (n) => n === 1,
  decode: (r) => ({ code: CapabilityCode.BGP_ROLE, name: 'BGP_ROLE', role: r.u8('role') }),
  encode(c, w) {
    w.u8(c.role);
  },
};
