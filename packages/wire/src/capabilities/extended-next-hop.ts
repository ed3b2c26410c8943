/**
 * Extended Next Hop Encoding capability (code 5). RFC 8950 §3.
 *
 * ```
 * +-----------------------------------------------------+
 * | NLRI AFI - 1 (2 octets)                             |
 * +-----------------------------------------------------+
 * | NLRI SAFI - 1 (2 octets)                            |
 * +-----------------------------------------------------+
 * | Nexthop AFI - 1 (2 octets)                          |
 * +-----------------------------------------------------+
 * | .....                                               |   (repeated; length is a multiple of 6)
 * +-----------------------------------------------------+
 * ```
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import type { CapabilityDescriptor } from './descriptor.js';

/** One (NLRI family, next-hop AFI) pair. Note the SAFI is two octets here (RFC 8950 §3). */
export interface ExtendedNextHopEntry {
  /** NLRI address family. */
  readonly afi: number;
  /** NLRI subsequent address family (a 2-octet field in this capability). */
  readonly safi: number;
  /** Address family of the next hop the speaker can accept for that NLRI family. */
  readonly nextHopAfi: number;
}

/** Extended Next Hop Encoding capability (RFC 8950). */
export interface ExtendedNextHopCapability {
  /** {@link CapabilityCode.EXTENDED_NEXT_HOP}. */
  readonly code: typeof CapabilityCode.EXTENDED_NEXT_HOP;
  /** Registry name. */
  readonly name: 'EXTENDED_NEXT_HOP';
  /** Supported combinations, in wire order. */
  readonly entries: readonly ExtendedNextHopEntry[];
}

/** Descriptor of the Extended Next Hop Encoding capability. */
export const extendedNextHopDescriptor: CapabilityDescriptor<ExtendedNextHopCapability> = {
  code: CapabilityCode.EXTENDED_NEXT_HOP,
  name: 'EXTENDED_NEXT_HOP',
  validLength: (n) => n % 6 === 0,
  decode(r) {
    const entries: ExtendedNextHopEntry[] = [];
    while (!r.done) {
      entries.push({
        afi: r.u16('NLRI AFI'),
        safi: r.u16('NLRI SAFI'),
        nextHopAfi: r.u16('next hop AFI'),
      });
    }
    return { code: CapabilityCode.EXTENDED_NEXT_HOP, name: 'EXTENDED_NEXT_HOP', entries };
  },
  encode(c, w) {
    for (const e of c.entries) w.u16(e.afi).u16(e.safi).u16(e.nextHopAfi);
  },
};
