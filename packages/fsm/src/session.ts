/**
 * The thin runtime around the pure state machine: one BGP session with one peer.
 *
 * A {@link Session} owns up to two connections (one we opened, one the peer opened) while a
 * collision is being resolved (RFC 4271 §6.8), each with its own {@link SessionAttributes},
 * timers, framer and output queue. Bytes go through the wire package's `Framer` and
 * `decodeMessage`; each message becomes an RFC 4271 §8.1 event; the actions that
 * {@link transition} returns are carried out here: timers on the injected clock, writes through
 * the bounded {@link SendQueue}, connects through the injected {@link Connector}.
 *
 * The session holds no routes. It tells the RIB what happened (typed events) and takes from it
 * what only the RIB knows: prefix counts ({@link Session.setPrefixCount}) and what to send.
 *
 * @module
 */
import {
  type BgpError,
  type BgpMessage,
  CeaseSubcode,
  ceaseWithShutdownMessage,
  createNotification,
  createOpen,
  createRouteRefresh,
  DEFAULT_CONTEXT,
  decodeMessage,
  ErrorCode,
  encodeMessage,
  endOfRib,
  Framer,
  familyKey,
  hardReset,
  isBgpError,
  isEndOfRib,
  KEEPALIVE,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  MessageType,
  type NotificationFields,
  type OpenMessage,
  OpenMessageErrorSubcode,
  RouteRefreshSubtype,
  type UpdateMessage,
} from '@bgp/wire';
import createDebug from 'debug';
import { EventEmitter } from 'eventemitter3';
import { type Clock, type RandomSource, systemClock, type TimerHandle } from './clock.js';
import { Connection, notificationEvent, rejectConnection } from './connection.js';
import type { FsmAction, FsmEvent, FsmEventType, TimerName } from './events.js';
import {
  cease,
  DEFAULT_FSM_CONFIG,
  type FsmConfig,
  initialAttributes,
  resetDamping,
  type SessionAttributes,
  transition,
} from './fsm.js';
import { GracefulRestartTracker, retainsRoutes } from './graceful-restart.js';
import {
  localCapabilities,
  type NegotiatedSession,
  type NegotiationConfig,
  negotiate,
} from './negotiate.js';
import { SendQueue } from './send-queue.js';
import type { ConnectionDirection, SessionDownEvent, SessionEvents } from './session-events.js';
import type { SessionComponents, SessionOptions } from './session-options.js';
import { checkRawUpdate } from './session-raw-update.js';
import { TimerSet } from './timers.js';
import type { Connector, Transport } from './transport.js';

// Re-exported from here, where the listener and users have always found it.
export { rejectConnection } from './connection.js';

/**
 * One BGP session with one peer.
 *
 * @example
 * ```ts
 * const session = new Session(
 *   { peerAddress: '127.0.0.2', localAs: 65001, peerAs: 65002, bgpIdentifier: 0x0a000001 },
 *   { connector: tcpConnector({ host: '127.0.0.2', port: 1179 }) },
 * );
 * session.on('established', ({ negotiated }) => console.log('hold', negotiated.holdTime));
 * session.start();
 * // later
 * session.stop({ message: 'maintenance' }); // Cease 6/2 with an RFC 9003 shutdown message
 * ```
 */
export class Session extends EventEmitter<SessionEvents> {
  /** The options. */
  readonly options: SessionOptions;
  /** The effective state machine configuration. */
  readonly fsmConfig: FsmConfig;
  private readonly clock: Clock;
  private readonly random: RandomSource;
  private readonly connector: Connector | undefined;
  private readonly log: createDebug.Debugger;
  private primary: Connection;
  private secondary: Connection | undefined;
  private started = false;
  private restarting: boolean;
  /** Overrides the next IdleHoldTimer (max-prefix restart); null = no automatic restart. */
  private restartOverride: number | null | undefined;
  private readonly prefixWarned = new Set<number>();
  private readonly gr: GracefulRestartTracker;
  private stableTimer: TimerHandle | undefined;

