/**
 * The BGP finite state machine of RFC 4271 §8 as one pure function.
 *
 * `transition(attributes, event, config)` returns the next session attributes and the list of
 * actions (send, start/stop timer, connect, drop) for the runtime to carry out; it never touches
 * a socket or a clock, so every (state, event) pair is testable by a table. One connection has
 * one machine: during a connection collision (§6.8) the runtime runs two and feeds
 * `OpenCollisionDump` to the loser.
 *
 * Where this machine departs from the letter of §8.2.2, the reason is beside the code:
 * - a NOTIFICATION received is never answered with one (§6.4 spirit; the peer has closed);
 * - a header or OPEN error in Established is reported with its own code (§6.1, §6.2) rather
 *   than as an FSM Error, so that the peer learns what was wrong;
 * - the FSM Error sent for an unexpected message carries the RFC 6608 subcode of the state;
 * - automatic restart after an error (outside the RFC's scope) is an IdleHoldTimer start when
 *   AllowAutomaticStart is set, doubled on each failure when DampPeerOscillations is set.
 *
 * @module
 */
import { CeaseSubcode, ErrorCode, FsmErrorSubcode, type NotificationFields } from '@bgp/wire';
import type { FsmAction, FsmEvent, SessionState } from './events.js';

/**
 * The optional session attributes of RFC 4271 §8.1.1 and the timer values of §10. All times
 * are in seconds.
 */
export interface FsmConfig {
  /** ConnectRetryTime (§10: 120 s suggested). */
  readonly connectRetryTime: number;
  /** The "large value" the HoldTimer takes in OpenSent (§8.2.2: 4 minutes suggested). */
  readonly largeHoldTime: number;
  /** DelayOpen: wait for the peer's OPEN (or DelayOpenTime) before sending ours. */
  readonly delayOpen: boolean;
  /** DelayOpenTime. */
  readonly delayOpenTime: number;
  /** PassiveTcpEstablishment: wait for the peer to connect; never initiate. */
  readonly passiveTcpEstablishment: boolean;
  /** AllowAutomaticStart: restart by itself after an error (via the IdleHoldTimer). */
  readonly allowAutomaticStart: boolean;
  /** AllowAutomaticStop: accept AutomaticStop events (max-prefix, resource limits). */
  readonly allowAutomaticStop: boolean;
  /** DampPeerOscillations: double the IdleHoldTime after each failure. */
  readonly dampPeerOscillations: boolean;
  /** IdleHoldTime: first wait before an automatic restart. */
  readonly idleHoldTime: number;
  /** Ceiling of the IdleHoldTime back-off. */
  readonly maxIdleHoldTime: number;
  /** SendNOTIFICATIONwithoutOPEN: report errors in Connect/Active before an OPEN was sent. */
  readonly sendNotificationWithoutOpen: boolean;
  /** CollisionDetectEstablishedState: run §6.8 collision detection in Established too. */
  readonly collisionDetectEstablishedState: boolean;
}

/** RFC 4271 defaults, with automatic start and damping on as a long-running speaker wants. */
export const DEFAULT_FSM_CONFIG: FsmConfig = {
  connectRetryTime: 120,
  largeHoldTime: 240,
  delayOpen: false,
  delayOpenTime: 0,
  passiveTcpEstablishment: false,
  allowAutomaticStart: true,
  allowAutomaticStop: true,
  dampPeerOscillations: true,
  idleHoldTime: 5,
  maxIdleHoldTime: 300,
  sendNotificationWithoutOpen: false,
  collisionDetectEstablishedState: false,
};

/** The mandatory session attributes of RFC 4271 §8 plus what the machine must remember. */
export interface SessionAttributes {
  /** Current state. */
  readonly state: SessionState;
  /** ConnectRetryCounter: failures since the last manual start or stop. */
  readonly connectRetryCounter: number;
  /** Whether the DelayOpenTimer is running (it decides between events 19 and 20). */
  readonly delayOpenTimerRunning: boolean;
  /** Negotiated hold time (seconds; 0 = no hold timer), once an OPEN was accepted. */
  readonly holdTime: number;
  /** Keepalive interval (seconds), once an OPEN was accepted. */
  readonly keepaliveTime: number;
  /** IdleHoldTime the next automatic restart waits (grows under damping). */
  readonly idleHoldTime: number;
}

