/**
 * The typed events a {@link Session} emits: `noun:verb` names, readonly payloads.
 *
 * The RIB listens to `update:received`, `eor:received`, `route-refresh:received`,
 * `session:down` (with `retainRoutes` for graceful restart), `peer:gr-start` and `peer:gr-flush`;
 * operators and tests listen to the rest.
 *
 * @module
 */
import type {
  CodecContext,
  NotificationFields,
  OpenMessage,
  RouteRefreshMessage,
  UpdateMessage,
} from '@bgp/wire';
import type { FsmEventType, SessionState } from './events.js';
import type { Family, NegotiatedSession } from './negotiate.js';

/** Which side opened a TCP connection. */
export type ConnectionDirection = 'outgoing' | 'incoming';

/** Payload of `state:change`. */
export interface StateChangeEvent {
  /** State before. */
  readonly from: SessionState;
  /** State after. */
  readonly to: SessionState;
  /** The RFC 4271 event that caused it. */
  readonly event: FsmEventType;
  /** Direction of the connection whose state changed (`undefined` without one). */
  readonly direction: ConnectionDirection | undefined;
}

/** Payload of `open:received` and `open:sent`. */
export interface OpenMessageEvent {
  /** The OPEN. */
  readonly open: OpenMessage;
  /** The negotiation result (only for a received OPEN that validated). */
  readonly negotiated?: NegotiatedSession;
}

/** Payload of `established`. */
export interface EstablishedEvent {
  /** What was negotiated. */
  readonly negotiated: NegotiatedSession;
  /** Direction of the connection that won. */
  readonly direction: ConnectionDirection;
}

/** Payload of `update:received`. */
export interface UpdateEvent {
  /** The decoded UPDATE (its views alias the received chunk: copy what you keep). */
  readonly update: UpdateMessage;
  /** The whole message, header included. */
  readonly bytes: Uint8Array;
}

/**
 * Payload of `update:raw` (sessions with `updateDecoding: 'raw'`): the UPDATE as received,
 * framed but not decoded.
 *
 * The views alias the received chunk and are valid only while the listener runs: copy what
 * you keep. The session checked only the two length fields; the listener decodes the rest and
 * reports an error that calls for a session reset with `session.fail(err)`.
 *
 * @example
 * ```ts
 * session.on('update:raw', ({ body, context }) => {
 *   try {
 *     ingestUpdate(rib, peer, body, context);
 *   } catch (err) {
 *     if (isBgpError(err)) session.fail(err); // sends the NOTIFICATION the error names
 *     else throw err;
 *   }
 * });
 * ```
 */
export interface UpdateRawEvent {
  /** The UPDATE body (after the 19-octet header). */
  readonly body: Uint8Array;
  /** The whole message, header included. */
  readonly bytes: Uint8Array;
  /** The receive context negotiated for the session (AS width, ADD-PATH families). */
  readonly context: CodecContext;
}

/** Payload of `notification:sent` and `notification:received`. */
export interface NotificationEvent {
  /** The NOTIFICATION. */
  readonly notification: NotificationFields;
  /** Registry name and shutdown text, e.g. `CEASE/ADMINISTRATIVE_SHUTDOWN "maintenance"`. */
  readonly description: string;
  /** RFC 9003 shutdown communication, when there is one. */
  readonly shutdownMessage?: string;
}

/** Payload of `session:down`. */
export interface SessionDownEvent {
  /** The RFC 4271 event that ended the session. */
  readonly reason: FsmEventType;
  /** The NOTIFICATION sent or received, if any. */
  readonly notification?: NotificationFields;
  /** Who sent the NOTIFICATION. */
  readonly notificationDirection?: 'sent' | 'received';
  /**
   * Graceful restart applies (RFC 4724 §4.2, RFC 8538): keep the peer's routes, marked stale,
   * instead of deleting them. A `peer:gr-start` follows.
   */
  readonly retainRoutes: boolean;
}

/** Payload of `peer:gr-start`: the peer is restarting; its routes are kept as stale. */
export interface PeerGracefulRestartStartEvent {
  /** The peer's Restart Time in seconds: the session must come back within it. */
  readonly restartTime: number;
  /** Families whose routes are kept, with the peer's F bit from its last OPEN. */
  readonly families: readonly (Family & { readonly forwardingState: boolean })[];
}