  /**
   * @param options - session options
   * @param components - clock, random source, connector
   */
  constructor(options: SessionOptions, components: SessionComponents = {}) {
    super();
    const hold = options.holdTime ?? 90;
    if (hold === 1 || hold === 2 || hold < 0 || hold > 65535)
      throw new RangeError(`hold time ${hold} is not 0 or 3-65535 (RFC 4271 §4.2)`);
    this.options = options;
    this.fsmConfig = { ...DEFAULT_FSM_CONFIG, ...options.fsm };
    if (!components.connector && options.fsm?.passiveTcpEstablishment === undefined)
      this.fsmConfig = { ...this.fsmConfig, passiveTcpEstablishment: true };
    this.clock = components.clock ?? systemClock;
    this.random = components.random ?? Math.random;
    this.connector = components.connector;
    this.log = createDebug(`bgp:fsm:${options.name ?? options.peerAddress}`);
    this.restarting = options.gracefulRestart?.restarting ?? false;
    this.primary = this.newConnection(initialAttributes(this.fsmConfig));
    this.gr = new GracefulRestartTracker(
      this.clock,
      (event, ...args) => (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args),
      options,
      () => this.primary.attributes.state === 'Established',
    );
  }

  /** Current state (of the connection that represents the session). */
  get state(): SessionAttributes['state'] {
    return this.primary.attributes.state;
  }

  /** The session attributes of the primary connection (ConnectRetryCounter, timers...). */
  get attributes(): SessionAttributes {
    return this.primary.attributes;
  }

  /** What was negotiated, once an OPEN was accepted. */
  get negotiated(): NegotiatedSession | undefined {
    return this.primary.negotiated;
  }

  /** Whether a timer of the primary connection runs (for tests and diagnostics). */
  isTimerRunning(name: TimerName): boolean {
    return this.primary.timers.isRunning(name);
  }

  /** Bytes waiting in the output queue and the transport. */
  get queuedBytes(): number {
    return this.primary.queue?.totalBytes ?? 0;
  }

  /** Starts the session: ManualStart, or ManualStart_with_PassiveTcpEstablishment when passive. */
  start(): void {
    this.started = true;
    this.dispatch(this.primary, {
      type: this.fsmConfig.passiveTcpEstablishment
        ? 'ManualStart_with_PassiveTcpEstablishment'
        : 'ManualStart',
    });
  }

  /**
   * Stops the session (ManualStop).
   *
   * @param options - `message`: RFC 9003 shutdown communication in a Cease 6/2 (or `subcode`, e.g.
   *   4 Administrative Reset); `graceful`: close TCP without a NOTIFICATION so that peers keep our
   *   routes for our restart (RFC 4724)
   */
  stop(
    options: {
      readonly message?: string;
      readonly subcode?: number;
      readonly graceful?: boolean;
    } = {},
  ): void {
    this.started = false;
    let n: NotificationFields | null;
    if (options.graceful) n = null;
    else {
      const subcode = options.subcode ?? CeaseSubcode.ADMINISTRATIVE_SHUTDOWN;
      n =
        options.message !== undefined
          ? ceaseWithShutdownMessage(subcode, options.message)
          : cease(subcode);
      n = this.maybeHardReset(n);
    }
    if (this.secondary) this.dispatch(this.secondary, { type: 'ManualStop', notification: n });
    this.dispatch(this.primary, { type: 'ManualStop', notification: n });
    this.gr.clear('stopped');
  }

  /** Stops everything at once without NOTIFICATION or events (process shutdown, tests). */
  destroy(): void {
    this.started = false;
    for (const c of [this.primary, this.secondary]) {
      if (!c) continue;
      c.timers.stopAll();
      c.attempt++;
      c.transport?.destroy();
      c.transport = undefined;
    }
    this.gr.clear(undefined);
    if (this.stableTimer) this.clock.cancel(this.stableTimer);
    this.removeAllListeners();
  }