/** The attributes of a session that was never started. */
export function initialAttributes(config: FsmConfig = DEFAULT_FSM_CONFIG): SessionAttributes {
  return {
    state: 'Idle',
    connectRetryCounter: 0,
    delayOpenTimerRunning: false,
    holdTime: 0,
    keepaliveTime: 0,
    idleHoldTime: config.idleHoldTime,
  };
}

/** The result of one transition. */
export interface Transition {
  /** Attributes after the event. */
  readonly next: SessionAttributes;
  /** What to do, in order. */
  readonly actions: readonly FsmAction[];
}

/** Exhaustiveness guard for switches over closed unions. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

const EMPTY = new Uint8Array(0);

/** Cease with a subcode (RFC 4486). */
export function cease(subcode: number, data: Uint8Array = EMPTY): NotificationFields {
  return { code: ErrorCode.CEASE, subcode, data };
}

const HOLD_TIMER_EXPIRED: NotificationFields = {
  code: ErrorCode.HOLD_TIMER_EXPIRED,
  subcode: 0,
  data: EMPTY,
};

/** RFC 6608 §3: the FSM Error subcode names the state the unexpected message arrived in. */
function fsmError(state: SessionState): NotificationFields {
  const subcode =
    state === 'OpenSent'
      ? FsmErrorSubcode.RECEIVE_UNEXPECTED_MESSAGE_IN_OPENSENT
      : state === 'OpenConfirm'
        ? FsmErrorSubcode.RECEIVE_UNEXPECTED_MESSAGE_IN_OPENCONFIRM
        : state === 'Established'
          ? FsmErrorSubcode.RECEIVE_UNEXPECTED_MESSAGE_IN_ESTABLISHED
          : FsmErrorSubcode.UNSPECIFIED;
  return { code: ErrorCode.FSM_ERROR, subcode, data: EMPTY };
}

const stay = (a: SessionAttributes, actions: FsmAction[] = []): Transition => ({
  next: a,
  actions,
});

/** How a fall to Idle treats the ConnectRetryCounter (the RFC's three variants). */
type Counter = 'reset' | 'increment' | 'keep';

interface IdleOptions {
  readonly notification?: NotificationFields | null;
  readonly counter: Counter;
  /** "performs peer oscillation damping if DampPeerOscillations is TRUE" (and auto restart). */
  readonly damp: boolean;
  readonly deleteRoutes?: boolean;
  /** Only Established and the delay-open paths own a DelayOpenTimer that may run. */
  readonly stopDelayOpen?: boolean;
}

/**
 * The common fall to Idle: [send NOTIFICATION], stop ConnectRetryTimer, [delete routes],
 * release resources, drop TCP, adjust the counter, and arrange the automatic restart.
 */
