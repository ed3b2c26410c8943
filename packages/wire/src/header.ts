/**
 * The BGP message header: marker, length and type, and the length rules that depend on the type.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                                                               |
 * |                 Marker (16 octets, all ones)                  |
 * |                                                               |
 * |                                                               |
 * +-------------------------------+---------------+---------------+
 * |            Length             |     Type      |
 * +-------------------------------+---------------+
 * ```
 * RFC 4271 §4.1. Length counts the whole message, header included.
 *
 * @module
 */
import { MessageHeaderError } from './errors.js';
import {
  HEADER_LENGTH,
  MARKER_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageHeaderErrorSubcode,
  MessageType,
} from './iana.js';
import type { Writer } from './writer.js';

/**
 * Smallest legal length of each message type (index = type code; 0 = unknown type).
 * OPEN 29 and NOTIFICATION 21 are RFC 4271 §4.2/§4.5, UPDATE 23 is §4.3, KEEPALIVE is exactly 19
 * (§4.4), ROUTE-REFRESH 23 is RFC 2918 §3.
 */
export const MESSAGE_MIN_LENGTH: readonly number[] = [0, 29, 23, 21, 19, 23];

// Module-local copies of the imported constants read on every message: under transpilers that
// turn imports into live-binding getters (tsx, vite-node) a getter call per read showed up as the
// top cost of the framer in profiles.
const HEADER = HEADER_LENGTH;
const MARKER = MARKER_LENGTH;
const MAX_OPEN = MAX_MESSAGE_LENGTH;
const TYPE_OPEN: number = MessageType.OPEN;
const TYPE_KEEPALIVE: number = MessageType.KEEPALIVE;
const MIN_LENGTH = MESSAGE_MIN_LENGTH;

/** A decoded header. */
export interface MessageHeader {
  /** Length field: the whole message, header included. */
  readonly length: number;
  /** Type field (a {@link MessageType} once validated). */
  readonly type: number;
}

/** Two-octet big-endian encoding of a length field, the data of a Bad Message Length error. */
function lengthData(length: number): Uint8Array {
  return Uint8Array.of((length >>> 8) & 0xff, length & 0xff);
}

/**
 * Builds the RFC 4271 §6.1 Bad Message Length error; the data field is the erroneous length.
 *
 * @param length - the length field as received
 * @param why - reason for the message
 */
export function badMessageLength(length: number, why: string): MessageHeaderError {
  return new MessageHeaderError(
    MessageHeaderErrorSubcode.BAD_MESSAGE_LENGTH,
    `bad message length ${length}: ${why}`,
    lengthData(length),
  );
}

/**
 * Throws the RFC 4271 §6.1 error unless the 16 octets at `offset` are all ones.
 * The caller guarantees that `offset + 16 <= buf.length`.
 */
export function checkMarker(buf: Uint8Array, offset: number): void {
  // AND the 16 octets together: one branch instead of sixteen; the bounds are the caller's
  // documented precondition.
  let and = 0xff;
  for (let i = offset; i < offset + MARKER; i++) and &= buf[i]!;
  if (and !== 0xff) {
    // RFC 4271 §6.1: a marker that is not all ones is Connection Not Synchronized.
    throw new MessageHeaderError(
      MessageHeaderErrorSubcode.CONNECTION_NOT_SYNCHRONIZED,
      'message marker is not all ones',
    );
  }
}

/**
 * Checks the length and type fields of a header (RFC 4271 §6.1, RFC 8654 §4), throwing
 * Bad Message Length (data: the length field) or Bad Message Type (data: the type octet).
 *
 * @param length - length field
 * @param type - type field
 * @param maxMessageLength - 4096, or 65535 once extended messages are negotiated
 */
export function checkHeader(length: number, type: number, maxMessageLength: number): void {
  if (length < HEADER) throw badMessageLength(length, 'shorter than the header');
  if (length > maxMessageLength) {
    throw badMessageLength(length, `longer than the maximum ${maxMessageLength}`);
  }
  const min = type < MIN_LENGTH.length ? MIN_LENGTH[type]! : 0;
  if (min === 0) {
    throw new MessageHeaderError(
      MessageHeaderErrorSubcode.BAD_MESSAGE_TYPE,
      `unknown message type ${type}`,
      Uint8Array.of(type & 0xff),
    );
  }
  if (length < min)
    throw badMessageLength(length, `shorter than the minimum ${min} for type ${type}`);
  // RFC 4271 §4.4: a KEEPALIVE is only the header.
  if (type === TYPE_KEEPALIVE && length !== HEADER) {
    throw badMessageLength(length, 'KEEPALIVE must be exactly 19 octets');
  }
  // RFC 8654 §4: extended messages apply to every message except OPEN (and KEEPALIVE).
  if (type === TYPE_OPEN && length > MAX_OPEN) {
    throw badMessageLength(length, 'OPEN longer than 4096 octets');
  }
}

/**
 * Reads and checks the header at the start of `bytes` (marker, length, type).
 *
 * @param bytes - at least the 19 header octets
 * @param maxMessageLength - 4096, or 65535 once extended messages are negotiated
 */
export function decodeHeader(
  bytes: Uint8Array,
  maxMessageLength = MAX_MESSAGE_LENGTH,
): MessageHeader {
  if (bytes.length < HEADER_LENGTH) {
    throw badMessageLength(bytes.length, 'fewer octets than a header');
  }
  checkMarker(bytes, 0);
  const length = (bytes[16]! << 8) | bytes[17]!;
  const type = bytes[18]!;
  checkHeader(length, type, maxMessageLength);
  return { length, type };
}

/**
 * Writes a header with a zero length and returns the offset of the length field, to be patched
 * with {@link Writer.patch16} once the body is written.
 *
 * @param w - destination
 * @param type - message type code
 */
export function writeHeader(w: Writer, type: number): number {
  w.u32(0xffffffff).u32(0xffffffff).u32(0xffffffff).u32(0xffffffff);
  const at = w.reserve(2);
  w.u8(type);
  return at;
}
