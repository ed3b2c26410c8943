import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jitter, ManualClock, type TimerName, TimerSet } from '../src/index.js';

describe('ManualClock', () => {
  it('fires timers in time order, ties in the order set, including timers set while firing', () => {
    const clock = new ManualClock();
    const log: string[] = [];
    clock.setTimer(200, () => log.push('b'));
    clock.setTimer(100, () => {
      log.push('a');
      clock.setTimer(50, () => log.push('a+50'));
    });
    clock.setTimer(200, () => log.push('c'));
    const cancelled = clock.setTimer(120, () => log.push('never'));
    clock.cancel(cancelled);
    clock.advance(99);
    expect(log).toEqual([]);
    clock.advance(1);
    expect(log).toEqual(['a']);
    clock.advance(1000);
    expect(log).toEqual(['a', 'a+50', 'b', 'c']);
    expect(clock.now()).toBe(1100);
    expect(clock.pending).toBe(0);
  });

  it('callbacks see the time they were due at', () => {
    const clock = new ManualClock(1000);
    let seen = 0;
    clock.setTimer(30, () => {
      seen = clock.now();
    });
    clock.advance(500);
    expect(seen).toBe(1030);
    expect(clock.runNext()).toBe(false);
  });
});

describe('RFC 4271 §10 jitter', () => {
  it('property: jittered values stay within [0.75, 1.0] of the configured value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 65535 }),
        fc.double({ min: 0, max: 0.9999999, noNaN: true }),
        (s, r) => {
          const v = jitter(s, () => r);
          expect(v).toBeGreaterThanOrEqual(s * 0.75);
          expect(v).toBeLessThanOrEqual(s);
        },
      ),
    );
  });

  it('applies to ConnectRetryTimer and KeepaliveTimer only', () => {
    const clock = new ManualClock();
    const fired: TimerName[] = [];
    const timers = new TimerSet(
      clock,
      () => 0,
      (n) => fired.push(n),
    );
    timers.start('ConnectRetryTimer', 120);
    timers.start('KeepaliveTimer', 30);
    timers.start('HoldTimer', 90);
    timers.start('DelayOpenTimer', 0); // zero = not started
    expect(timers.remaining('ConnectRetryTimer')).toBe(90_000);
    expect(timers.remaining('KeepaliveTimer')).toBe(22_500);
    expect(timers.remaining('HoldTimer')).toBe(90_000);
    expect(timers.isRunning('DelayOpenTimer')).toBe(false);
    clock.advance(22_500);
    expect(fired).toEqual(['KeepaliveTimer']);
    timers.start('HoldTimer', 90); // restart
    clock.advance(80_000);
    expect(fired).toEqual(['KeepaliveTimer', 'ConnectRetryTimer']);
    timers.stopAll();
    clock.advance(1_000_000);
    expect(fired).toEqual(['KeepaliveTimer', 'ConnectRetryTimer']);
  });
});

describe('TimerSet restarts', () => {
  it('restarting later keeps one scheduled callback and fires at the last deadline', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    const timers = new TimerSet(
      clock,
      () => 0.5,
      () => fired.push(clock.now()),
    );
    timers.start('HoldTimer', 90);
    for (let i = 0; i < 100; i++) {
      clock.advance(1000);
      timers.start('HoldTimer', 90); // as on every UPDATE
    }
    expect(clock.pending).toBe(1);
    expect(timers.remaining('HoldTimer')).toBe(90_000);
    clock.advance(89_999);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([190_000]);
    // Restarting shorter re-arms at once.
    timers.start('HoldTimer', 90);
    timers.start('HoldTimer', 3);
    clock.advance(3000);
    expect(fired).toEqual([190_000, 193_000]);
    expect(clock.pending).toBe(0);
  });
});
