/**
 * IPv4 / IPv6 prefix NLRI, with and without ADD-PATH path identifiers.
 *
 * One encoding serves the UPDATE Withdrawn Routes and NLRI fields (RFC 4271 §4.3) and the NLRI
 * of MP_REACH_NLRI / MP_UNREACH_NLRI for AFI 1 and 2 with SAFI 1 or 2 (RFC 4760 §5):
 *
 * ```
 *  +---------------------------+
 *  | Path Identifier (4 octets)|   only when ADD-PATH is negotiated for the family (RFC 7911 §3)
 *  +---------------------------+
 *  | Length (1 octet, bits)    |
 *  +---------------------------+
 *  | Prefix (ceil(Length/8))   |   trailing bits of the last octet are irrelevant
 *  +---------------------------+
 * ```
 *
 * @module
 */
import { UpdateMessageError } from '../errors.js';
import { Afi, UpdateMessageErrorSubcode } from '../iana.js';
import type { Prefix } from '../prefix.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

/** One announced or withdrawn prefix. */
export interface NlriEntry {
  /** The prefix, host bits cleared. */
  readonly prefix: Prefix;
  /** ADD-PATH path identifier (RFC 7911), present when the family negotiated ADD-PATH. */
  readonly pathId?: number;
  /**
   * The prefix octets exactly as received, kept only when they had bits set past the length
   * (RFC 4271 §4.3 says those bits are irrelevant, but a lossless re-encode must repeat them).
   * Ignored on encode unless it masks to `prefix.address`.
   */
  readonly wireBytes?: Uint8Array;
}

/** True for the families whose NLRI this module decodes: AFI IPv4/IPv6 with SAFI unicast or multicast. */
export function isIpPrefixFamily(afi: number, safi: number): boolean {
  return (afi === 1 || afi === 2) && (safi === 1 || safi === 2);
}

/** Builds the error for an NLRI field that cannot be parsed, with the given UPDATE subcode. */
function badNlri(subcode: number, reason: string): UpdateMessageError {
  return new UpdateMessageError(subcode, reason);
}

/**
 * Decodes the prefixes in `r` (to its end) and appends them to `out`.
 *
 * RFC 4271 §6.3 / RFC 7606 §5.3: a length past the address size or a prefix running past the
 * field is a syntax error that makes the rest of the field unreadable; it is thrown (the caller
 * decides the subcode: INVALID_NETWORK_FIELD for the UPDATE fields, OPTIONAL_ATTRIBUTE_ERROR
 * inside MP_REACH/MP_UNREACH).
 *
 * @param r - reader over exactly the NLRI bytes
 * @param afi - 1 (IPv4) or 2 (IPv6)
 * @param addPath - a 4-octet path identifier precedes each prefix
 * @param out - receives the entries
 * @param subcode - UPDATE error subcode for a syntax error
 */
export function decodeIpPrefixes(
  r: Reader,
  afi: 1 | 2,
  addPath: boolean,
  out: NlriEntry[],
  subcode: number = UpdateMessageErrorSubcode.INVALID_NETWORK_FIELD,
): void {
  const size = afi === Afi.IPV4 ? 4 : 16;
  const buf = r.buf;
  while (r.pos < r.end) {
    let pathId: number | undefined;
    if (addPath) {
      if (r.end - r.pos < 5) throw badNlri(subcode, 'ADD-PATH NLRI shorter than path id + length');
      pathId = r.u32();
    }
    const length = r.u8();
    if (length > size * 8) throw badNlri(subcode, `prefix length ${length} exceeds ${size * 8}`);
    const n = (length + 7) >> 3;
    if (n > r.end - r.pos) throw badNlri(subcode, `prefix /${length} runs past the NLRI field`);
    const address = new Uint8Array(size);
    const p = r.pos;
    for (let i = 0; i < n; i++) address[i] = buf[p + i]!;
    r.pos = p + n;
    let wireBytes: Uint8Array | undefined;
    const rem = length & 7;
    if (rem !== 0) {
      const last = address[n - 1]!;
      const masked = last & (0xff << (8 - rem));
      if (masked !== last) {
        // Keep the octets as sent so that re-encoding is byte-exact; the prefix itself is masked.
        wireBytes = address.slice(0, n);
        address[n - 1] = masked;
      }
    }
    const prefix: Prefix = { afi, length, address };
    out.push(
      pathId === undefined
        ? wireBytes === undefined
          ? { prefix }
          : { prefix, wireBytes }
        : wireBytes === undefined
          ? { prefix, pathId }
          : { prefix, pathId, wireBytes },
    );
  }
}

/** True when `wire` masks to the first octets of `address` at `length` bits. */
function wireMatches(wire: Uint8Array, address: Uint8Array, length: number): boolean {
  const n = (length + 7) >> 3;
  if (wire.length !== n) return false;
  for (let i = 0; i < n - 1; i++) if (wire[i] !== address[i]) return false;
  if (n === 0) return true;
  const rem = length & 7;
  const mask = rem === 0 ? 0xff : (0xff << (8 - rem)) & 0xff;
  return (wire[n - 1]! & mask) === address[n - 1];
}

/**
 * Encodes prefixes in the NLRI format. With `addPath`, an entry without `pathId` is sent with
 * path identifier 0.
 */
export function encodeIpPrefixes(entries: readonly NlriEntry[], addPath: boolean, w: Writer): void {
  for (const e of entries) {
    if (addPath) w.u32(e.pathId ?? 0);
    const { length, address } = e.prefix;
    w.u8(length);
    const n = (length + 7) >> 3;
    const wire = e.wireBytes;
    if (wire !== undefined && wireMatches(wire, address, length)) {
      w.bytes(wire);
    } else {
      w.bytes(address.subarray(0, n));
    }
  }
}
