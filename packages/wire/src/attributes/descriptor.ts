/**
 * The shape of one path attribute codec, as registered in the descriptor table.
 *
 * A descriptor names the attribute, gives the Optional/Transitive bits it must carry, decodes its
 * value, encodes it back, and states the RFC 7606 outcome when the value is malformed. Decoders
 * read through a bounds-checked {@link Reader} limited to the value, so a value that is too short
 * becomes an Attribute Length Error (RFC 4271 §6.3) rather than a read past the end.
 *
 * @module
 */
import type { CodecContext } from '../context.js';
import { type ErrorAction, UpdateMessageError } from '../errors.js';
import { AttributeFlag, UpdateMessageErrorSubcode } from '../iana.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import type { AttributeDecodeOptions, TypedAttribute } from './types.js';

/** Expected Optional/Transitive bits of a well-known attribute (RFC 4271 §5). */
export const WELL_KNOWN_FLAGS = AttributeFlag.TRANSITIVE;
/** Expected Optional/Transitive bits of an optional transitive attribute. */
export const OPTIONAL_TRANSITIVE_FLAGS = AttributeFlag.OPTIONAL | AttributeFlag.TRANSITIVE;
/** Expected Optional/Transitive bits of an optional non-transitive attribute. */
export const OPTIONAL_NON_TRANSITIVE_FLAGS = AttributeFlag.OPTIONAL;

/** A codec for one path attribute type. */
export interface AttributeDescriptor<A extends TypedAttribute = TypedAttribute> {
  /** Type code (IANA "BGP Path Attributes"). */
  readonly typeCode: A['typeCode'];
  /** Registry name. */
  readonly name: string;
  /** Expected Optional and Transitive bits (compared under mask 0xC0). */
  readonly flags: number;
  /** RFC 7606 outcome when the value is malformed (and, at least `withdraw`, when flags conflict). */
  readonly malformedAction: ErrorAction;
  /**
   * Decodes the value. `r` covers exactly the value; the caller checks that it was consumed.
   * Throws {@link UpdateMessageError} when the value is malformed.
   */
  decode(r: Reader, ctx: CodecContext, options: AttributeDecodeOptions): A['value'];
  /** Writes the value (not the flags, type or length). */
  encode(value: A['value'], ctx: CodecContext, w: Writer): void;
}

/** Builds the Attribute Length Error (RFC 4271 §6.3) for an attribute whose length is wrong. */
export function attributeLengthError(
  name: string,
  length: number,
  expected: string,
): UpdateMessageError {
  return new UpdateMessageError(
    UpdateMessageErrorSubcode.ATTRIBUTE_LENGTH_ERROR,
    `${name} length ${length}, expected ${expected}`,
  );
}

/** Throws the Attribute Length Error unless the value has exactly `n` octets. */
export function expectAttributeLength(r: Reader, n: number, name: string): void {
  if (r.remaining !== n) throw attributeLengthError(name, r.remaining, String(n));
}

/** Throws the Attribute Length Error unless the value is a non-zero multiple of `n` octets. */
export function expectNonZeroMultipleLength(r: Reader, n: number, name: string): void {
  const len = r.remaining;
  if (len === 0 || len % n !== 0)
    throw attributeLengthError(name, len, `a non-zero multiple of ${n}`);
}