  /**
   * Hands the session an incoming connection (from a listener or a test). Depending on the
   * state it becomes the session's connection, a second connection tracked for collision
   * detection (RFC 4271 §6.8), or it is refused with Cease 6/5 or 6/7 (RFC 4486).
   */
  accept(transport: Transport): void {
    const p = this.primary;
    if (!this.started || this.secondary) {
      this.reject(transport, CeaseSubcode.CONNECTION_REJECTED);
      return;
    }
    switch (p.attributes.state) {
      case 'Idle':
        // RFC 4271 §8.2.2: Idle refuses incoming connections.
        this.reject(transport, CeaseSubcode.CONNECTION_REJECTED);
        return;
      case 'Connect':
      case 'Active':
        if (!p.transport) {
          p.attempt++; // abandon our own pending connect: this one is here first
          this.attach(p, transport, 'incoming', { type: 'TcpConnectionConfirmed' });
          return;
        }
        break;
      case 'OpenSent':
      case 'OpenConfirm':
        break;
      case 'Established':
        if (!this.fsmConfig.collisionDetectEstablishedState) {
          this.reject(transport, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION);
          return;
        }
        break;
    }
    const s = this.newConnection({ ...initialAttributes(this.fsmConfig), state: 'Active' });
    this.secondary = s;
    this.attach(s, transport, 'incoming', { type: 'TcpConnectionConfirmed' });
  }

  /**
   * Sends an UPDATE in Established.
   *
   * @returns false when the caller should wait for `drain` before sending more (the UPDATE is
   *   queued), or when it was not sent: the session is not Established, or the queue overflowed
   *   and the session is ending with Cease 6/8
   * @throws `MessageHeaderError` 1/2 when the encoded UPDATE exceeds the negotiated maximum length
   */
  sendUpdate(update: UpdateMessage): boolean {
    const c = this.primary;
    if (c.attributes.state !== 'Established' || !c.queue) return false;
    const bytes = encodeMessage(update, c.sendContext);
    const r = c.queue.push(bytes);
    // RFC 4271 §4.4: sending an UPDATE restarts the KeepaliveTimer.
    if (c.attributes.holdTime !== 0) c.timers.start('KeepaliveTimer', c.attributes.keepaliveTime);
    if (r === 'overflow') {
      this.log('output queue overflow (%d bytes): Cease/Out of Resources', c.queue.totalBytes);
      this.dispatch(c, {
        type: 'AutomaticStop',
        notification: cease(CeaseSubcode.OUT_OF_RESOURCES),
      });
      return false;
    }
    return r === 'ok';
  }

  /** Sends End-of-RIB for a family (RFC 4724 §2). */
  sendEndOfRib(afi: number, safi: number): boolean {
    return this.sendUpdate(endOfRib(afi, safi));
  }

  /**
   * Sends a ROUTE-REFRESH (RFC 2918) or, with enhanced route refresh negotiated, a BoRR / EoRR
   * marker (RFC 7313).
   *
   * @throws Error when the session is not Established or the peer did not negotiate it
   */
  sendRouteRefresh(
    afi: number,
    safi: number,
    subtype: number = RouteRefreshSubtype.NORMAL,
  ): boolean {
    const c = this.primary;
    const n = c.negotiated;
    if (c.attributes.state !== 'Established' || !c.queue || !n)
      throw new Error('session is not Established');
    if (!n.routeRefresh) throw new Error('route refresh was not negotiated');
    if (subtype !== RouteRefreshSubtype.NORMAL && !n.enhancedRouteRefresh)
      throw new Error('enhanced route refresh was not negotiated');
    return (
      c.queue.push(encodeMessage(createRouteRefresh(afi, safi, subtype), c.sendContext)) === 'ok'
    );
  }

