/**
 * The bounds-checked cursor for MRT record bodies, and address helpers the record codecs share.
 *
 * @module
 */
import { MrtFormatError } from '../errors.js';
import { Afi } from '../iana.js';
import { Reader } from '../reader.js';

/**
 * A {@link Reader} over one MRT record body whose short reads throw {@link MrtFormatError}.
 *
 * `Reader` wants a factory of `BgpError`s because a short BGP field is a NOTIFICATION; a short
 * MRT record is not, so this factory throws the MRT error itself (its `never` return type fits
 * the signature) and the record loop turns it into an error record.
 *
 * @param body - record body
 * @param offset - byte offset of the record in the stream, for the error
 * @param what - record kind, for the message
 */
export function mrtReader(body: Uint8Array, offset: number, what: string): Reader {
  return new Reader(body, (field, needed, available) => {
    throw new MrtFormatError(
      `${what} record truncated: ${field} needs ${needed} bytes, ${available} left`,
      offset,
    );
  });
}

/** Address length for an AFI, or a format error for another family. */
export function addressLength(afi: number, offset: number, what: string): 4 | 16 {
  if (afi === Afi.IPV4) return 4;
  if (afi === Afi.IPV6) return 16;
  throw new MrtFormatError(`${what}: address family ${afi} is neither IPv4 nor IPv6`, offset);
}
