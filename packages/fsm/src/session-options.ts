/**
 * Options (numbers and names) and components (clock, random source, connector) of a
 * {@link Session}, kept apart as the repository's factories do.
 *
 * @module
 */
import type { Clock, RandomSource } from './clock.js';
import type { FsmConfig } from './fsm.js';
import type { Family, NegotiationConfig } from './negotiate.js';
import type { SendQueueOptions } from './send-queue.js';
import type { Session } from './session.js';
import type { Connector } from './transport.js';

/** Maximum-prefix limit of one family. */
export interface PrefixLimit extends Family {
  /** Largest accepted count; one more ends the session with Cease 6/1. */
  readonly limit: number;
  /** Count at which `prefix-limit:warning` fires (default 90 % of the limit). */
  readonly warningThreshold?: number;
  /** Seconds before the automatic restart after the limit was hit; 0 = stay down until started. */
  readonly restartTime?: number;
}

/** Options of a {@link Session}: numbers and names (components come apart). */
export interface SessionOptions extends NegotiationConfig {
  /** Peer address, for logs and the debug namespace `bgp:fsm:<name>`. */
  readonly peerAddress: string;
  /** Name in logs (default the peer address). */
  readonly name?: string;
  /** RFC 4271 §8.1.1 optional attributes and timers. */
  readonly fsm?: Partial<FsmConfig>;
  /** Maximum prefixes per family (counts come from the RIB). */
  readonly maxPrefixes?: readonly PrefixLimit[];
  /** Output queue limits. */
  readonly sendQueue?: SendQueueOptions;
  /** RFC 4724 selection deferral time when we restarted (default 360 s). */
  readonly selectionDeferralTime?: number;
  /** How long to wait for End-of-RIB from a restarted peer before flushing stale routes (default 360 s). */
  readonly staleRoutesTime?: number;
  /** Seconds in Established after which the damping back-off resets (default 300). */
  readonly dampingResetTime?: number;
  /** RFC 8538 §5: wrap our stop / max-prefix Cease in a Hard Reset when N was negotiated (default true). */
  readonly hardResetOnStop?: boolean;
  /**
   * How received UPDATEs are handed over (default `'full'`).
   *
   * - `'full'`: decoded into an `UpdateMessage` (one object per prefix), RFC 7606 applied, and
   *   emitted as `update:received`.
   * - `'raw'`: only the withdrawn-routes and attribute length fields are checked (RFC 4271
   *   §6.3) and End-of-RIB recognised (still `eor:received`, still graceful restart); every
   *   other UPDATE is emitted undecoded as `update:raw`. The listener must then apply RFC 7606
   *   itself and call `Session.fail` for a reset, and report prefix counts with
   *   `Session.setPrefixCount` for max-prefix. For a RIB that decodes the bytes anyway.
   */
  readonly updateDecoding?: 'full' | 'raw';
  /** Milliseconds a closing connection may take to flush before it is destroyed (default 3000). */
  readonly closeGraceMs?: number;
}

/** Injected components of a {@link Session}. */
export interface SessionComponents {
  /** Time source (default the system clock). */
  readonly clock?: Clock;
  /** Random source for the RFC 4271 §10 jitter (default Math.random). */
  readonly random?: RandomSource;
  /** Opens active connections; without it the session is passive only. */
  readonly connector?: Connector;
}
