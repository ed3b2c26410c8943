/**
 * One TCP connection of a session and its state machine: the session attributes, timers,
 * framer, output queue and codec contexts that belong to that connection alone. During a
 * collision (RFC 4271 §6.8) a session has two.
 *
 * @module
 */
import {
  type BgpMessage,
  CeaseSubcode,
  type CodecContext,
  createNotification,
  DEFAULT_CONTEXT,
  describeNotification,
  ErrorCode,
  encodeMessage,
  Framer,
  hardResetCause,
  type NotificationFields,
  shutdownMessage,
} from '@bgp/wire';
import type { SessionAttributes } from './fsm.js';
import type { NegotiatedSession } from './negotiate.js';
import type { SendQueue } from './send-queue.js';
import type { ConnectionDirection, NotificationEvent } from './session-events.js';
import type { TimerSet } from './timers.js';
import type { Transport } from './transport.js';

const EMPTY = new Uint8Array(0);

/** One TCP connection and its state machine. */
export class Connection {
  attributes: SessionAttributes;
  readonly timers: TimerSet;
  transport: Transport | undefined;
  queue: SendQueue | undefined;
  framer = new Framer();
  receiveContext: CodecContext = DEFAULT_CONTEXT;
  sendContext: CodecContext = DEFAULT_CONTEXT;
  negotiated: NegotiatedSession | undefined;
  direction: ConnectionDirection | undefined;
  /** Incremented to abandon a pending connect. */
  attempt = 0;
  /**
   * The message being processed by a `processMessage` action; `message` is undefined for an
   * UPDATE kept raw (`updateDecoding: 'raw'`).
   */
  current: { message: BgpMessage | undefined; bytes: Uint8Array } | undefined;
  /** NOTIFICATION exchanged in the current transition, for `session:down`. */
  notification: { n: NotificationFields; direction: 'sent' | 'received' } | undefined;

  constructor(attributes: SessionAttributes, timers: (c: Connection) => TimerSet) {
    this.attributes = attributes;
    this.timers = timers(this);
  }
}

/** The payload of `notification:sent` / `notification:received`. */
export function notificationEvent(n: NotificationFields): NotificationEvent {
  // RFC 8538: a Hard Reset carries the real Cease (and its shutdown text) inside.
  const text = shutdownMessage(n) ?? shutdownMessage(hardResetCause(n) ?? n);
  return {
    notification: n,
    description: describeNotification(n),
    ...(text !== undefined ? { shutdownMessage: text } : {}),
  };
}

/**
 * Refuses an accepted connection the RFC 4486 way: a Cease NOTIFICATION (6/5 Connection
 * Rejected by default), then close.
 *
 * @param transport - the accepted connection
 * @param subcode - Cease subcode
 */
export function rejectConnection(
  transport: Transport,
  subcode: number = CeaseSubcode.CONNECTION_REJECTED,
): void {
  transport.attach({ data() {}, drain() {}, close() {} });
  transport.write(
    encodeMessage(createNotification(ErrorCode.CEASE, subcode, EMPTY), DEFAULT_CONTEXT),
  );
  transport.end();
}
