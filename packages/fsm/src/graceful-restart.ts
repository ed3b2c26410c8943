/**
 * Graceful restart bookkeeping of one session (RFC 4724 with the N bit of RFC 8538), in both
 * roles. The session holds no routes: this tracker only decides *when* the RIB must act and
 * tells it through the session's events.
 *
 * - Receiving speaker (the peer restarts): {@link GracefulRestartTracker.sessionDown} starts the
 *   peer's Restart Time (`peer:gr-start`); if the session does not return in time every stale
 *   family is flushed. On re-establishment, families missing from the new OPEN or without
 *   their F bit are flushed at once (§4.2), the rest wait for End-of-RIB or the stale timer.
 * - Restarting speaker (we restarted, R bit): on Established, route selection is deferred until
 *   End-of-RIB arrived for every family or the selection deferral timer fires (§4.1).
 *
 * @module
 */
import { CeaseSubcode, ErrorCode, familyKey, type NotificationFields } from '@bgp/wire';
import type { Clock, TimerHandle } from './clock.js';
import type { FsmEventType } from './events.js';
import type { Family, NegotiatedSession, PeerGracefulRestart } from './negotiate.js';
import type { GracefulRestartFlushReason, SessionEvents } from './session-events.js';

/** Emits one of the session's events. */
export type EmitSessionEvent = <K extends keyof SessionEvents>(
  event: K,
  ...args: Parameters<SessionEvents[K]>
) => void;

/**
 * Whether the peer's routes survive the end of a session: RFC 4724 §4.2 keeps them when it ends
 * without a NOTIFICATION; RFC 8538 §4 also after one when the N bit was negotiated, unless it is
 * a Hard Reset. A manual stop is ours and never keeps them.
 *
 * @param peer - the peer's negotiated graceful restart (undefined: not negotiated)
 * @param event - the event that ended the session
 * @param notification - the NOTIFICATION sent or received, if any
 */
export function retainsRoutes(
  peer: PeerGracefulRestart | undefined,
  event: FsmEventType,
  notification: NotificationFields | undefined,
): boolean {
  if (peer === undefined || event === 'ManualStop') return false;
  if (notification === undefined) return true;
  const hard =
    notification.code === ErrorCode.CEASE && notification.subcode === CeaseSubcode.HARD_RESET;
  return peer.notification && !hard;
}

/** Timers of a {@link GracefulRestartTracker}, in seconds. */
export interface GracefulRestartTimes {
  /** Wait for End-of-RIB from a restarted peer before flushing (default 360). */
  readonly staleRoutesTime?: number;
  /** Our selection deferral after a restart (default 360). */
  readonly selectionDeferralTime?: number;
}

/** The graceful restart state of one session. */
export class GracefulRestartTracker {
  private readonly stale = new Map<number, Family>();
  private restartTimer: TimerHandle | undefined;
  private staleTimer: TimerHandle | undefined;
  private deferring: Set<number> | undefined;
  private deferralTimer: TimerHandle | undefined;

  /**
   * @param clock - time source
   * @param emit - emits the session's events
   * @param times - timer values
   * @param isEstablished - whether the session is up now
   */
  constructor(
    private readonly clock: Clock,
    private readonly emit: EmitSessionEvent,
    private readonly times: GracefulRestartTimes,
    private readonly isEstablished: () => boolean,
  ) {}

  /** The session left Established; `retain` comes from {@link retainsRoutes}. */
  sessionDown(peer: PeerGracefulRestart | undefined, retain: boolean): void {
    this.cancel('deferralTimer');
    this.deferring = undefined;
    if (!retain || !peer) return;
    for (const f of peer.families)
      this.stale.set(familyKey(f.afi, f.safi), { afi: f.afi, safi: f.safi });
    this.emit('peer:gr-start', { restartTime: peer.restartTime, families: peer.families });
    this.cancel('restartTimer');
    this.restartTimer = this.clock.setTimer(peer.restartTime * 1000, () => {
      this.restartTimer = undefined;
      if (!this.isEstablished()) this.flush([...this.stale.keys()], 'restart-timer-expired');
    });
  }

  /**
   * The session is up again.
   *
   * @param n - what the new session negotiated
   * @param restarting - we set the R bit in this session's OPEN (we restarted)
   */
  established(n: NegotiatedSession, restarting: boolean): void {
    this.cancel('restartTimer');
    if (this.stale.size > 0) {
      const preserved = new Set(
        (n.peerGracefulRestart?.families ?? [])
          .filter((f) => f.forwardingState)
          .map((f) => familyKey(f.afi, f.safi)),
      );
      this.flush(
        [...this.stale.keys()].filter((k) => !preserved.has(k)),
        'forwarding-state-lost',
      );
      if (this.stale.size > 0) {
        this.cancel('staleTimer');
        this.staleTimer = this.clock.setTimer((this.times.staleRoutesTime ?? 360) * 1000, () => {
          this.staleTimer = undefined;
          this.flush([...this.stale.keys()], 'stale-timer-expired');
        });
      }
    }
    if (!restarting) return;
    this.deferring = new Set(n.families.map((f) => familyKey(f.afi, f.safi)));
    this.deferralTimer = this.clock.setTimer(
      (this.times.selectionDeferralTime ?? 360) * 1000,
      () => {
        this.deferralTimer = undefined;
        this.deferring = undefined;
        this.emit('gr:deferral-end', { reason: 'deferral-timer-expired' });
      },
    );
    if (this.deferring.size === 0) this.endDeferral();
  }

  /** End-of-RIB arrived for a family (the RIB sweeps its stale routes on `eor:received`). */
  endOfRib(afi: number, safi: number): void {
    const k = familyKey(afi, safi);
    this.stale.delete(k);
    if (this.stale.size === 0) this.cancel('staleTimer');
    if (this.deferring?.delete(k) && this.deferring.size === 0) this.endDeferral();
  }

  /** Forgets everything; with a reason, stale families are flushed first. */
  clear(reason: GracefulRestartFlushReason | undefined): void {
    this.cancel('restartTimer');
    this.cancel('staleTimer');
    this.cancel('deferralTimer');
    this.deferring = undefined;
    if (reason) this.flush([...this.stale.keys()], reason);
    this.stale.clear();
  }

  private endDeferral(): void {
    this.deferring = undefined;
    this.cancel('deferralTimer');
    this.emit('gr:deferral-end', { reason: 'end-of-rib' });
  }

  private flush(keys: readonly number[], reason: GracefulRestartFlushReason): void {
    const families: Family[] = [];
    for (const k of keys) {
      const f = this.stale.get(k);
      if (f) families.push(f);
      this.stale.delete(k);
    }
    if (families.length > 0) this.emit('peer:gr-flush', { families, reason });
  }

  private cancel(which: 'restartTimer' | 'staleTimer' | 'deferralTimer'): void {
    const t = this[which];
    if (t) this.clock.cancel(t);
    this[which] = undefined;
  }
}
