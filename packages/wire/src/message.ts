/**
 * Whole-message codec: header plus the body codec chosen by the type octet.
 *
 * ```
 * +------------------------+-------------+-----------+---------------------------+
 * | Marker (16 x 0xff)     | Length (2)  | Type (1)  | Body (Length - 19 octets) |
 * +------------------------+-------------+-----------+---------------------------+
 * ```
 *
 * The body codecs are registered in a table indexed by type code, so adding a message type is
 * one row. Decoded messages hold views into the input bytes (attribute values, NOTIFICATION data,
 * raw ORF entries); copy what must outlive the buffer.
 *
 * @module
 */
import type { CodecContext } from './context.js';
import { badMessageLength, checkHeader, checkMarker, writeHeader } from './header.js';
import {
  HEADER_LENGTH,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
} from './iana.js';
import { decodeKeepalive, type KeepaliveMessage } from './keepalive.js';
import {
  decodeNotification,
  encodeNotification,
  type NotificationMessage,
} from './notification.js';
import { decodeOpen, encodeOpen, type OpenMessage } from './open.js';
import {
  decodeRouteRefresh,
  encodeRouteRefresh,
  type RouteRefreshMessage,
} from './route-refresh.js';
import { decodeUpdate, encodeUpdate, type UpdateMessage } from './update.js';
import { Writer } from './writer.js';

/** Any BGP message, discriminated by `type`. */
export type BgpMessage =
  | OpenMessage
  | UpdateMessage
  | NotificationMessage
  | KeepaliveMessage
  | RouteRefreshMessage;

/** The `type` names of {@link BgpMessage}. */
export type BgpMessageType = BgpMessage['type'];

/** Codec of one message type's body. */
interface MessageCodec {
  readonly code: number;
  decode(body: Uint8Array, ctx: CodecContext, message: Uint8Array): BgpMessage;
  encode(msg: BgpMessage, ctx: CodecContext, w: Writer): void;
}

/** Body codecs by message type name. */
const CODECS: { readonly [K in BgpMessageType]: MessageCodec } = {
  OPEN: {
    code: MessageType.OPEN,
    decode: (body) => decodeOpen(body),
    encode: (msg, _ctx, w) => encodeOpen(msg as OpenMessage, w),
  },
  UPDATE: {
    code: MessageType.UPDATE,
    decode: (body, ctx) => decodeUpdate(body, ctx),
    encode: (msg, ctx, w) => encodeUpdate(msg as UpdateMessage, ctx, w),
  },
  NOTIFICATION: {
    code: MessageType.NOTIFICATION,
    decode: (body) => decodeNotification(body),
    encode: (msg, _ctx, w) => encodeNotification(msg as NotificationMessage, w),
  },
  KEEPALIVE: {
    code: MessageType.KEEPALIVE,
    decode: (body) => decodeKeepalive(body),
    encode: () => {},
  },
  'ROUTE-REFRESH': {
    code: MessageType.ROUTE_REFRESH,
    decode: (body, _ctx, message) => decodeRouteRefresh(body, message),
    encode: (msg, _ctx, w) => encodeRouteRefresh(msg as RouteRefreshMessage, w),
  },
};

/** The same codecs indexed by type code (index 0 unused). */
const BY_CODE: readonly (MessageCodec | undefined)[] = (() => {
  const table: (MessageCodec | undefined)[] = [];
  for (const c of Object.values(CODECS)) table[c.code] = c;
  return table;
})();

// Local copies of imports used per message (an import may be a getter under tsx/vite-node).
const HEADER = HEADER_LENGTH;
const validateMarker = checkMarker;
const validateHeader = checkHeader;

/** Largest message the context allows (RFC 8654). */
function maxLength(ctx: CodecContext): number {
  return ctx.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
}

/**
 * Decodes one whole message (header included), such as a {@link Framer} yields.
 * Throws a {@link BgpError} for anything malformed: header errors (code 1), then the body
 * codec's own (OPEN 2, UPDATE 3, ROUTE-REFRESH 7).
 *
 * @param bytes - exactly one message
 * @param ctx - negotiated options of the receiving direction
 */
export function decodeMessage(bytes: Uint8Array, ctx: CodecContext): BgpMessage {
  if (bytes.length < HEADER) throw badMessageLength(bytes.length, 'fewer octets than a header');
  validateMarker(bytes, 0);
  const length = (bytes[16]! << 8) | bytes[17]!;
  const type = bytes[18]!;
  validateHeader(length, type, maxLength(ctx));
  if (length !== bytes.length) {
    throw badMessageLength(
      length,
      `length field says ${length} but ${bytes.length} octets were given`,
    );
  }
  // checkHeader rejected unknown types, so the codec exists.
  return BY_CODE[type]!.decode(bytes.subarray(HEADER), ctx, bytes);
}

/**
 * Encodes one whole message (header included) into a new buffer the caller owns.
 * Throws a 1/2 {@link MessageHeaderError} when the result exceeds the negotiated maximum length
 * (4096 for an OPEN in every case, RFC 8654 §4).
 *
 * @param msg - the message
 * @param ctx - negotiated options of the sending direction
 */
export function encodeMessage(msg: BgpMessage, ctx: CodecContext): Uint8Array {
  const w = new Writer(msg.type === 'KEEPALIVE' ? HEADER_LENGTH : 256);
  encodeMessageTo(msg, ctx, w);
  return w.finish();
}

/**
 * Appends one whole message to `w`, for batching several messages into one socket write.
 *
 * @param msg - the message
 * @param ctx - negotiated options of the sending direction
 * @param w - destination
 */
export function encodeMessageTo(msg: BgpMessage, ctx: CodecContext, w: Writer): void {
  const codec = CODECS[msg.type];
  const start = w.length;
  const at = writeHeader(w, codec.code);
  codec.encode(msg, ctx, w);
  const length = w.length - start;
  const max = codec.code === MessageType.OPEN ? MAX_MESSAGE_LENGTH : maxLength(ctx);
  if (length > max) {
    w.length = start;
    throw badMessageLength(length, `encoded ${msg.type} exceeds ${max} octets`);
  }
  w.patch16(at, length);
}
