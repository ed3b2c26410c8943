/**
 * The named timers of one connection, run on an injected {@link Clock}.
 *
 * Expiry is delivered as an event (`ConnectRetryTimer` -> `ConnectRetryTimer_Expires`), which is
 * how the pure state machine hears about time. ConnectRetryTimer and KeepaliveTimer get the
 * RFC 4271 §10 jitter; HoldTimer, DelayOpenTimer and IdleHoldTimer are exact.
 *
 * @module
 */
import { type Clock, jitter, type RandomSource, type TimerHandle } from './clock.js';
import type { TimerName } from './events.js';

/** Timers that §10 says to jitter (the others are protocol deadlines). */
const JITTERED: ReadonlySet<TimerName> = new Set(['ConnectRetryTimer', 'KeepaliveTimer']);

/**
 * A set of named one-shot timers.
 *
 * @example
 * ```ts
 * const timers = new TimerSet(new ManualClock(), Math.random, (name) => console.log(name));
 * timers.start('HoldTimer', 90);
 * ```
 */
export class TimerSet {
  private readonly running = new Map<
    TimerName,
    { handle: TimerHandle; firesAt: number; deadline: number }
  >();

  /**
   * @param clock - time source
   * @param random - random source for the jitter
   * @param onExpire - called with the timer's name when it fires
   */
  constructor(
    private readonly clock: Clock,
    private readonly random: RandomSource,
    private readonly onExpire: (name: TimerName) => void,
  ) {}

  /** (Re)starts a timer; 0 seconds stops it (RFC 4271: "set to zero"). */
  start(name: TimerName, seconds: number): void {
    if (seconds <= 0) {
      this.stop(name);
      return;
    }
    const value = JITTERED.has(name) ? jitter(seconds, this.random) : seconds;
    const deadline = this.clock.now() + Math.round(value * 1000);
    const t = this.running.get(name);
    if (t && deadline >= t.firesAt) {
      // The hold timer restarts on every UPDATE: moving the deadline later only records it, and
      // the pending callback re-arms for the remainder, instead of one clear+set per message.
      t.deadline = deadline;
      return;
    }
    this.stop(name);
    this.arm(name, deadline);
  }

  private arm(name: TimerName, deadline: number): void {
    const handle = this.clock.setTimer(deadline - this.clock.now(), () => {
      const t = this.running.get(name);
      if (!t || t.handle !== handle) return;
      if (t.deadline > this.clock.now()) {
        this.arm(name, t.deadline);
        return;
      }
      this.running.delete(name);
      this.onExpire(name);
    });
    this.running.set(name, { handle, firesAt: deadline, deadline });
  }

  /** Stops a timer if it runs. */
  stop(name: TimerName): void {
    const t = this.running.get(name);
    if (!t) return;
    this.clock.cancel(t.handle);
    this.running.delete(name);
  }

  /** Whether a timer runs. */
  isRunning(name: TimerName): boolean {
    return this.running.has(name);
  }

  /** Milliseconds left on a timer, or undefined when it does not run. */
  remaining(name: TimerName): number | undefined {
    const t = this.running.get(name);
    return t === undefined ? undefined : t.deadline - this.clock.now();
  }

  /** Stops every timer. */
  stopAll(): void {
    for (const name of [...this.running.keys()]) this.stop(name);
  }
}

/** The event a timer's expiry produces. */
export function expiryEvent(name: TimerName) {
  return `${name}_Expires` as const;
}
