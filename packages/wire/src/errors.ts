/**
 * Typed errors that are already NOTIFICATIONs.
 *
 * Every error this package throws is a {@link BgpError}: it carries the NOTIFICATION code,
 * subcode and data that RFC 4271 §6 says to send, so a session turns any decode failure into
 * the right NOTIFICATION with one call to {@link BgpError.toNotification}. Callers test errors by
 * `name` or `code` rather than `instanceof`, so that two copies of the package still agree.
 *
 * RFC 7606 outcomes are values ({@link ErrorAction}): the UPDATE decoder records the strongest
 * and throws only when the outcome is a session reset.
 *
 * @module
 */
import { ErrorCode, notificationName } from './iana.js';

/** The content of a NOTIFICATION message: what a {@link BgpError} turns into. */
export interface NotificationFields {
  /** Error code (IANA "BGP Error (Notification) Codes"). */
  readonly code: number;
  /** Error subcode within the code's registry. */
  readonly subcode: number;
  /** Data field; for most errors the offending bytes, as RFC 4271 §6 prescribes. */
  readonly data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * Base of every error raised by the codecs. Readonly `code`, `subcode` and `data` are those of
 * the NOTIFICATION to send; `name` is stable across versions.
 *
 * @example
 * ```ts
 * try { decodeMessage(bytes, ctx) } catch (err) {
 *   if (isBgpError(err)) socket.write(encodeNotification(err.toNotification()))
 * }
 * ```
 */
export class BgpError extends Error {
  /** Stable error name, for tests and logs. */
  override readonly name: string = 'BgpError';
  /** NOTIFICATION error code. */
  readonly code: number;
  /** NOTIFICATION error subcode. */
  readonly subcode: number;
  /** NOTIFICATION data field. */
  readonly data: Uint8Array;

  /**
   * @param code - NOTIFICATION error code
   * @param subcode - NOTIFICATION error subcode
   * @param message - human-readable reason
   * @param data - NOTIFICATION data (copied, so the error outlives the buffer it came from)
   */
  constructor(code: number, subcode: number, message: string, data: Uint8Array = EMPTY) {
    super(message);
    this.code = code;
    this.subcode = subcode;
    this.data = data.length === 0 ? EMPTY : Uint8Array.from(data);
  }

  /** Registry name of the code and subcode, such as `"UPDATE_MESSAGE_ERROR/MALFORMED_AS_PATH"`. */
  get notificationName(): string {
    return notificationName(this.code, this.subcode);
  }

