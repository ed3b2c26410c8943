/**
 * Our own BGP speaker for interop tests: one @bgp/fsm {@link Session} towards one daemon, over
 * real TCP on loopback, with a {@link Listener} when it should accept connections, an event log,
 * and a tiny Adj-RIB-In that follows the session's graceful restart events the way a RIB must
 * (stale on `session:down` with `retainRoutes`, swept at End-of-RIB or on `peer:gr-flush`).
 *
 * @module
 */
import {
  type GracefulRestartConfig,
  Listener,
  Session,
  type SessionEvents,
  type SessionOptions,
  type SessionState,
  tcpConnector,
} from '@bgp/fsm';
import { formatAddress, formatPrefix } from '@bgp/wire';
import { allocateLoopbackAddress, allocatePort, assertLoopback } from './net.js';
import { waitFor } from './process.js';
import { simpleUpdate } from './raw-peer.js';
import type { ReceivedRoute } from './types.js';

/** Options of {@link OurSpeaker.create}. */
export interface OurSpeakerOptions {
  /** Our loopback address (allocated when omitted). */
  readonly address?: string;
  /** Our listening port (allocated when omitted). */
  readonly port?: number;
  /** Our AS. */
  readonly asn: number;
  /** Our BGP Identifier, dotted quad. */
  readonly routerId: string;
  /** The daemon. */
  readonly peer: {
    readonly address: string;
    readonly port: number;
    /** The AS we expect from it (0 = any). */
    readonly asn: number;
    readonly password?: string;
  };
  /** `active`: connect only; `passive`: listen only; `both`: connect and listen (collisions). */
  readonly mode: 'active' | 'passive' | 'both';
  /** Hold time we propose (default 90). */
  readonly holdTime?: number;
  /** Graceful restart we advertise. */
  readonly gracefulRestart?: GracefulRestartConfig;
  /** TTL we send with (255 towards a GTSM peer); needs the sockopt addon. */
  readonly ttl?: number;
  /** GTSM: the smallest TTL we accept (255 for a direct peer); needs the sockopt addon. */
  readonly minTtl?: number;
  /** ConnectRetryTime in seconds (default 2, to keep tests short). */
  readonly connectRetryTime?: number;
  /** Anything else for the session. */
  readonly session?: Partial<SessionOptions>;
}

/** An event the speaker recorded. */
export interface RecordedEvent {
  /** Event name. */
  readonly name: keyof SessionEvents;
  /** Its payload. */
  readonly payload: unknown;
  /** Date.now() when it fired. */
  readonly at: number;
}

const RECORDED: ReadonlyArray<keyof SessionEvents> = [
  'state:change',
  'open:received',
  'open:sent',
  'established',
  'notification:sent',
  'notification:received',
  'session:down',
  'peer:gr-start',
  'peer:gr-flush',
  'eor:received',
  'gr:deferral-end',
  'connection:rejected',
];

/** Our speaker, peered with one daemon. */
export class OurSpeaker {
  /** The session. */
  session!: Session;
  /** The listener, unless `mode` is `active`. */
  listener: Listener | undefined;
  /** Every recorded event, in order. */
  readonly events: RecordedEvent[] = [];
  /** Adj-RIB-In: routes received from the daemon, by prefix. */
  readonly routes = new Map<string, ReceivedRoute>();

  private constructor(
    readonly options: OurSpeakerOptions,
    /** Our address. */
    readonly address: string,
    /** Our listening port. */
    readonly port: number,
  ) {}

  /**
   * Allocates address and port and builds the session (not started).
   *
   * @param options - see {@link OurSpeakerOptions}
   * @returns the speaker
   */
  static async create(options: OurSpeakerOptions): Promise<OurSpeaker> {
    const address = options.address ?? allocateLoopbackAddress();
    assertLoopback(address, 'our address');
    assertLoopback(options.peer.address, 'peer address');
    const port = options.port ?? (await allocatePort(address));
    const s = new OurSpeaker(options, address, port);
    s.build();
    return s;
  }