  /**
   * Reports the number of prefixes the RIB holds from this peer for a family, and enforces the
   * configured maximum: a warning at the threshold, then Cease 6/1 (RFC 4486) and an automatic
   * restart after the limit's `restartTime`.
   */
  setPrefixCount(afi: number, safi: number, count: number): void {
    const lim = this.options.maxPrefixes?.find((l) => l.afi === afi && l.safi === safi);
    if (!lim) return;
    const key = familyKey(afi, safi);
    const threshold = lim.warningThreshold ?? Math.floor(lim.limit * 0.9);
    if (count >= threshold && !this.prefixWarned.has(key)) {
      this.prefixWarned.add(key);
      this.emit('prefix-limit:warning', { afi, safi, count, limit: lim.limit });
    } else if (count < threshold) this.prefixWarned.delete(key);
    if (count <= lim.limit || this.primary.attributes.state !== 'Established') return;
    this.emit('prefix-limit:exceeded', { afi, safi, count, limit: lim.limit });
    // RFC 4486 §4: data is AFI (2), SAFI (1) and the upper bound (4).
    const data = Uint8Array.of(
      afi >> 8,
      afi & 255,
      safi,
      lim.limit >>> 24,
      (lim.limit >>> 16) & 255,
      (lim.limit >>> 8) & 255,
      lim.limit & 255,
    );
    this.restartOverride = lim.restartTime ? lim.restartTime : null;
    this.dispatch(this.primary, {
      type: 'AutomaticStop',
      notification: this.maybeHardReset(
        cease(CeaseSubcode.MAXIMUM_NUMBER_OF_PREFIXES_REACHED, data),
      ),
    });
    // AllowAutomaticStop false: the machine ignored the stop, so no restart delay is pending.
    if (this.primary.attributes.state === 'Established') this.restartOverride = undefined;
  }

  /**
   * Ends the session over an error found in what it delivered, typically by the RIB decoding
   * an `update:raw` body: sends the NOTIFICATION the error names (RFC 4271 §6.3, RFC 7606
   * reset) and goes to Idle, as if the session's own decoder had found it.
   *
   * @param err - the typed error (e.g. an `UpdateMessageError` thrown by `ingestUpdate`)
   * @returns false when the session was not Established (nothing sent)
   */
  fail(err: BgpError): boolean {
    const c = this.primary;
    if (c.attributes.state !== 'Established') return false;
    this.log('consumer reported: %s', err.message);
    const type =
      err.code === ErrorCode.ROUTE_REFRESH_MESSAGE_ERROR ? 'RouteRefreshMsgErr' : 'UpdateMsgErr';
    this.dispatch(c, { type, notification: err.toNotification() });
    return true;
  }

  // ---- state machine plumbing ------------------------------------------------------------

  private newConnection(attributes: SessionAttributes): Connection {
    return new Connection(
      attributes,
      (c) =>
        new TimerSet(this.clock, this.random, (name) =>
          this.dispatch(c, { type: `${name}_Expires` } as FsmEvent),
        ),
    );
  }

  private dispatch(c: Connection, event: FsmEvent): void {
    const from = c.attributes.state;
    const { next, actions } = transition(c.attributes, event, this.fsmConfig);
    c.attributes = next;
    if (this.log.enabled && (from !== next.state || actions.length > 0))
      this.log(
        '%s %s: %s -> %s [%s]',
        c.direction ?? '-',
        event.type,
        from,
        next.state,
        actions.map((a) => a.type).join(' '),
      );
    for (const a of actions) this.perform(c, a);
    if (from !== next.state) this.stateChanged(c, from, event.type);
    c.notification = undefined;
  }