function toIdle(a: SessionAttributes, config: FsmConfig, o: IdleOptions): Transition {
  const actions: FsmAction[] = [];
  if (o.notification) actions.push({ type: 'sendNotification', notification: o.notification });
  actions.push({ type: 'stopTimer', timer: 'ConnectRetryTimer' });
  if (o.stopDelayOpen || a.delayOpenTimerRunning)
    actions.push({ type: 'stopTimer', timer: 'DelayOpenTimer' });
  actions.push(
    { type: 'stopTimer', timer: 'HoldTimer' },
    { type: 'stopTimer', timer: 'KeepaliveTimer' },
  );
  if (o.deleteRoutes) actions.push({ type: 'deleteRoutes' });
  actions.push({ type: 'releaseResources' }, { type: 'dropConnection' });
  const connectRetryCounter =
    o.counter === 'reset'
      ? 0
      : o.counter === 'increment'
        ? a.connectRetryCounter + 1
        : a.connectRetryCounter;
  let idleHoldTime = a.idleHoldTime;
  if (o.damp && config.allowAutomaticStart) {
    // Automatic restart after an error, delayed by IdleHoldTime; with damping the next delay
    // doubles up to the ceiling, so a peer that keeps failing is retried ever more slowly.
    actions.push({ type: 'startTimer', timer: 'IdleHoldTimer', seconds: a.idleHoldTime });
    if (config.dampPeerOscillations)
      idleHoldTime = Math.min(Math.max(a.idleHoldTime * 2, 1), config.maxIdleHoldTime);
  }
  return {
    next: {
      ...a,
      state: 'Idle',
      connectRetryCounter,
      delayOpenTimerRunning: false,
      holdTime: 0,
      keepaliveTime: 0,
      idleHoldTime,
    },
    actions,
  };
}

/** Start from Idle: counter 0, ConnectRetryTimer, connect (unless passive). */
function start(a: SessionAttributes, config: FsmConfig, passive: boolean): Transition {
  const actions: FsmAction[] = [
    { type: 'stopTimer', timer: 'IdleHoldTimer' },
    { type: 'startTimer', timer: 'ConnectRetryTimer', seconds: config.connectRetryTime },
  ];
  if (!passive) actions.push({ type: 'connect' });
  return {
    next: { ...a, state: passive ? 'Active' : 'Connect', connectRetryCounter: 0 },
    actions,
  };
}

/** OPEN sent: the HoldTimer takes the large value until the peer's OPEN arrives. */
function sendOpen(a: SessionAttributes, config: FsmConfig, actions: FsmAction[]): Transition {
  actions.push(
    { type: 'sendOpen' },
    { type: 'startTimer', timer: 'HoldTimer', seconds: config.largeHoldTime },
  );
  return { next: { ...a, state: 'OpenSent', delayOpenTimerRunning: false }, actions };
}

/** A valid OPEN accepted: KEEPALIVE, then the negotiated timers (none if hold time is 0). */
function acceptOpen(
  a: SessionAttributes,
  e: { holdTime: number; keepaliveTime: number },
  actions: FsmAction[],
): Transition {
  actions.push({ type: 'sendKeepalive' });
  if (e.holdTime !== 0) {
    actions.push(
      { type: 'startTimer', timer: 'KeepaliveTimer', seconds: e.keepaliveTime },
      { type: 'startTimer', timer: 'HoldTimer', seconds: e.holdTime },
    );
  } else {
    actions.push(
      { type: 'stopTimer', timer: 'KeepaliveTimer' },
      { type: 'stopTimer', timer: 'HoldTimer' },
    );
  }
  return {
    next: {
      ...a,
      state: 'OpenConfirm',
      delayOpenTimerRunning: false,
      holdTime: e.holdTime,
      keepaliveTime: e.keepaliveTime,
    },
    actions,
  };
}

function restartHold(a: SessionAttributes): FsmAction[] {
  return a.holdTime !== 0 ? [{ type: 'startTimer', timer: 'HoldTimer', seconds: a.holdTime }] : [];
}

function stopNotification(e: FsmEvent, fallback: number): NotificationFields | null {
  if (e.type !== 'ManualStop' && e.type !== 'AutomaticStop') return cease(fallback);
  return e.notification === undefined ? cease(fallback) : e.notification;
}

