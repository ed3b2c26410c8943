/**
 * Multiprotocol Extensions capability (code 1). RFC 4760 §8.
 *
 * ```
 *  0       7      15      23      31
 * +-------+-------+-------+-------+
 * |      AFI      | Res.  | SAFI  |
 * +-------+-------+-------+-------+
 * ```
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import type { CapabilityDescriptor } from './descriptor.js';

/** One address family the speaker can exchange (RFC 4760 §8). */
export interface MultiprotocolCapability {
  /** {@link CapabilityCode.MULTIPROTOCOL}. */
  readonly code: typeof CapabilityCode.MULTIPROTOCOL;
  /** Registry name. */
  readonly name: 'MULTIPROTOCOL';
  /** Address family identifier. */
  readonly afi: number;
  /** Subsequent address family identifier. */
  readonly safi: number;
  /**
   * The reserved octet, present only when a peer sent it non-zero. RFC 4760 §8 says the
   * receiver ignores it; it is kept so that re-encoding is byte-identical.
   */
  readonly reserved?: number;
}

/** Descriptor of the Multiprotocol Extensions capability. */
export const multiprotocolDescriptor: CapabilityDescriptor<MultiprotocolCapability> = {
  code: CapabilityCode.MULTIPROTOCOL,
  name: 'MULTIPROTOCOL',
  validLength: (n) => n === 4,
  decode(r) {
    const afi = r.u16('AFI');
    const reserved = r.u8('reserved');
    const safi = r.u8('SAFI');
    return reserved === 0
      ? { code: CapabilityCode.MULTIPROTOCOL, name: 'MULTIPROTOCOL', afi, safi }
      : { code: CapabilityCode.MULTIPROTOCOL, name: 'MULTIPROTOCOL', afi, safi, reserved };
  },
  encode(c, w) {
    w.u16(c.afi)
      .u8(c.reserved ?? 0)
      .u8(c.safi);
  },
};

/** Builds a Multiprotocol Extensions capability for one family. */
export function multiprotocol(afi: number, safi: number): MultiprotocolCapability {
  return { code: CapabilityCode.MULTIPROTOCOL, name: 'MULTIPROTOCOL', afi, safi };
}
