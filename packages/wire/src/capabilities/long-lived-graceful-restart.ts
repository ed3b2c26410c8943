/**
 * Long-Lived Graceful Restart capability (code 71). RFC 9494 §3.1.
 *
 * ```
 * +--------------------------------------------------+
 * | Address Family Identifier (16 bits)              |
 * +--------------------------------------------------+
 * | Subsequent Address Family Identifier (8 bits)    |
 * +--------------------------------------------------+
 * | F | reserved (7 bits)                            |
 * +--------------------------------------------------+
 * | Long-lived Stale Time (24 bits)                  |
 * +--------------------------------------------------+
 * | ...                  (repeated; 7 octets each)   |
 * +--------------------------------------------------+
 * ```
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import type { CapabilityDescriptor } from './descriptor.js';

/** One family kept as long-lived stale routes. */
export interface LongLivedGracefulRestartFamily {
  /** Address family. */
  readonly afi: number;
  /** Subsequent address family. */
  readonly safi: number;
  /** F bit: forwarding state was preserved. */
  readonly forwardingState: boolean;
  /** Long-lived Stale Time in seconds (24 bits). */
  readonly staleTime: number;
  /** The 7 reserved flag bits, present only when non-zero. */
  readonly reservedFlags?: number;
}

/** Long-Lived Graceful Restart capability (RFC 9494). */
export interface LongLivedGracefulRestartCapability {
  /** {@link CapabilityCode.LONG_LIVED_GRACEFUL_RESTART}. */
  readonly code: typeof CapabilityCode.LONG_LIVED_GRACEFUL_RESTART;
  /** Registry name. */
  readonly name: 'LONG_LIVED_GRACEFUL_RESTART';
  /** Families in wire order. */
  readonly families: readonly LongLivedGracefulRestartFamily[];
}

const F_BIT = 0x80;

/** Descriptor of the Long-Lived Graceful Restart capability. */
export const longLivedGracefulRestartDescriptor: CapabilityDescriptor<LongLivedGracefulRestartCapability> =
  {
    code: CapabilityCode.LONG_LIVED_GRACEFUL_RESTART,
    name: 'LONG_LIVED_GRACEFUL_RESTART',
    validLength: (n) => n % 7 === 0,
    decode(r) {
      const families: LongLivedGracefulRestartFamily[] = [];
      while (!r.done) {
        const afi = r.u16('AFI');
        const safi = r.u8('SAFI');
        const f = r.u8('flags');
        const staleTime = (r.u8('stale time') << 16) | r.u16('stale time');
        const forwardingState = (f & F_BIT) !== 0;
        const reservedFlags = f & ~F_BIT;
        families.push(
          reservedFlags === 0
            ? { afi, safi, forwardingState, staleTime }
            : { afi, safi, forwardingState, staleTime, reservedFlags },
        );
      }
      return {
        code: CapabilityCode.LONG_LIVED_GRACEFUL_RESTART,
        name: 'LONG_LIVED_GRACEFUL_RESTART',
        families,
      };
    },
    encode(c, w) {
      for (const f of c.families) {
        w.u16(f.afi)
          .u8(f.safi)
          .u8((f.forwardingState ? F_BIT : 0) | ((f.reservedFlags ?? 0) & 0x7f))
          .u8(f.staleTime >>> 16)
          .u16(f.staleTime & 0xffff);
      }
    },
  };
