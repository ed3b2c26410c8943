/**
 * ADD-PATH capability (code 69). RFC 7911 §4.
 *
 * ```
 * +------------------------------------------------+
 * | Address Family Identifier (2 octets)           |
 * +------------------------------------------------+
 * | Subsequent Address Family Identifier (1 octet) |
 * +------------------------------------------------+
 * | Send/Receive (1 octet)                         |   1 receive, 2 send, 3 both
 * +------------------------------------------------+
 * | ...                                            |   (repeated; length is a multiple of 4)
 * +------------------------------------------------+
 * ```
 *
 * Send/Receive values other than 1-3 are kept as numbers: RFC 7911 §4 tells the receiver to
 * ignore such a family, which is a negotiation decision rather than a syntax error.
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import type { CapabilityDescriptor } from './descriptor.js';

/** One family's ADD-PATH mode. */
export interface AddPathFamily {
  /** Address family. */
  readonly afi: number;
  /** Subsequent address family. */
  readonly safi: number;
  /** An {@link AddPathMode} value (1 receive, 2 send, 3 both). */
  readonly mode: number;
}

/** ADD-PATH capability (RFC 7911). */
export interface AddPathCapability {
  /** {@link CapabilityCode.ADD_PATH}. */
  readonly code: typeof CapabilityCode.ADD_PATH;
  /** Registry name. */
  readonly name: 'ADD_PATH';
  /** Families in wire order. */
  readonly families: readonly AddPathFamily[];
}

/** Descriptor of the ADD-PATH capability. */
export const addPathDescriptor: CapabilityDescriptor<AddPathCapability> = {
  code: CapabilityCode.ADD_PATH,
  name: 'ADD_PATH',
  validLength: (n) => n % 4 === 0,
  decode(r) {
    const families: AddPathFamily[] = [];
    while (!r.done)
      families.push({ afi: r.u16('AFI'), safi: r.u8('SAFI'), mode: r.u8('Send/Receive') });
    return { code: CapabilityCode.ADD_PATH, name: 'ADD_PATH', families };
  },
  encode(c, w) {
    for (const f of c.families) w.u16(f.afi).u8(f.safi).u8(f.mode);
  },
};
