/**
 * Injected time: every timer of a session goes through a {@link Clock}, so that tests drive
 * time by hand with {@link ManualClock} and never sleep, and the RFC 4271 §10 jitter takes an
 * injected random source.
 *
 * @module
 */

/** An opaque handle of a scheduled callback. */
export interface TimerHandle {
  /** Brand, so that handles of different clocks are not confused with numbers. */
  readonly __timer: true;
}

/** A source of time and one-shot timers. Times are milliseconds. */
export interface Clock {
  /** Current time in milliseconds (monotonic for the system clock). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Cancels a timer; cancelling one that fired or was cancelled does nothing. */
  cancel(handle: TimerHandle): void;
}

/** A random source returning numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * The real clock: `performance.now()` and unref'd `setTimeout`, so that pending BGP timers do
 * not keep a process alive on their own.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t as unknown as TimerHandle;
  },
  cancel(handle) {
    clearTimeout(handle as unknown as ReturnType<typeof setTimeout>);
  },
};

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told. Timers fire in time order (ties in the order they were
 * set) during {@link ManualClock.advance}, including timers set by callbacks on the way.
 *
 * @example
 * ```ts
 * const clock = new ManualClock();
 * clock.setTimer(30_000, () => console.log('keepalive'));
 * clock.advance(30_000); // prints "keepalive"
 * ```
 */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private queue: Scheduled[] = [];

  /** @param start - initial time in milliseconds */
  constructor(start = 0) {
    this.time = start;
  }

  /** Current time in milliseconds. */
  now(): number {
    return this.time;
  }

  /** Schedules `fn` at now + `ms`. */
  setTimer(ms: number, fn: () => void): TimerHandle {
    const s: Scheduled = { at: this.time + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.queue.push(s);
    return s as unknown as TimerHandle;
  }

  /** Cancels a scheduled callback. */
  cancel(handle: TimerHandle): void {
    (handle as unknown as Scheduled).cancelled = true;
  }

  /** Number of callbacks still scheduled. */
  get pending(): number {
    return this.queue.filter((s) => !s.cancelled).length;
  }

  /** Milliseconds until the next scheduled callback, or undefined when none is. */
  nextIn(): number | undefined {
    const next = this.peek();
    return next === undefined ? undefined : next.at - this.time;
  }

  private peek(): Scheduled | undefined {
    let best: Scheduled | undefined;
    for (const s of this.queue) {
      if (s.cancelled) continue;
      if (!best || s.at < best.at || (s.at === best.at && s.seq < best.seq)) best = s;
    }
    return best;
  }

  /** Moves time forward by `ms`, firing every callback that falls due, in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const next = this.peek();
      if (!next || next.at > target) break;
      this.queue = this.queue.filter((s) => s !== next && !s.cancelled);
      this.time = next.at;
      next.fn();
    }
    this.time = target;
  }

  /** Moves time to the next scheduled callback and fires it (and any due at the same instant). */
  runNext(): boolean {
    const next = this.peek();
    if (!next) return false;
    this.advance(next.at - this.time);
    return true;
  }
}

/**
 * RFC 4271 §10 jitter: "each time the timer is started, its initial value is multiplied by a
 * random factor uniformly distributed in the range from 0.75 to 1.0".
 *
 * @param seconds - configured value
 * @param random - random source in [0, 1)
 * @returns the jittered value in seconds
 */
export function jitter(seconds: number, random: RandomSource): number {
  return seconds * (0.75 + 0.25 * random());
}
