/**
 * NOTIFICATION message codec. RFC 4271 §4.5.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+---------------+-------------------------------+
 * | Error code    | Error subcode |   Data (variable)             |
 * +---------------+---------------+-------------------------------+
 *
 * Cease 2 / 4 data, RFC 9003 §2:        Cease 9 (Hard Reset) data, RFC 8538 §3:
 * +--------+---------------------+      +------------+---------------+--------------+
 * | Length | UTF-8 text (<= 255) |      | Inner code | Inner subcode | Inner data   |
 * +--------+---------------------+      +------------+---------------+--------------+
 * ```
 *
 * Decoding never fails on the data: it is kept raw, and {@link shutdownMessage} and
 * {@link hardResetCause} interpret it on demand, returning `undefined` when it is malformed
 * (RFC 9003 §2 asks only that a malformed communication be logged).
 *
 * @module
 */
import type { BgpError, NotificationFields } from './errors.js';
import { badMessageLength } from './header.js';
import { CeaseSubcode, ErrorCode, HEADER_LENGTH, notificationName } from './iana.js';
import { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** A decoded NOTIFICATION message. */
export interface NotificationMessage {
  /** Message kind. */
  readonly type: 'NOTIFICATION';
  /** Error code (IANA "BGP Error (Notification) Codes"). */
  readonly code: number;
  /** Error subcode. */
  readonly subcode: number;
  /** Data field (a view into the decoded message). */
  readonly data: Uint8Array;
}

/** Largest shutdown communication in octets. RFC 9003 §2. */
export const MAX_SHUTDOWN_COMMUNICATION_LENGTH = 255;

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Decodes a NOTIFICATION body (after the header). A body under 2 octets is a 1/2 error. */
export function decodeNotification(body: Uint8Array): NotificationMessage {
  const r = new Reader(body, () =>
    badMessageLength(HEADER_LENGTH + body.length, 'NOTIFICATION shorter than 21 octets'),
  );
  const code = r.u8('error code');
  const subcode = r.u8('error subcode');
  return { type: 'NOTIFICATION', code, subcode, data: r.rest() };
}

/** Writes a NOTIFICATION body. */
export function encodeNotification(n: NotificationMessage, w: Writer): void {
  w.u8(n.code).u8(n.subcode).bytes(n.data);
}

/** The NOTIFICATION that reports a codec or session error. */
export function notificationFromError(err: BgpError | NotificationFields): NotificationMessage {
  return { type: 'NOTIFICATION', code: err.code, subcode: err.subcode, data: err.data };
}

/** Builds a NOTIFICATION. */
export function createNotification(
  code: number,
  subcode: number,
  data: Uint8Array = EMPTY,
): NotificationMessage {
  return { type: 'NOTIFICATION', code, subcode, data };
}

function isShutdownSubcode(n: NotificationFields): boolean {
  return (
    n.code === ErrorCode.CEASE &&
    (n.subcode === CeaseSubcode.ADMINISTRATIVE_SHUTDOWN ||
      n.subcode === CeaseSubcode.ADMINISTRATIVE_RESET)
  );
}

/**
 * The RFC 9003 shutdown communication of a Cease / Administrative Shutdown (2) or Administrative
 * Reset (4) NOTIFICATION. `undefined` when there is none, or when it is malformed (its length
 * octet disagrees with the data, or the text is not UTF-8); `data` still holds the raw octets.
 */
export function shutdownMessage(n: NotificationFields): string | undefined {
  if (!isShutdownSubcode(n) || n.data.length === 0) return undefined;
  const length = n.data[0]!;
  if (length + 1 !== n.data.length) return undefined;
  try {
    return utf8.decode(n.data.subarray(1));
  } catch {
    return undefined;
  }
}

/** Encodes `text` as UTF-8, cut to at most `max` octets without splitting a character. */
function truncatedUtf8(text: string, max: number): Uint8Array {
  const bytes = utf8Encoder.encode(text);
  if (bytes.length <= max) return bytes;
  let end = max;
  // Back off continuation octets (10xxxxxx) so that the cut falls on a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/**
 * A Cease NOTIFICATION with an RFC 9003 shutdown communication. The text is cut to 255 octets
 * on a UTF-8 character boundary.
 *
 * @param subcode - {@link CeaseSubcode.ADMINISTRATIVE_SHUTDOWN} or {@link CeaseSubcode.ADMINISTRATIVE_RESET}
 * @param text - operator's message
 */
export function ceaseWithShutdownMessage(subcode: number, text: string): NotificationMessage {
  const bytes = truncatedUtf8(text, MAX_SHUTDOWN_COMMUNICATION_LENGTH);
  const data = new Uint8Array(bytes.length + 1);
  data[0] = bytes.length;
  data.set(bytes, 1);
  return { type: 'NOTIFICATION', code: ErrorCode.CEASE, subcode, data };
}

/**
 * The NOTIFICATION carried inside a Cease / Hard Reset (9) NOTIFICATION (RFC 8538 §3), or
 * `undefined` when `n` is not a Hard Reset or its data is too short to hold a code and subcode.
 */
export function hardResetCause(n: NotificationFields): NotificationMessage | undefined {
  if (n.code !== ErrorCode.CEASE || n.subcode !== CeaseSubcode.HARD_RESET || n.data.length < 2) {
    return undefined;
  }
  return { type: 'NOTIFICATION', code: n.data[0]!, subcode: n.data[1]!, data: n.data.subarray(2) };
}

/**
 * A Cease / Hard Reset NOTIFICATION wrapping `inner` (RFC 8538 §3): sent instead of `inner`
 * when the peer negotiated the N bit, so that the peer does not retain routes.
 */
export function hardReset(inner: NotificationFields): NotificationMessage {
  const data = new Uint8Array(2 + inner.data.length);
  data[0] = inner.code;
  data[1] = inner.subcode;
  data.set(inner.data, 2);
  return { type: 'NOTIFICATION', code: ErrorCode.CEASE, subcode: CeaseSubcode.HARD_RESET, data };
}

/**
 * One-line description for logs: the registry name, plus the shutdown communication or the
 * Hard Reset cause when there is one, e.g. `CEASE/ADMINISTRATIVE_SHUTDOWN "maintenance"`.
 */
export function describeNotification(n: NotificationFields): string {
  const name = notificationName(n.code, n.subcode);
  const text = shutdownMessage(n);
  if (text !== undefined) return `${name} ${JSON.stringify(text)}`;
  const inner = hardResetCause(n);
  if (inner !== undefined) return `${name} (${describeNotification(inner)})`;
  return name;
}