/** RFC 4271 §8.2.2, Idle state. */
function idle(a: SessionAttributes, e: FsmEvent, c: FsmConfig): Transition {
  switch (e.type) {
    case 'ManualStart':
      return start(a, c, false);
    case 'ManualStart_with_PassiveTcpEstablishment':
      return start(a, c, true);
    case 'AutomaticStart':
      return c.allowAutomaticStart ? start(a, c, false) : stay(a);
    case 'AutomaticStart_with_PassiveTcpEstablishment':
      return c.allowAutomaticStart ? start(a, c, true) : stay(a);
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
      // §8.1.1: with damping the automatic start waits for the IdleHoldTimer.
      if (!c.allowAutomaticStart || !c.dampPeerOscillations) return stay(a);
      return stay(a, [{ type: 'startTimer', timer: 'IdleHoldTimer', seconds: a.idleHoldTime }]);
    case 'IdleHoldTimer_Expires':
      return c.allowAutomaticStart ? start(a, c, c.passiveTcpEstablishment) : stay(a);
    case 'ManualStop':
      // Ignored in Idle, but a manual stop also cancels a pending automatic restart.
      return stay({ ...a, idleHoldTime: c.idleHoldTime }, [
        { type: 'stopTimer', timer: 'IdleHoldTimer' },
      ]);
    case 'AutomaticStop':
    case 'ConnectRetryTimer_Expires':
    case 'HoldTimer_Expires':
    case 'KeepaliveTimer_Expires':
    case 'DelayOpenTimer_Expires':
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
    case 'TcpConnectionFails':
    case 'BGPOpen':
    case 'BGPOpen_with_DelayOpenTimer_running':
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
    case 'OpenCollisionDump':
    case 'NotifMsgVerErr':
    case 'NotifMsg':
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsg':
    case 'RouteRefreshMsgErr':
      // "Any other event (Events 9-12, 15-28) received in the Idle state does not cause
      // change in the state of the local system."
      return stay(a);
    default:
      return assertNever(e);
  }
}

/** RFC 4271 §8.2.2, Connect state. */
function connect(a: SessionAttributes, e: FsmEvent, c: FsmConfig): Transition {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
      return stay(a);
    case 'ManualStop':
      return toIdle(a, c, { counter: 'reset', damp: false, notification: null });
    case 'ConnectRetryTimer_Expires':
      return stay({ ...a, delayOpenTimerRunning: false }, [
        { type: 'dropConnection' },
        { type: 'startTimer', timer: 'ConnectRetryTimer', seconds: c.connectRetryTime },
        { type: 'stopTimer', timer: 'DelayOpenTimer' },
        { type: 'connect' },
      ]);
    case 'DelayOpenTimer_Expires':
      return sendOpen(a, c, [{ type: 'stopTimer', timer: 'ConnectRetryTimer' }]);
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      if (c.delayOpen) {
        return stay({ ...a, delayOpenTimerRunning: true }, [
          { type: 'stopTimer', timer: 'ConnectRetryTimer' },
          { type: 'startTimer', timer: 'DelayOpenTimer', seconds: c.delayOpenTime },
        ]);
      }
      return sendOpen(a, c, [{ type: 'stopTimer', timer: 'ConnectRetryTimer' }]);
    case 'TcpConnectionFails':
      if (a.delayOpenTimerRunning) {
        return {
          next: { ...a, state: 'Active', delayOpenTimerRunning: false },
          actions: [
            { type: 'startTimer', timer: 'ConnectRetryTimer', seconds: c.connectRetryTime },
            { type: 'stopTimer', timer: 'DelayOpenTimer' },
          ],
        };
      }
      // The RFC does not count this failure and restarts nothing: the automatic restart
      // (ours) still applies so that an unreachable peer is retried.
      return toIdle(a, c, { counter: 'keep', damp: true });
    default:
      return connectOrActive(a, e, c);
  }
}

/**
 * RFC 4271 §8.2.2: the events Connect and Active handle alike (the RFC writes them out twice).
 * Each state handles its own events first and hands the rest here. TypeScript cannot carry the
 * narrowing of an event whose discriminant is a union across the call, so an event neither
 * handles is caught at run time; the table tests cover every (state, event) pair.
 */
