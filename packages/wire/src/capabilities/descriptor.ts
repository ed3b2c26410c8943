/**
 * The shape of a capability codec, and the errors capability decoders throw.
 *
 * Capabilities (RFC 5492 §4) are TLVs inside the Capabilities optional parameter of an OPEN:
 *
 * ```
 * +------------------------------+
 * | Capability Code (1 octet)    |
 * +------------------------------+
 * | Capability Length (1 octet)  |
 * +------------------------------+
 * | Capability Value (variable)  |
 * ~                              ~
 * +------------------------------+
 * ```
 *
 * Each known code has a {@link CapabilityDescriptor}; the table lives in `capability.ts`.
 *
 * @module
 */
import { OpenMessageError } from '../errors.js';
import { OpenMessageErrorSubcode } from '../iana.js';
import { Reader } from '../reader.js';
import type { Writer } from '../writer.js';

/** Codec of one capability code. */
export interface CapabilityDescriptor<C> {
  /** Capability code (IANA "Capability Codes"). */
  readonly code: number;
  /** Registry name, also the `name` of decoded values. */
  readonly name: string;
  /** True when `length` is a legal value length for this capability. */
  validLength(length: number): boolean;
  /** Decodes the value; `r` spans exactly the value and must be consumed entirely. */
  decode(r: Reader): C;
  /** Writes the value (not the code and length octets). */
  encode(c: C, w: Writer): void;
}

/**
 * A malformed known capability: RFC 4271 §6.2 says a recognised but malformed optional
 * parameter is an OPEN Message Error with subcode 0 (Unspecific). The data field carries the
 * whole capability TLV, which RFC 4271 leaves unspecified but operators find useful.
 *
 * @param why - reason
 * @param tlv - the capability's code, length and value octets
 */
export function malformedCapability(
  why: string,
  tlv: Uint8Array = new Uint8Array(0),
): OpenMessageError {
  return new OpenMessageError(
    OpenMessageErrorSubcode.UNSPECIFIC,
    `malformed capability: ${why}`,
    tlv,
  );
}

/** A reader over a capability value whose short reads become {@link malformedCapability}. */
export function capabilityReader(value: Uint8Array): Reader {
  return new Reader(value, (what, needed, available) =>
    malformedCapability(`${what}: needed ${needed} octets, ${available} left`),
  );
}
