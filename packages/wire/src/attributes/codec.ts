/**
 * The Path Attributes field: a sequence of type-length-value attributes, with the RFC 7606
 * outcome of every problem found.
 *
 * ```
 *  0                   1
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |O|T|P|E| unused| Attr Type Code|    E (Extended Length) set: 2-octet length
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Attribute Length (1 or 2)     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Attribute Value (variable)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * RFC 4271 §4.3.
 *
 * Decoding never throws for a problem inside the field: each becomes an {@link AttributeProblem}
 * carrying its outcome (`discard`, `withdraw` or `reset`) and the error a session reset would
 * send. The offending attribute is kept as a {@link RawAttribute} with `malformed: true`, so the
 * field still re-encodes to its bytes.
 *
 * @module
 */
import type { CodecContext } from '../context.js';
import {
  type AttributeProblem,
  type BgpError,
  type ErrorAction,
  isBgpError,
  strongerAction,
  UpdateMessageError,
} from '../errors.js';
import { AttributeFlag, AttributeType, UpdateMessageErrorSubcode } from '../iana.js';
import { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { attributeLengthError } from './descriptor.js';
import { attributeDescriptors, attributeName } from './registry.js';
import type {
  AttributeDecodeOptions,
  PathAttribute,
  RawAttribute,
  TypedAttribute,
} from './types.js';

const NO_OPTIONS: AttributeDecodeOptions = {};

const shortValue = (what: string, needed: number, available: number): BgpError =>
  new UpdateMessageError(
    UpdateMessageErrorSubcode.ATTRIBUTE_LENGTH_ERROR,
    `attribute value too short for ${what} (${needed} needed, ${available} left)`,
  );

/** Result of decoding a Path Attributes field. */
export interface DecodedAttributes {
  /** Attributes in wire order (malformed and unknown ones raw). */
  attributes: PathAttribute[];
  /** Problems found, each with its RFC 7606 outcome. */
  problems: AttributeProblem[];
}

function problem(
  problems: AttributeProblem[],
  action: ErrorAction,
  subcode: number,
  message: string,
  data: Uint8Array,
  attributeType?: number,
): void {
  const error = new UpdateMessageError(subcode, message, data);
  problems.push(attributeType === undefined ? { action, error } : { action, error, attributeType });
}

/**
 * Type codes seen in the attribute list being decoded, stamped with the call's generation: one
 * array for every call instead of a new one per UPDATE (a fresh typed array per message was a
 * noticeable share of the receive path's CPU time on a full-table load). Decoding never re-enters itself.
 */
const seenStamp = new Uint32Array(256);
let seenGeneration = 0;

/**
 * Decodes the attributes in `buf[start, end)`.
 *
 * @param buf - buffer holding the field
 * @param start - first octet of the field
 * @param end - end of the field (exclusive), from the Total Path Attribute Length
 * @param ctx - session context (AS width, ADD-PATH)
 * @param options - decode options
 */
export function decodeAttributeList(
  buf: Uint8Array,
  start: number,
  end: number,
  ctx: CodecContext,
  options: AttributeDecodeOptions = NO_OPTIONS,
): DecodedAttributes {
  const attributes: PathAttribute[] = [];
  const problems: AttributeProblem[] = [];
  if (++seenGeneration === 0xffffffff) {
    seenStamp.fill(0);
    seenGeneration = 1;
  }
  const generation = seenGeneration;
  let pos = start;
  while (pos < end) {
    const flags = buf[pos]!;
    const ext = (flags & AttributeFlag.EXTENDED_LENGTH) !== 0;
    const header = ext ? 4 : 3;
    if (end - pos < header) {
      // RFC 7606 §4: too few octets left for an attribute header: treat-as-withdraw, and the
      // Total Path Attribute Length still locates the NLRI.
      problem(
        problems,
        'withdraw',
        UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST,
        `${end - pos} octets left in the attribute field, too few for an attribute`,
        buf.subarray(pos, end),
      );
      break;
    }
    const typeCode = buf[pos + 1]!;
    const length = ext ? (buf[pos + 2]! << 8) | buf[pos + 3]! : buf[pos + 2]!;
    const valueStart = pos + header;
    const valueEnd = valueStart + length;
    if (valueEnd > end) {
      // RFC 7606 §4: the last attribute overruns the Total Path Attribute Length.
      problem(
        problems,
        'withdraw',
        UpdateMessageErrorSubcode.ATTRIBUTE_LENGTH_ERROR,
        `${attributeName(typeCode)} of length ${length} overruns the attribute field`,
        buf.subarray(pos, end),
        typeCode,
      );
      break;
    }
    const whole = buf.subarray(pos, valueEnd);
    pos = valueEnd;
    const raw = (malformed: boolean): RawAttribute => {
      const value = buf.slice(valueStart, valueEnd);
      return malformed
        ? { typeCode, flags, value, raw: true, malformed: true }
        : { typeCode, flags, value, raw: true };
    };
    const desc = attributeDescriptors.get(typeCode);
    if (seenStamp[typeCode] === generation) {
      // RFC 7606 §3.g: MP_REACH_NLRI / MP_UNREACH_NLRI twice is a Malformed Attribute List (reset);
      // any other attribute repeated: all but the first are discarded.
      const mp =
        typeCode === AttributeType.MP_REACH_NLRI || typeCode === AttributeType.MP_UNREACH_NLRI;
      problem(
        problems,
        mp ? 'reset' : 'discard',
        UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST,
        `duplicate ${attributeName(typeCode)}`,
        whole,
        typeCode,
      );
      attributes.push(raw(true));
      continue;
    }
    seenStamp[typeCode] = generation;
    if (desc === undefined) {
      if ((flags & AttributeFlag.OPTIONAL) === 0) {
        // RFC 4271 §6.3: an unrecognised well-known attribute; RFC 7606 keeps this a reset.
        problem(
          problems,
          'reset',
          UpdateMessageErrorSubcode.UNRECOGNIZED_WELL_KNOWN_ATTRIBUTE,
          `unrecognised well-known attribute ${typeCode}`,
          whole,
          typeCode,
        );
        attributes.push(raw(true));
      } else {
        attributes.push(raw(false));
      }
      continue;
    }
    if ((flags & (AttributeFlag.OPTIONAL | AttributeFlag.TRANSITIVE)) !== desc.flags) {
      // RFC 7606 §3.c: Optional/Transitive bits that conflict with the type code make the
      // attribute malformed: treat-as-withdraw, or the attribute's own outcome if stronger
      // (MP_REACH/MP_UNREACH: without them the NLRI cannot be trusted).
      problem(
        problems,
        strongerAction('withdraw', desc.malformedAction),
        UpdateMessageErrorSubcode.ATTRIBUTE_FLAGS_ERROR,
        `${desc.name} with flags 0x${flags.toString(16)}`,
        whole,
        typeCode,
      );
      attributes.push(raw(true));
      continue;
    }
    const r = new Reader(buf, shortValue, valueStart, valueEnd);
    try {
      const value = desc.decode(r, ctx, options);
      if (!r.done) throw attributeLengthError(desc.name, length, `${r.pos - valueStart}`);
      attributes.push({ typeCode, flags, value } as TypedAttribute);
    } catch (err) {
      if (!isBgpError(err)) throw err;
      problem(problems, desc.malformedAction, err.subcode, err.message, whole, typeCode);
      attributes.push(raw(true));
    }
  }
  return { attributes, problems };
}

/**
 * Decodes a whole Path Attributes field (as found in an UPDATE or an MRT RIB entry).
 *
 * @param bytes - the field
 * @param ctx - session context (AS width, ADD-PATH)
 * @param options - `mrtAbbreviatedMpReach` for MRT RIB entries (RFC 6396 §4.3.4)
 */
export function decodeAttributes(
  bytes: Uint8Array,
  ctx: CodecContext,
  options?: AttributeDecodeOptions,
): { attributes: PathAttribute[]; problems: AttributeProblem[] } {
  return decodeAttributeList(bytes, 0, bytes.length, ctx, options);
}

function writeRaw(typeCode: number, flags: number, value: Uint8Array, w: Writer): void {
  const ext = (flags & AttributeFlag.EXTENDED_LENGTH) !== 0 || value.length > 255;
  w.u8(ext ? flags | AttributeFlag.EXTENDED_LENGTH : flags).u8(typeCode);
  if (ext) w.u16(value.length);
  else w.u8(value.length);
  w.bytes(value);
}

/**
 * Encodes one attribute: flags as given (the Extended Length bit is added when the value needs
 * it, and kept when set on a short value, as some speakers send), type, length and value.
 */
export function encodeAttribute(attr: PathAttribute, ctx: CodecContext, w: Writer): void {
  if (attr.raw) {
    writeRaw(attr.typeCode, attr.flags, attr.value, w);
    return;
  }
  const desc = attributeDescriptors.get(attr.typeCode);
  if (desc === undefined) throw new TypeError(`no codec for attribute type ${attr.typeCode}`);
  const start = w.length;
  let flags = attr.flags;
  for (;;) {
    const ext = (flags & AttributeFlag.EXTENDED_LENGTH) !== 0;
    w.u8(flags).u8(attr.typeCode);
    const at = w.reserve(ext ? 2 : 1);
    desc.encode(attr.value, ctx, w);
    const len = w.length - at - (ext ? 2 : 1);
    if (ext) {
      if (len > 0xffff) throw new RangeError(`${desc.name} value of ${len} octets`);
      w.patch16(at, len);
      return;
    }
    if (len <= 0xff) {
      w.patch8(at, len);
      return;
    }
    // Too long for a 1-octet length: start over with the Extended Length bit (RFC 4271 §4.3).
    w.length = start;
    flags |= AttributeFlag.EXTENDED_LENGTH;
  }
}

/**
 * Encodes a Path Attributes field in the given order.
 *
 * @param attrs - attributes, typed or raw
 * @param ctx - session context (AS width, ADD-PATH)
 * @param w - destination
 */
export function encodeAttributes(
  attrs: readonly PathAttribute[],
  ctx: CodecContext,
  w: Writer,
): void {
  for (const a of attrs) encodeAttribute(a, ctx, w);
}

/**
 * Prepares received attributes for forwarding (RFC 4271 §5, §9.1.4): an unrecognised optional
 * transitive attribute is passed on with the Partial bit set; an unrecognised optional
 * non-transitive one is dropped; attributes found malformed are dropped. Known attributes are
 * returned as they are (the caller applies its own policy to them).
 */
export function attributesForForwarding(attrs: readonly PathAttribute[]): PathAttribute[] {
  const out: PathAttribute[] = [];
  const transitive = AttributeFlag.OPTIONAL | AttributeFlag.TRANSITIVE;
  for (const a of attrs) {
    if (!a.raw) {
      out.push(a);
      continue;
    }
    if (a.malformed) continue;
    if (attributeDescriptors.has(a.typeCode)) {
      out.push(a);
      continue;
    }
    if ((a.flags & transitive) === transitive) {
      out.push({ ...a, flags: a.flags | AttributeFlag.PARTIAL });
    }
  }
  return out;
}

/** The first typed attribute with `typeCode`, or `undefined`. */
export function findAttribute<C extends TypedAttribute['typeCode']>(
  attrs: readonly PathAttribute[],
  typeCode: C,
): Extract<TypedAttribute, { typeCode: C }> | undefined {
  for (const a of attrs) {
    if (!a.raw && a.typeCode === typeCode) return a as Extract<TypedAttribute, { typeCode: C }>;
  }
  return undefined;
}