function connectOrActive(a: SessionAttributes, e: FsmEvent, c: FsmConfig): Transition {
  switch (e.type) {
    case 'BGPOpen_with_DelayOpenTimer_running':
      return acceptOpen(a, e, [
        { type: 'stopTimer', timer: 'ConnectRetryTimer' },
        { type: 'stopTimer', timer: 'DelayOpenTimer' },
        { type: 'sendOpen' },
      ]);
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        notification: c.sendNotificationWithoutOpen ? e.notification : null,
      });
    case 'NotifMsgVerErr':
      return a.delayOpenTimerRunning
        ? toIdle(a, c, { counter: 'keep', damp: false })
        : toIdle(a, c, { counter: 'increment', damp: true });
    case 'AutomaticStop':
      if (!c.allowAutomaticStop) return stay(a);
      return toIdle(a, c, { counter: 'increment', damp: true });
    case 'HoldTimer_Expires':
    case 'KeepaliveTimer_Expires':
    case 'IdleHoldTimer_Expires':
    case 'BGPOpen':
    case 'OpenCollisionDump':
    case 'NotifMsg':
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsg':
    case 'RouteRefreshMsgErr':
      return toIdle(a, c, { counter: 'increment', damp: true });
    default:
      throw new Error(`${e.type} is not handled in ${a.state}`);
  }
}

/** RFC 4271 §8.2.2, Active state. */
function active(a: SessionAttributes, e: FsmEvent, c: FsmConfig): Transition {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
      return stay(a);
    case 'ManualStop':
      return toIdle(a, c, {
        counter: 'reset',
        damp: false,
        notification:
          a.delayOpenTimerRunning && c.sendNotificationWithoutOpen
            ? stopNotification(e, CeaseSubcode.ADMINISTRATIVE_SHUTDOWN)
            : null,
      });
    case 'ConnectRetryTimer_Expires':
      // A passive session never initiates: it only re-arms the timer and keeps listening.
      if (c.passiveTcpEstablishment) {
        return stay(a, [
          { type: 'startTimer', timer: 'ConnectRetryTimer', seconds: c.connectRetryTime },
        ]);
      }
      return {
        next: { ...a, state: 'Connect' },
        actions: [
          { type: 'startTimer', timer: 'ConnectRetryTimer', seconds: c.connectRetryTime },
          { type: 'connect' },
        ],
      };
    case 'DelayOpenTimer_Expires':
      return sendOpen(a, c, [
        { type: 'stopTimer', timer: 'ConnectRetryTimer' },
        { type: 'stopTimer', timer: 'DelayOpenTimer' },
      ]);
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      if (c.delayOpen) {
        return stay({ ...a, delayOpenTimerRunning: true }, [
          { type: 'stopTimer', timer: 'ConnectRetryTimer' },
          { type: 'startTimer', timer: 'DelayOpenTimer', seconds: c.delayOpenTime },
        ]);
      }
      return sendOpen(a, c, [{ type: 'stopTimer', timer: 'ConnectRetryTimer' }]);
    case 'TcpConnectionFails':
      return toIdle(a, c, { counter: 'increment', damp: true, stopDelayOpen: true });
    default:
      return connectOrActive(a, e, c);
  }
}