  private perform(c: Connection, a: FsmAction): void {
    switch (a.type) {
      case 'startTimer': {
        let seconds = a.seconds;
        if (a.timer === 'IdleHoldTimer' && this.restartOverride !== undefined) {
          seconds = this.restartOverride ?? 0;
          this.restartOverride = undefined;
        }
        // No automatic restart for a connection that lost a collision or a stopped session.
        if (a.timer === 'IdleHoldTimer' && (!this.started || c !== this.primary)) return;
        c.timers.start(a.timer, seconds);
        return;
      }
      case 'stopTimer':
        c.timers.stop(a.timer);
        return;
      case 'connect':
        this.connect(c);
        return;
      case 'dropConnection':
        this.drop(c);
        return;
      case 'releaseResources':
        c.queue?.clear();
        c.timers.stopAll();
        c.framer.reset();
        return;
      case 'deleteRoutes':
        return; // reported by session:down in stateChanged, with the graceful restart decision
      case 'sendOpen':
        this.sendOpen(c);
        return;
      case 'sendKeepalive':
        if (c.transport && c.queue) c.queue.pushControl(encodeMessage(KEEPALIVE, c.sendContext));
        return;
      case 'sendNotification':
        this.sendNotification(c, a.notification);
        return;
      case 'processMessage':
        this.deliver(c);
        return;
      default: {
        const never: never = a;
        throw new Error(`unknown action ${JSON.stringify(never)}`);
      }
    }
  }

  private connect(c: Connection): void {
    const connector = this.connector;
    if (!connector || c !== this.primary) return;
    const attempt = ++c.attempt;
    connector().then(
      (t) => {
        if (
          c.attempt !== attempt ||
          c.transport ||
          c !== this.primary ||
          c.attributes.state !== 'Connect'
        ) {
          t.destroy();
          return;
        }
        this.attach(c, t, 'outgoing', { type: 'Tcp_CR_Acked' });
      },
      (err: unknown) => {
        if (c.attempt !== attempt) return;
        this.log('connect failed: %s', (err as Error).message);
        this.dispatch(c, { type: 'TcpConnectionFails' });
      },
    );
  }

  /**
   * Makes `t` the connection's transport, feeds `event` to the machine, and only then listens:
   * bytes the transport already holds (a fast peer's OPEN) must meet the state that event
   * produces, not the one before it.
   */
  private attach(
    c: Connection,
    t: Transport,
    direction: ConnectionDirection,
    event: FsmEvent,
  ): void {
    c.transport = t;
    c.direction = direction;
    c.framer = new Framer();
    c.receiveContext = DEFAULT_CONTEXT;
    c.sendContext = DEFAULT_CONTEXT;
    c.negotiated = undefined;
    const queue = new SendQueue(t, () => this.emit('drain'), this.options.sendQueue);
    c.queue = queue;
    this.dispatch(c, event);
    if (c.transport !== t) return;
    t.attach({
      data: (chunk) => {
        if (c.transport === t) this.receive(c, t, chunk);
      },
      drain: () => {
        if (c.queue === queue) queue.drained();
      },
      close: (err) => {
        if (c.transport !== t) return;
        this.log('connection closed%s', err ? `: ${err.message}` : '');
        c.transport = undefined;
        this.dispatch(c, { type: 'TcpConnectionFails' });
      },
    });
  }

  private drop(c: Connection): void {
    c.attempt++;
    const t = c.transport;
    c.transport = undefined;
    c.queue = undefined;
    if (!t) return;
    t.end();
    // A peer that stops reading would keep a FIN-after-data pending forever.
    const timer = this.clock.setTimer(this.options.closeGraceMs ?? 3000, () => t.destroy());
    t.attach({ data() {}, drain() {}, close: () => this.clock.cancel(timer) });
  }

  private reject(t: Transport, subcode: number): void {
    this.log('rejecting connection from %s (Cease %d)', t.remoteAddress, subcode);
    rejectConnection(t, subcode);
    this.emit('connection:rejected', { remoteAddress: t.remoteAddress, subcode });
  }

  // ---- receiving ---------------------------------------------------------------------------

