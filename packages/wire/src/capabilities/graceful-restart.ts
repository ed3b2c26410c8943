/**
 * Graceful Restart capability (code 64). RFC 4724 §3, with the N bit of RFC 8538 §2.
 *
 * ```
 *  0   1   2   3   4                                           15
 * +---+---+---+---+-----------------------------------------------+
 * | R | N | reserved | Restart Time in seconds (12 bits)          |
 * +---+---+---+---+-----------------------------------------------+
 * | AFI (16 bits)                                                 |
 * +-------------------------------+-------------------------------+
 * | SAFI (8 bits)                 | F | reserved (7 bits)         |
 * +-------------------------------+-------------------------------+
 * | ...                           (AFI/SAFI/flags repeated)       |
 * +---------------------------------------------------------------+
 * ```
 *
 * The length is 2 + 4 × (number of families). Reserved bits are kept (only when non-zero) so
 * that re-encoding reproduces the received bytes.
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import type { CapabilityDescriptor } from './descriptor.js';

/** One family preserved across a restart. */
export interface GracefulRestartFamily {
  /** Address family. */
  readonly afi: number;
  /** Subsequent address family. */
  readonly safi: number;
  /** F bit: forwarding state for this family was preserved across the restart (RFC 4724 §3). */
  readonly forwardingState: boolean;
  /** The 7 reserved flag bits, present only when non-zero. */
  readonly reservedFlags?: number;
}

/** Graceful Restart capability (RFC 4724, RFC 8538). */
export interface GracefulRestartCapability {
  /** {@link CapabilityCode.GRACEFUL_RESTART}. */
  readonly code: typeof CapabilityCode.GRACEFUL_RESTART;
  /** Registry name. */
  readonly name: 'GRACEFUL_RESTART';
  /** R bit: the speaker has restarted (RFC 4724 §3). */
  readonly restartState: boolean;
  /** N bit: the speaker supports graceful restart for NOTIFICATION messages (RFC 8538 §2). */
  readonly notification: boolean;
  /** Restart Time in seconds (12 bits). */
  readonly restartTime: number;
  /** Families in wire order. */
  readonly families: readonly GracefulRestartFamily[];
  /** The two reserved Restart Flags bits, present only when non-zero. */
  readonly reservedFlags?: number;
}

const R_BIT = 0x8;
const N_BIT = 0x4;
const F_BIT = 0x80;

/** Descriptor of the Graceful Restart capability. */
export const gracefulRestartDescriptor: CapabilityDescriptor<GracefulRestartCapability> = {
  code: CapabilityCode.GRACEFUL_RESTART,
  name: 'GRACEFUL_RESTART',
  validLength: (n) => n >= 2 && (n - 2) % 4 === 0,
  decode(r) {
    const word = r.u16('Restart Flags and Time');
    const flags = word >>> 12;
    const families: GracefulRestartFamily[] = [];
    while (!r.done) {
      const afi = r.u16('AFI');
      const safi = r.u8('SAFI');
      const f = r.u8('Flags for Address Family');
      const forwardingState = (f & F_BIT) !== 0;
      const reservedFlags = f & ~F_BIT;
      families.push(
        reservedFlags === 0
          ? { afi, safi, forwardingState }
          : { afi, safi, forwardingState, reservedFlags },
      );
    }
    const reservedFlags = flags & ~(R_BIT | N_BIT);
    const base: GracefulRestartCapability = {
      code: CapabilityCode.GRACEFUL_RESTART,
      name: 'GRACEFUL_RESTART',
      restartState: (flags & R_BIT) !== 0,
      notification: (flags & N_BIT) !== 0,
      restartTime: word & 0x0fff,
      families,
    };
    return reservedFlags === 0 ? base : { ...base, reservedFlags };
  },
  encode(c, w) {
    const flags =
      (c.restartState ? R_BIT : 0) | (c.notification ? N_BIT : 0) | ((c.reservedFlags ?? 0) & 0x3);
    w.u16((flags << 12) | (c.restartTime & 0x0fff));
    for (const f of c.families) {
      w.u16(f.afi)
        .u8(f.safi)
        .u8((f.forwardingState ? F_BIT : 0) | ((f.reservedFlags ?? 0) & 0x7f));
    }
  },
};