/** RFC 4271 §8.2.2, OpenSent state. */
function openSent(a: SessionAttributes, e: FsmEvent, c: FsmConfig): Transition {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
    // A second TCP connection is tracked by the runtime (§6.8) until its OPEN arrives.
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return stay(a);
    case 'ManualStop':
      return toIdle(a, c, {
        counter: 'reset',
        damp: false,
        notification: stopNotification(e, CeaseSubcode.ADMINISTRATIVE_SHUTDOWN),
      });
    case 'AutomaticStop':
      if (!c.allowAutomaticStop) return stay(a);
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        notification: stopNotification(e, CeaseSubcode.UNSPECIFIC),
      });
    case 'HoldTimer_Expires':
      return toIdle(a, c, { counter: 'increment', damp: true, notification: HOLD_TIMER_EXPIRED });
    case 'TcpConnectionFails':
      return {
        next: { ...a, state: 'Active' },
        actions: [
          { type: 'stopTimer', timer: 'HoldTimer' },
          { type: 'releaseResources' },
          { type: 'dropConnection' },
          { type: 'startTimer', timer: 'ConnectRetryTimer', seconds: c.connectRetryTime },
        ],
      };
    case 'BGPOpen':
      return acceptOpen(a, e, [
        { type: 'stopTimer', timer: 'DelayOpenTimer' },
        { type: 'stopTimer', timer: 'ConnectRetryTimer' },
      ]);
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(a, c, { counter: 'increment', damp: true, notification: e.notification });
    case 'OpenCollisionDump':
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        notification: cease(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION),
      });
    case 'NotifMsgVerErr':
      return toIdle(a, c, { counter: 'keep', damp: false });
    case 'NotifMsg':
      // §8.2.2 lists event 25 among those answered with an FSM Error; a NOTIFICATION is never
      // answered (the peer has already closed), so only the fall to Idle remains.
      return toIdle(a, c, { counter: 'increment', damp: true });
    case 'UpdateMsgErr':
    case 'RouteRefreshMsgErr':
    case 'ConnectRetryTimer_Expires':
    case 'KeepaliveTimer_Expires':
    case 'DelayOpenTimer_Expires':
    case 'IdleHoldTimer_Expires':
    case 'BGPOpen_with_DelayOpenTimer_running':
    case 'KeepAliveMsg':
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
      return toIdle(a, c, { counter: 'increment', damp: true, notification: fsmError('OpenSent') });
    default:
      return assertNever(e);
  }
}

/** RFC 4271 §8.2.2, OpenConfirm state. */
function openConfirm(a: SessionAttributes, e: FsmEvent, c: FsmConfig): Transition {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return stay(a);
    case 'ManualStop':
      return toIdle(a, c, {
        counter: 'reset',
        damp: false,
        notification: stopNotification(e, CeaseSubcode.ADMINISTRATIVE_SHUTDOWN),
      });
    case 'AutomaticStop':
      if (!c.allowAutomaticStop) return stay(a);
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        notification: stopNotification(e, CeaseSubcode.UNSPECIFIC),
      });
    case 'HoldTimer_Expires':
      return toIdle(a, c, { counter: 'increment', damp: true, notification: HOLD_TIMER_EXPIRED });
    case 'KeepaliveTimer_Expires':
      return stay(a, [
        { type: 'sendKeepalive' },
        { type: 'startTimer', timer: 'KeepaliveTimer', seconds: a.keepaliveTime },
      ]);
    case 'TcpConnectionFails':
    case 'NotifMsg':
      return toIdle(a, c, { counter: 'increment', damp: true });
    case 'NotifMsgVerErr':
      return toIdle(a, c, { counter: 'keep', damp: false });
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(a, c, { counter: 'increment', damp: true, notification: e.notification });
    case 'OpenCollisionDump':
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        notification: cease(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION),
      });
    case 'KeepAliveMsg':
      return { next: { ...a, state: 'Established' }, actions: restartHold(a) };
    case 'BGPOpen':
    // The runtime resolves collisions before feeding an OPEN (§6.8); a second OPEN on the same
    // connection is an unexpected message.
    case 'ConnectRetryTimer_Expires':
    case 'DelayOpenTimer_Expires':
    case 'IdleHoldTimer_Expires':
    case 'BGPOpen_with_DelayOpenTimer_running':
    case 'UpdateMsg':
    case 'UpdateMsgErr':
    case 'RouteRefreshMsg':
    case 'RouteRefreshMsgErr':
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        notification: fsmError('OpenConfirm'),
      });
    default:
      return assertNever(e);
  }
}