  private receive(c: Connection, t: Transport, chunk: Uint8Array): void {
    c.framer.push(chunk);
    while (c.transport === t) {
      let bytes: Uint8Array | undefined;
      try {
        bytes = c.framer.next();
      } catch (err) {
        if (!isBgpError(err)) throw err;
        this.dispatch(c, { type: 'BGPHeaderErr', notification: err.toNotification() });
        return;
      }
      if (bytes === undefined) return;
      this.message(c, bytes);
    }
  }

  private message(c: Connection, bytes: Uint8Array): void {
    // Raw mode: an UPDATE's framing is checked and End-of-RIB recognised (checkRawUpdate
    // returns the decoded marker, else undefined); the rest is left to the listener.
    const raw =
      bytes[18] === MessageType.UPDATE &&
      this.options.updateDecoding === 'raw' &&
      c.attributes.state === 'Established';
    let msg: BgpMessage | undefined;
    try {
      msg = raw
        ? checkRawUpdate(bytes.subarray(19), c.receiveContext)
        : decodeMessage(bytes, c.receiveContext);
    } catch (err) {
      if (!isBgpError(err)) throw err;
      this.log('malformed message: %s', err.message);
      const type = bytes[18];
      // RFC 4271 §6.4: an error in a NOTIFICATION cannot be reported; the session just ends.
      if (type === MessageType.NOTIFICATION) {
        this.dispatch(c, { type: 'NotifMsg' });
        return;
      }
      const n = err.toNotification();
      const eventType =
        err.code === ErrorCode.MESSAGE_HEADER_ERROR
          ? 'BGPHeaderErr'
          : err.code === ErrorCode.OPEN_MESSAGE_ERROR || type === MessageType.OPEN
            ? 'BGPOpenMsgErr'
            : err.code === ErrorCode.ROUTE_REFRESH_MESSAGE_ERROR ||
                type === MessageType.ROUTE_REFRESH
              ? 'RouteRefreshMsgErr'
              : 'UpdateMsgErr';
      this.dispatch(c, { type: eventType, notification: n });
      return;
    }
    if (msg === undefined) {
      c.current = { message: undefined, bytes };
      this.dispatch(c, { type: 'UpdateMsg' });
      c.current = undefined;
      return;
    }
    switch (msg.type) {
      case 'OPEN':
        this.open(c, msg);
        return;
      case 'KEEPALIVE':
        this.dispatch(c, { type: 'KeepAliveMsg' });
        return;
      case 'UPDATE':
      case 'ROUTE-REFRESH':
        c.current = { message: msg, bytes };
        this.dispatch(c, { type: msg.type === 'UPDATE' ? 'UpdateMsg' : 'RouteRefreshMsg' });
        c.current = undefined;
        return;
      case 'NOTIFICATION': {
        this.emit('notification:received', notificationEvent(msg));
        c.notification = { n: msg, direction: 'received' };
        const versionError =
          msg.code === ErrorCode.OPEN_MESSAGE_ERROR &&
          msg.subcode === OpenMessageErrorSubcode.UNSUPPORTED_VERSION_NUMBER;
        this.dispatch(c, { type: versionError ? 'NotifMsgVerErr' : 'NotifMsg' });
        return;
      }
      default: {
        const never: never = msg;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  }

  private open(c: Connection, open: OpenMessage): void {
    const s = c.attributes.state;
    const expected =
      s === 'OpenSent' ||
      ((s === 'Connect' || s === 'Active') && c.attributes.delayOpenTimerRunning);
    if (!expected) {
      // An OPEN the state machine does not expect: let it answer (FSM Error / fall to Idle).
      this.dispatch(c, { type: 'BGPOpen', holdTime: 0, keepaliveTime: 0 });
      return;
    }
    let n: NegotiatedSession;
    try {
      n = negotiate(this.negotiationConfig(), open);
    } catch (err) {
      if (!isBgpError(err)) throw err;
      this.log('OPEN refused: %s', err.message);
      this.dispatch(c, { type: 'BGPOpenMsgErr', notification: err.toNotification() });
      return;
    }
    c.negotiated = n;
    this.emit('open:received', { open, negotiated: n });
    // RFC 4271 §6.8 collision detection against the other connection to the same peer.
    const other = c === this.primary ? this.secondary : this.primary;
    if (other?.transport) {
      const os = other.attributes.state;
      if (
        os === 'OpenSent' ||
        os === 'OpenConfirm' ||
        (os === 'Established' && this.fsmConfig.collisionDetectEstablishedState)
      ) {
        const keep = this.collisionWinner(n);
        this.log('connection collision: keeping the %s connection', keep);
        if (c.direction !== keep) {
          this.dispatch(c, { type: 'OpenCollisionDump' });
          return;
        }
        // The survivor represents the session from now on; the loser goes quietly.
        if (other === this.primary) this.promote(c);
        this.dispatch(other, { type: 'OpenCollisionDump' });
      }
    }
    c.receiveContext = n.receiveContext;
    c.sendContext = n.sendContext;
    c.framer.maxMessageLength = n.extendedMessage
      ? MAX_EXTENDED_MESSAGE_LENGTH
      : MAX_MESSAGE_LENGTH;
    this.dispatch(c, {
      type: c.attributes.delayOpenTimerRunning ? 'BGPOpen_with_DelayOpenTimer_running' : 'BGPOpen',
      holdTime: n.holdTime,
      keepaliveTime: n.keepaliveTime,
    });
  }

  /**
   * RFC 4271 §6.8: keep the connection opened by the speaker with the higher BGP Identifier;
   * RFC 6286 §2.3: with equal identifiers (eBGP), the one opened by the higher AS.
   */
  private collisionWinner(n: NegotiatedSession): ConnectionDirection {
    const local = this.options.bgpIdentifier >>> 0;
    const remote = n.peerBgpIdentifier >>> 0;
    if (local !== remote) return local > remote ? 'outgoing' : 'incoming';
    return this.options.localAs > n.peerAs ? 'outgoing' : 'incoming';
  }

  private deliver(c: Connection): void {
    const cur = c.current;
    if (!cur) return;
    const m = cur.message;
    if (m === undefined) {
      const body = cur.bytes.subarray(19);
      this.emit('update:raw', { body, bytes: cur.bytes, context: c.receiveContext });
    } else if (m.type === 'UPDATE') {
      const eor = isEndOfRib(m);
      if (eor) {
        this.emit('eor:received', eor);
        this.gr.endOfRib(eor.afi, eor.safi);
        return;
      }
      this.emit('update:received', { update: m, bytes: cur.bytes });
    } else if (m.type === 'ROUTE-REFRESH') {
      // RFC 7313 §5: a ROUTE-REFRESH with an unknown subtype is ignored.
      if (m.subtype > RouteRefreshSubtype.EORR) return;
      this.emit('route-refresh:received', { message: m });
    }
  }

  // ---- sending -----------------------------------------------------------------------------

  private negotiationConfig(): NegotiationConfig {
    const gr = this.options.gracefulRestart;
    return gr
      ? { ...this.options, gracefulRestart: { ...gr, restarting: this.restarting } }
      : this.options;
  }

  private sendOpen(c: Connection): void {
    if (!c.queue) return;
    const cfg = this.negotiationConfig();
    const open = createOpen({
      asn: cfg.localAs,
      holdTime: cfg.holdTime ?? 90,
      bgpIdentifier: cfg.bgpIdentifier,
      capabilities: localCapabilities(cfg),
    });
    c.queue.pushControl(encodeMessage(open, DEFAULT_CONTEXT));
    this.emit('open:sent', { open });
  }

  private sendNotification(c: Connection, n: NotificationFields): void {
    c.notification = { n, direction: 'sent' };
    if (!c.transport || !c.queue) return;
    // Whatever is still queued will never matter: the NOTIFICATION goes right after what the
    // transport already holds, and the connection closes behind it.
    c.queue.clear();
    c.queue.pushControl(
      encodeMessage(createNotification(n.code, n.subcode, n.data), c.sendContext),
    );
    this.emit('notification:sent', notificationEvent(n));
  }

  private maybeHardReset(n: NotificationFields): NotificationFields {
    const gr = this.primary.negotiated?.peerGracefulRestart;
    return gr?.notification && (this.options.hardResetOnStop ?? true) ? hardReset(n) : n;
  }

  // ---- state changes, graceful restart ----------------------------------------------------

  private stateChanged(c: Connection, from: SessionAttributes['state'], event: FsmEventType): void {
    const to = c.attributes.state;
    // The primary connection failing while a second one is alive hands the session over to
    // that one: the session itself does not go to Idle.
    const handover =
      to === 'Idle' &&
      c === this.primary &&
      this.secondary !== undefined &&
      this.secondary.attributes.state !== 'Idle';
    if (c === this.primary && !handover)
      this.emit('state:change', { from, to, event, direction: c.direction });
    if (from === 'Established') this.sessionDown(c, event);
    if (to === 'Established') {
      const other = c === this.primary ? this.secondary : this.primary;
      // Promote first, so that dropping the other connection is not reported as the session
      // going down.
      if (c !== this.primary) this.promote(c);
      this.secondary = other;
      if (other) this.discard(other);
      this.secondary = undefined;
      this.established(c);
    } else if (to === 'Idle') {
      if (c === this.secondary) {
        this.secondary = undefined;
      } else if (handover && this.secondary) {
        c.timers.stopAll();
        this.promote(this.secondary, from);
        this.secondary = undefined;
      }
    }
  }

  private promote(
    c: Connection,
    from: SessionAttributes['state'] = this.primary.attributes.state,
  ): void {
    const old = this.primary;
    this.primary = c;
    this.secondary = old;
    if (from !== c.attributes.state) {
      this.emit('state:change', {
        from,
        to: c.attributes.state,
        event: 'OpenCollisionDump',
        direction: c.direction,
      });
    }
  }

  /** Drops a connection made redundant by the other reaching Established. */
  private discard(c: Connection): void {
    if (
      c.transport &&
      (c.attributes.state === 'OpenSent' || c.attributes.state === 'OpenConfirm')
    ) {
      this.dispatch(c, { type: 'OpenCollisionDump' });
    }
    c.timers.stopAll();
    c.attempt++;
    if (c.transport) this.drop(c);
  }

  private established(c: Connection): void {
    const n = c.negotiated!;
    this.emit('established', { negotiated: n, direction: c.direction ?? 'outgoing' });
    // Damping: a session that stays up long enough forgets its back-off.
    if (this.stableTimer) this.clock.cancel(this.stableTimer);
    this.stableTimer = this.clock.setTimer((this.options.dampingResetTime ?? 300) * 1000, () => {
      this.stableTimer = undefined;
      if (this.primary === c && c.attributes.state === 'Established')
        c.attributes = resetDamping(c.attributes, this.fsmConfig);
    });
    const restarting = this.restarting;
    // Only the first session after our restart carries the R bit.
    this.restarting = false;
    this.gr.established(n, restarting);
  }

  private sessionDown(c: Connection, event: FsmEventType): void {
    if (this.stableTimer) this.clock.cancel(this.stableTimer);
    this.stableTimer = undefined;
    const peerGr = c.negotiated?.peerGracefulRestart;
    const exchanged = c.notification;
    const retainRoutes = retainsRoutes(peerGr, event, exchanged?.n);
    const down: SessionDownEvent = {
      reason: event,
      retainRoutes,
      ...(exchanged
        ? { notification: exchanged.n, notificationDirection: exchanged.direction }
        : {}),
    };
    this.emit('session:down', down);
    this.gr.sessionDown(peerGr, retainRoutes);
  }
}
