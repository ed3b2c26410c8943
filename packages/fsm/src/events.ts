/**
 * The inputs and outputs of the pure state machine: the events of RFC 4271 §8.1 and the actions
 * the runtime carries out.
 *
 * Event names are those of RFC 4271 §8.1.2-8.1.5 (numbered there 1-28). Two events that the RFC
 * does not number, `RouteRefreshMsg` and `RouteRefreshMsgErr`, carry RFC 2918/7313 messages
 * through the same machine so that they restart the hold timer and are refused outside
 * Established like any other unexpected message.
 *
 * @module
 */
import type { NotificationFields } from '@bgp/wire';

/** The six session states of RFC 4271 §8.2.2, in the order a session comes up. */
export const FSM_STATES = [
  'Idle',
  'Connect',
  'Active',
  'OpenSent',
  'OpenConfirm',
  'Established',
] as const;

/** A session state. */
export type SessionState = (typeof FSM_STATES)[number];

/** The timers of RFC 4271 §8 (IdleHoldTimer is the optional damping timer of §8.1.1). */
export type TimerName =
  | 'ConnectRetryTimer'
  | 'HoldTimer'
  | 'KeepaliveTimer'
  | 'DelayOpenTimer'
  | 'IdleHoldTimer';

/** Events that carry no data, by RFC 4271 §8.1 name. */
export const SIMPLE_EVENTS = [
  'ManualStart',
  'AutomaticStart',
  'ManualStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_PassiveTcpEstablishment',
  'AutomaticStart_with_DampPeerOscillations',
  'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment',
  'ConnectRetryTimer_Expires',
  'HoldTimer_Expires',
  'KeepaliveTimer_Expires',
  'DelayOpenTimer_Expires',
  'IdleHoldTimer_Expires',
  'TcpConnection_Valid',
  'Tcp_CR_Invalid',
  'Tcp_CR_Acked',
  'TcpConnectionConfirmed',
  'TcpConnectionFails',
  'OpenCollisionDump',
  'NotifMsgVerErr',
  'NotifMsg',
  'KeepAliveMsg',
  'UpdateMsg',
  'RouteRefreshMsg',
] as const;

/** The name of an event without data. */
export type SimpleEventType = (typeof SIMPLE_EVENTS)[number];

/** An event without data. */
export interface SimpleEvent {
  /** RFC 4271 §8.1 event name. */
  readonly type: SimpleEventType;
}

/**
 * ManualStop (event 2) or AutomaticStop (event 8). `notification` is the Cease to send where
 * the RFC sends one; by default Cease/Administrative Shutdown (6/2) for a manual stop and
 * Cease/Unspecific (6/0) for an automatic one. A graceful stop (RFC 4724) sets
 * `notification: null`: the connection is closed without any NOTIFICATION.
 */
export interface StopEvent {
  /** Event name. */
  readonly type: 'ManualStop' | 'AutomaticStop';
  /** The Cease to send; `null` for none. */
  readonly notification?: NotificationFields | null;
}

/**
 * A valid OPEN (event 19) or a valid OPEN while the DelayOpenTimer runs (event 20), with the
 * hold and keepalive times negotiated from it (RFC 4271 §4.2: the smaller hold time; 0 = none).
 */
export interface OpenReceivedEvent {
  /** Event name. */
  readonly type: 'BGPOpen' | 'BGPOpen_with_DelayOpenTimer_running';
  /** Negotiated hold time in seconds; 0 disables the hold and keepalive timers. */
  readonly holdTime: number;
  /** Keepalive interval in seconds. */
  readonly keepaliveTime: number;
}

/** A received message that failed its checks (events 21, 22, 28 and the ROUTE-REFRESH error). */
export interface MessageErrorEvent {
  /** Event name. */
  readonly type: 'BGPHeaderErr' | 'BGPOpenMsgErr' | 'UpdateMsgErr' | 'RouteRefreshMsgErr';
  /** The NOTIFICATION that reports the error (from `BgpError.toNotification()`). */
  readonly notification: NotificationFields;
}

/** Any input of the state machine. */
export type FsmEvent = SimpleEvent | StopEvent | OpenReceivedEvent | MessageErrorEvent;

/** The name of any event. */
export type FsmEventType = FsmEvent['type'];

/** Every event name, for tables that must cover them all. */
export const FSM_EVENT_TYPES: readonly FsmEventType[] = [
  ...SIMPLE_EVENTS,
  'ManualStop',
  'AutomaticStop',
  'BGPOpen',
  'BGPOpen_with_DelayOpenTimer_running',
  'BGPHeaderErr',
  'BGPOpenMsgErr',
  'UpdateMsgErr',
  'RouteRefreshMsgErr',
];

/** What the runtime must do; the output of {@link transition}. */
export type FsmAction =
  /** (Re)start a timer; the runtime applies the RFC 4271 §10 jitter where it belongs. */
  | { readonly type: 'startTimer'; readonly timer: TimerName; readonly seconds: number }
  /** Stop a timer ("set to zero" in the RFC). */
  | { readonly type: 'stopTimer'; readonly timer: TimerName }
  /** Initiate a TCP connection to the peer. */
  | { readonly type: 'connect' }
  /** Drop the TCP connection. */
  | { readonly type: 'dropConnection' }
  /** Release every resource of the connection (framer, queues). */
  | { readonly type: 'releaseResources' }
  /** Forget the routes learned on the session (or mark them stale under graceful restart). */
  | { readonly type: 'deleteRoutes' }
  /** Send our OPEN. */
  | { readonly type: 'sendOpen' }
  /** Send a KEEPALIVE. */
  | { readonly type: 'sendKeepalive' }
  /** Send a NOTIFICATION. */
  | { readonly type: 'sendNotification'; readonly notification: NotificationFields }
  /** Hand the received UPDATE (or ROUTE-REFRESH) to the application. */
  | { readonly type: 'processMessage' };

/** The name of an action. */
export type FsmActionType = FsmAction['type'];