/** RFC 4271 §8.2.2, Established state. */
function established(a: SessionAttributes, e: FsmEvent, c: FsmConfig): Transition {
  switch (e.type) {
    case 'ManualStart':
    case 'AutomaticStart':
    case 'ManualStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_PassiveTcpEstablishment':
    case 'AutomaticStart_with_DampPeerOscillations':
    case 'AutomaticStart_with_DampPeerOscillations_and_PassiveTcpEstablishment':
    case 'TcpConnection_Valid':
    case 'Tcp_CR_Invalid':
    case 'Tcp_CR_Acked':
    case 'TcpConnectionConfirmed':
      return stay(a);
    case 'ManualStop':
      return toIdle(a, c, {
        counter: 'reset',
        damp: false,
        deleteRoutes: true,
        notification: stopNotification(e, CeaseSubcode.ADMINISTRATIVE_SHUTDOWN),
      });
    case 'AutomaticStop':
      if (!c.allowAutomaticStop) return stay(a);
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        deleteRoutes: true,
        notification: stopNotification(e, CeaseSubcode.UNSPECIFIC),
      });
    case 'HoldTimer_Expires':
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        deleteRoutes: true,
        notification: HOLD_TIMER_EXPIRED,
      });
    case 'KeepaliveTimer_Expires':
      return stay(a, [
        { type: 'sendKeepalive' },
        { type: 'startTimer', timer: 'KeepaliveTimer', seconds: a.keepaliveTime },
      ]);
    case 'OpenCollisionDump':
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        deleteRoutes: true,
        notification: cease(CeaseSubcode.CONNECTION_COLLISION_RESOLUTION),
      });
    case 'NotifMsgVerErr':
    case 'NotifMsg':
    case 'TcpConnectionFails':
      return toIdle(a, c, { counter: 'increment', damp: true, deleteRoutes: true });
    case 'KeepAliveMsg':
      return stay(a, restartHold(a));
    case 'UpdateMsg':
    case 'RouteRefreshMsg':
      return stay(a, [{ type: 'processMessage' }, ...restartHold(a)]);
    case 'UpdateMsgErr':
    case 'RouteRefreshMsgErr':
    // §6.1/§6.2: a header or OPEN error is reported with its own code, also in Established.
    case 'BGPHeaderErr':
    case 'BGPOpenMsgErr':
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        deleteRoutes: true,
        notification: e.notification,
      });
    case 'BGPOpen':
    case 'ConnectRetryTimer_Expires':
    case 'DelayOpenTimer_Expires':
    case 'IdleHoldTimer_Expires':
    case 'BGPOpen_with_DelayOpenTimer_running':
      return toIdle(a, c, {
        counter: 'increment',
        damp: true,
        deleteRoutes: true,
        notification: fsmError('Established'),
      });
    default:
      return assertNever(e);
  }
}

/**
 * One step of the RFC 4271 §8.2.2 state machine.
 *
 * @param attributes - the session attributes before the event
 * @param event - what happened
 * @param config - the optional attributes and timer values
 * @returns the attributes after the event and the actions to carry out, in order
 *
 * @example
 * ```ts
 * const { next, actions } = transition(initialAttributes(), { type: 'ManualStart' }, DEFAULT_FSM_CONFIG);
 * next.state; // 'Connect'
 * actions.map((a) => a.type); // ['stopTimer', 'startTimer', 'connect']
 * ```
 */
export function transition(
  attributes: SessionAttributes,
  event: FsmEvent,
  config: FsmConfig = DEFAULT_FSM_CONFIG,
): Transition {
  switch (attributes.state) {
    case 'Idle':
      return idle(attributes, event, config);
    case 'Connect':
      return connect(attributes, event, config);
    case 'Active':
      return active(attributes, event, config);
    case 'OpenSent':
      return openSent(attributes, event, config);
    case 'OpenConfirm':
      return openConfirm(attributes, event, config);
    case 'Established':
      return established(attributes, event, config);
    default:
      return assertNever(attributes.state);
  }
}

/**
 * Resets the damping back-off after a session has stayed up long enough to count as stable
 * (the runtime decides when; the RFC leaves the method open).
 */
export function resetDamping(attributes: SessionAttributes, config: FsmConfig): SessionAttributes {
  return { ...attributes, idleHoldTime: config.idleHoldTime };
}