  private build(): void {
    const o = this.options;
    const [a, b, c, d] = o.routerId.split('.').map(Number);
    const connector =
      o.mode === 'passive'
        ? undefined
        : tcpConnector({
            host: o.peer.address,
            port: o.peer.port,
            localAddress: this.address,
            timeoutMs: 5000,
            ...(o.ttl !== undefined ? { ttl: o.ttl } : {}),
            ...(o.minTtl !== undefined ? { minTtl: o.minTtl } : {}),
            ...(o.peer.password !== undefined ? { tcpMd5Password: o.peer.password } : {}),
          });
    this.session = new Session(
      {
        peerAddress: o.peer.address,
        localAs: o.asn,
        peerAs: o.peer.asn,
        bgpIdentifier: (((a ?? 0) << 24) | ((b ?? 0) << 16) | ((c ?? 0) << 8) | (d ?? 0)) >>> 0,
        holdTime: o.holdTime ?? 90,
        ...(o.gracefulRestart ? { gracefulRestart: o.gracefulRestart } : {}),
        ...o.session,
        fsm: {
          connectRetryTime: o.connectRetryTime ?? 2,
          idleHoldTime: 1,
          maxIdleHoldTime: 2,
          passiveTcpEstablishment: o.mode === 'passive',
          ...o.session?.fsm,
        },
      },
      connector ? { connector } : {},
    );
    for (const name of RECORDED) {
      const record = (payload?: unknown): void => {
        this.events.push({ name, payload, at: Date.now() });
      };
      (this.session.on as (n: string, fn: (p?: unknown) => void) => void)(name, record);
    }
    this.session.on('update:received', ({ update }) => {
      for (const w of update.withdrawn) this.routes.delete(formatPrefix(w.prefix));
      if (update.nlri.length === 0) return;
      let asPath: number[] = [];
      let nextHop: string | undefined;
      for (const attr of update.attributes) {
        if (attr.raw) continue;
        if (attr.typeCode === 2) asPath = attr.value.flatMap((s) => [...s.asns]);
        if (attr.typeCode === 3) nextHop = formatAddress(attr.value);
      }
      for (const n of update.nlri) {
        const prefix = formatPrefix(n.prefix);
        this.routes.set(prefix, { prefix, asPath, nextHop, from: o.peer.address, stale: false });
      }
    });
    // RFC 4724 §4.2, as a RIB does it: keep the routes as stale while the peer restarts...
    this.session.on('session:down', ({ retainRoutes }) => {
      if (!retainRoutes) this.routes.clear();
      else for (const [k, r] of this.routes) this.routes.set(k, { ...r, stale: true });
    });
    // ...and delete what is still stale at its End-of-RIB or when the session says so.
    const sweep = (): void => {
      for (const [k, r] of this.routes) if (r.stale) this.routes.delete(k);
    };
    this.session.on('eor:received', sweep);
    this.session.on('peer:gr-flush', sweep);
  }

  /** Starts listening (unless active-only) and starts the session. */
  async start(): Promise<void> {
    const o = this.options;
    if (o.mode !== 'active') {
      this.listener = new Listener({
        host: this.address,
        port: this.port,
        ...(o.ttl !== undefined ? { ttl: o.ttl } : {}),
        ...(o.minTtl !== undefined ? { minTtl: o.minTtl } : {}),
      });
      this.listener.addPeer(
        o.peer.address,
        this.session,
        o.peer.password !== undefined ? { tcpMd5Password: o.peer.password } : {},
      );
      await this.listener.listen();
    }
    this.session.start();
  }

  /** Current state. */
  get state(): SessionState {
    return this.session.state;
  }

  /**
   * Waits for a state.
   *
   * @param state - the state
   * @param timeoutMs - timeout
   */
  async waitForState(state: SessionState, timeoutMs = 30_000): Promise<void> {
    await waitFor(() => this.session.state === state, {
      what: `our session to reach ${state} (now ${this.session.state})`,
      timeoutMs,
      intervalMs: 50,
    });
  }

  /**
   * Waits for an event (already recorded or future) matching `match`.
   *
   * @param name - event name
   * @param match - predicate on the payload
   * @param timeoutMs - timeout
   * @returns the payload
   */
  waitForEvent<T = unknown>(
    name: keyof SessionEvents,
    match: (payload: T) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<T> {
    return waitFor(
      () =>
        this.events.find((e) => e.name === name && match(e.payload as T))?.payload as T | undefined,
      { what: `our event ${name}`, timeoutMs, intervalMs: 50 },
    );
  }

  /** Recorded events of one name. */
  eventsNamed<T = unknown>(name: keyof SessionEvents): T[] {
    return this.events.filter((e) => e.name === name).map((e) => e.payload as T);
  }

  /**
   * Announces IPv4 prefixes with our AS as the path (Established only).
   *
   * @param prefixes - prefixes
   * @param nextHop - next hop (default 192.0.2.200; GoBGP refuses loopback next hops)
   * @returns whether the UPDATE was queued
   */
  announce(prefixes: readonly string[], nextHop = '192.0.2.200'): boolean {
    return this.session.sendUpdate(
      simpleUpdate({ announce: prefixes, asPath: [this.options.asn], nextHop }),
    );
  }

  /**
   * Withdraws IPv4 prefixes.
   *
   * @param prefixes - prefixes
   * @returns whether the UPDATE was queued
   */
  withdraw(prefixes: readonly string[]): boolean {
    return this.session.sendUpdate(simpleUpdate({ withdraw: prefixes }));
  }

  /** Destroys the session and closes the listener (idempotent). */
  async stop(): Promise<void> {
    this.session.destroy();
    await this.listener?.close();
    this.listener = undefined;
  }
}