/** Why stale routes of a restarting peer are flushed. */
export type GracefulRestartFlushReason =
  /** The session did not come back within the Restart Time. */
  | 'restart-timer-expired'
  /** The new OPEN lacks the family, or its F bit is 0 (RFC 4724 §4.2). */
  | 'forwarding-state-lost'
  /** End-of-RIB did not arrive before the stale-routes timer. */
  | 'stale-timer-expired'
  /** The session was stopped administratively. */
  | 'stopped';

/** Payload of `peer:gr-flush`: delete the stale routes of these families now. */
export interface PeerGracefulRestartFlushEvent {
  /** Families to flush. */
  readonly families: readonly Family[];
  /** Why. */
  readonly reason: GracefulRestartFlushReason;
}

/** Payload of `gr:deferral-end`: as restarting speaker, route selection may run (RFC 4724 §4.1). */
export interface SelectionDeferralEndEvent {
  /** End-of-RIB arrived for every family, or the selection deferral timer expired. */
  readonly reason: 'end-of-rib' | 'deferral-timer-expired';
}

/** Payload of `prefix-limit:warning` and `prefix-limit:exceeded`. */
export interface PrefixLimitEvent extends Family {
  /** The count the RIB reported. */
  readonly count: number;
  /** The configured maximum. */
  readonly limit: number;
}

/** Payload of `route-refresh:received`. */
export interface RouteRefreshEvent {
  /** The ROUTE-REFRESH; `subtype` 0 request, 1 BoRR, 2 EoRR (RFC 7313). */
  readonly message: RouteRefreshMessage;
}

/**
 * Events of a {@link Session}.
 *
 * @example
 * ```ts
 * session.on('established', ({ negotiated }) => console.log('up, hold', negotiated.holdTime));
 * session.on('update:received', ({ update }) => rib.apply(update));
 * session.on('session:down', ({ retainRoutes }) => retainRoutes ? rib.markStale() : rib.flush());
 * session.on('notification:received', ({ description }) => console.log(description));
 * ```
 */
export interface SessionEvents {
  /** The session's state changed (primary connection). */
  'state:change': (e: StateChangeEvent) => void;
  /** We sent our OPEN. */
  'open:sent': (e: OpenMessageEvent) => void;
  /** The peer's OPEN arrived and validated. */
  'open:received': (e: OpenMessageEvent) => void;
  /** The session reached Established. */
  established: (e: EstablishedEvent) => void;
  /** An UPDATE arrived in Established. */
  'update:received': (e: UpdateEvent) => void;
  /**
   * An UPDATE arrived in Established, handed over undecoded (only with
   * `updateDecoding: 'raw'`, which emits this instead of `update:received`).
   */
  'update:raw': (e: UpdateRawEvent) => void;
  /** An End-of-RIB marker arrived (RFC 4724 §2), in either decoding mode. */
  'eor:received': (e: Family) => void;
  /** A ROUTE-REFRESH (request, BoRR or EoRR) arrived. */
  'route-refresh:received': (e: RouteRefreshEvent) => void;
  /** We sent a NOTIFICATION. */
  'notification:sent': (e: NotificationEvent) => void;
  /** The peer sent a NOTIFICATION. */
  'notification:received': (e: NotificationEvent) => void;
  /** The session left Established. */
  'session:down': (e: SessionDownEvent) => void;
  /** The peer began a graceful restart (we are the receiving speaker). */
  'peer:gr-start': (e: PeerGracefulRestartStartEvent) => void;
  /** Stale routes of a restarting peer must go. */
  'peer:gr-flush': (e: PeerGracefulRestartFlushEvent) => void;
  /** We restarted: route selection may run now. */
  'gr:deferral-end': (e: SelectionDeferralEndEvent) => void;
  /** A family's prefix count crossed the warning threshold. */
  'prefix-limit:warning': (e: PrefixLimitEvent) => void;
  /** A family's prefix count passed the maximum: the session ends with Cease 6/1. */
  'prefix-limit:exceeded': (e: PrefixLimitEvent) => void;
  /** The output queue has room again after `sendUpdate` returned false. */
  drain: () => void;
  /** An incoming connection was refused (Cease 6/5 or 6/7 sent). */
  'connection:rejected': (e: { readonly remoteAddress: string; readonly subcode: number }) => void;
}