  /** The NOTIFICATION that reports this error. */
  toNotification(): NotificationFields {
    return { code: this.code, subcode: this.subcode, data: this.data };
  }
}

/** Message Header Error (code 1). RFC 4271 §6.1. */
export class MessageHeaderError extends BgpError {
  override readonly name = 'MessageHeaderError';
  /**
   * @param subcode - a `MessageHeaderErrorSubcode`
   * @param message - reason
   * @param data - offending length or type field
   */
  constructor(subcode: number, message: string, data?: Uint8Array) {
    super(ErrorCode.MESSAGE_HEADER_ERROR, subcode, message, data);
  }
}

/** OPEN Message Error (code 2). RFC 4271 §6.2. */
export class OpenMessageError extends BgpError {
  override readonly name = 'OpenMessageError';
  /**
   * @param subcode - an `OpenMessageErrorSubcode`
   * @param message - reason
   * @param data - offending field, if the RFC asks for it
   */
  constructor(subcode: number, message: string, data?: Uint8Array) {
    super(ErrorCode.OPEN_MESSAGE_ERROR, subcode, message, data);
  }
}

/** UPDATE Message Error (code 3). RFC 4271 §6.3. */
export class UpdateMessageError extends BgpError {
  override readonly name = 'UpdateMessageError';
  /**
   * @param subcode - an `UpdateMessageErrorSubcode`
   * @param message - reason
   * @param data - the offending attribute (type, length and value) where the RFC asks for it
   */
  constructor(subcode: number, message: string, data?: Uint8Array) {
    super(ErrorCode.UPDATE_MESSAGE_ERROR, subcode, message, data);
  }
}

/** Hold Timer Expired (code 4). RFC 4271 §6.5. */
export class HoldTimerExpiredError extends BgpError {
  override readonly name = 'HoldTimerExpiredError';
  /** @param message - reason */
  constructor(message = 'hold timer expired') {
    super(ErrorCode.HOLD_TIMER_EXPIRED, 0, message);
  }
}

/** Finite State Machine Error (code 5). RFC 4271 §6.6, RFC 6608. */
export class FsmError extends BgpError {
  override readonly name = 'FsmError';
  /**
   * @param subcode - an `FsmErrorSubcode`
   * @param message - reason
   * @param data - RFC 6608: the type of the unexpected message
   */
  constructor(subcode: number, message: string, data?: Uint8Array) {
    super(ErrorCode.FSM_ERROR, subcode, message, data);
  }
}

/** Cease (code 6). RFC 4486, with the shutdown communication of RFC 9003 in `data`. */
export class CeaseError extends BgpError {
  override readonly name = 'CeaseError';
  /**
   * @param subcode - a `CeaseSubcode`
   * @param message - reason
   * @param data - NOTIFICATION data (RFC 9003 shutdown communication for subcodes 2 and 4)
   */
  constructor(subcode: number, message: string, data?: Uint8Array) {
    super(ErrorCode.CEASE, subcode, message, data);
  }
}

/** ROUTE-REFRESH Message Error (code 7). RFC 7313 §5. */
export class RouteRefreshMessageError extends BgpError {
  override readonly name = 'RouteRefreshMessageError';
  /**
   * @param subcode - a `RouteRefreshErrorSubcode`
   * @param message - reason
   * @param data - the offending message
   */
  constructor(subcode: number, message: string, data?: Uint8Array) {
    super(ErrorCode.ROUTE_REFRESH_MESSAGE_ERROR, subcode, message, data);
  }
}

/**
 * A record that cannot be read, in a file format that is not a BGP session (MRT). It is not a
 * NOTIFICATION; readers report it and go on with the next record.
 */
export class MrtFormatError extends Error {
  override readonly name = 'MrtFormatError';
  /** Byte offset of the record in the (decompressed) file. */
  readonly offset: number;
  /**
   * @param message - reason
   * @param offset - byte offset of the record
   * @param cause - the codec error that made the record unreadable, if any
   */
  constructor(message: string, offset: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.offset = offset;
  }
}

/** True when `err` is a {@link BgpError} from any copy of this package (tested by shape, not `instanceof`). */
export function isBgpError(err: unknown): err is BgpError {
  return (
    err instanceof Error &&
    typeof (err as Partial<BgpError>).code === 'number' &&
    typeof (err as Partial<BgpError>).subcode === 'number' &&
    typeof (err as Partial<BgpError>).toNotification === 'function'
  );
}

/**
 * RFC 7606 §2 error-handling outcomes, weakest first.
 * - `discard`: attribute discard; the rest of the UPDATE stands.
 * - `withdraw`: treat-as-withdraw; every NLRI in the UPDATE is withdrawn.
 * - `reset`: session reset (NOTIFICATION, then close); `afi/safi disable` is not used.
 */
export type ErrorAction = 'discard' | 'withdraw' | 'reset';

const actionRank: Readonly<Record<ErrorAction, number>> = { discard: 1, withdraw: 2, reset: 3 };

/** The stronger of two RFC 7606 outcomes (`undefined` meaning "no error so far"). */
export function strongerAction(a: ErrorAction | undefined, b: ErrorAction): ErrorAction {
  return a === undefined || actionRank[b] > actionRank[a] ? b : a;
}

/** One attribute-level problem found while decoding an UPDATE, with its RFC 7606 outcome. */
export interface AttributeProblem {
  /** What RFC 7606 says to do. */
  readonly action: ErrorAction;
  /** The error that would be sent if the outcome were a session reset. */
  readonly error: BgpError;
  /** Attribute type code, when the problem belongs to one attribute. */
  readonly attributeType?: number;
}
