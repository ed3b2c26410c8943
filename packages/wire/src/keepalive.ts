/**
 * KEEPALIVE message. RFC 4271 §4.4.
 *
 * ```
 * +-----------------------------+
 * | header only (19 octets),    |
 * | type 4, length 19, no body  |
 * +-----------------------------+
 * ```
 *
 * @module
 */
import { badMessageLength } from './header.js';
import { HEADER_LENGTH } from './iana.js';

/** A KEEPALIVE message: the header and nothing else. */
export interface KeepaliveMessage {
  /** Message kind. */
  readonly type: 'KEEPALIVE';
}

/** The one KEEPALIVE value (frozen, shared). */
export const KEEPALIVE: KeepaliveMessage = Object.freeze({ type: 'KEEPALIVE' });

/** Decodes a KEEPALIVE body, which RFC 4271 §4.4 says is empty (otherwise 1/2). */
export function decodeKeepalive(body: Uint8Array): KeepaliveMessage {
  if (body.length !== 0) {
    throw badMessageLength(HEADER_LENGTH + body.length, 'KEEPALIVE must be exactly 19 octets');
  }
  return KEEPALIVE;
}

/** A whole KEEPALIVE message (a fresh copy, so callers may hand it to a socket). */
export function keepaliveBytes(): Uint8Array {
  const m = new Uint8Array(HEADER_LENGTH).fill(0xff);
  m[16] = 0;
  m[17] = HEADER_LENGTH;
  m[18] = 4;
  return m;
}
