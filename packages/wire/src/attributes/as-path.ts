/**
 * AS_PATH (type 2, well-known mandatory) and AS4_PATH (type 17, optional transitive).
 * RFC 4271 §4.3 (b), §5.1.2; RFC 5065 §3 (confederation segments); RFC 6793 §3 (AS4_PATH).
 *
 * ```
 * +-----------------+-----------------+----------------------------------+
 * | Segment Type (1)| Segment Len (1) | Segment Len AS numbers, 2 or 4    |
 * +-----------------+-----------------+ octets each                      |
 * |  ... more segments ...                                              |
 * ```
 *
 * AS_PATH carries 2-octet AS numbers unless both sides negotiated 4-octet AS
 * (`CodecContext.fourOctetAs`); AS4_PATH always carries 4-octet ones.
 *
 * RFC 7606 §7.2: an unrecognised segment type, a zero segment length, a segment that overruns
 * the attribute, or a single octet left over makes AS_PATH malformed: "treat-as-withdraw".
 * RFC 6793 §6: a malformed AS4_PATH is discarded ("attribute discard").
 *
 * @module
 */
import type { CodecContext } from '../context.js';
import { UpdateMessageError } from '../errors.js';
import { AttributeType, UpdateMessageErrorSubcode } from '../iana.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import {
  type AttributeDescriptor,
  OPTIONAL_TRANSITIVE_FLAGS,
  WELL_KNOWN_FLAGS,
} from './descriptor.js';
import type { As4PathAttribute, AsPathAttribute, AsPathSegment } from './types.js';

function malformedPath(name: string, reason: string, subcode: number): UpdateMessageError {
  return new UpdateMessageError(subcode, `${name}: ${reason}`);
}

/**
 * Decodes AS path segments of `asSize` (2 or 4) octets per AS number.
 *
 * @param r - reader over exactly the attribute value
 * @param asSize - octets per AS number
 * @param name - attribute name for messages
 * @param subcode - UPDATE error subcode for a malformed path
 */
export function decodeAsPathSegments(
  r: Reader,
  asSize: 2 | 4,
  name: string,
  subcode: number,
): AsPathSegment[] {
  const segments: AsPathSegment[] = [];
  while (!r.done) {
    if (r.remaining < 2)
      throw malformedPath(name, 'one octet left after the last segment', subcode);
    const type = r.u8();
    const count = r.u8();
    if (type < 1 || type > 4)
      throw malformedPath(name, `unrecognised segment type ${type}`, subcode);
    if (count === 0) throw malformedPath(name, 'segment of length zero', subcode);
    if (count * asSize > r.remaining) {
      throw malformedPath(name, `segment of ${count} AS numbers overruns the attribute`, subcode);
    }
    const asns = new Array<number>(count);
    for (let i = 0; i < count; i++) asns[i] = asSize === 4 ? r.u32() : r.u16();
    segments.push({ type, asns });
  }
  return segments;
}

/** Encodes AS path segments with `asSize` octets per AS number. */
export function encodeAsPathSegments(
  segments: readonly AsPathSegment[],
  asSize: 2 | 4,
  w: Writer,
): void {
  for (const s of segments) {
    w.u8(s.type);
    w.u8(s.asns.length);
    for (const asn of s.asns) {
      if (asSize === 4) w.u32(asn);
      else w.u16(asn);
    }
  }
}

function asSizeOf(ctx: CodecContext): 2 | 4 {
  return ctx.fourOctetAs ? 4 : 2;
}

/** Descriptor of AS_PATH. */
export const asPathDescriptor: AttributeDescriptor<AsPathAttribute> = {
  typeCode: AttributeType.AS_PATH,
  name: 'AS_PATH',
  flags: WELL_KNOWN_FLAGS,
  malformedAction: 'withdraw',
  decode(r, ctx) {
    return decodeAsPathSegments(
      r,
      asSizeOf(ctx),
      'AS_PATH',
      UpdateMessageErrorSubcode.MALFORMED_AS_PATH,
    );
  },
  encode(value, ctx, w) {
    encodeAsPathSegments(value, asSizeOf(ctx), w);
  },
};

/** Descriptor of AS4_PATH. */
export const as4PathDescriptor: AttributeDescriptor<As4PathAttribute> = {
  typeCode: AttributeType.AS4_PATH,
  name: 'AS4_PATH',
  flags: OPTIONAL_TRANSITIVE_FLAGS,
  malformedAction: 'discard',
  decode(r) {
    return decodeAsPathSegments(
      r,
      4,
      'AS4_PATH',
      UpdateMessageErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR,
    );
  },
  encode(value, _ctx, w) {
    encodeAsPathSegments(value, 4, w);
  },
};
