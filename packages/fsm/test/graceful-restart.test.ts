import { Afi, CeaseSubcode, Safi } from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import type {
  PeerGracefulRestartFlushEvent,
  PeerGracefulRestartStartEvent,
  SessionDownEvent,
  SessionOptions,
} from '../src/index.js';
import { memoryPair, settle, until } from './helpers.js';

const V4 = { afi: Afi.IPV4, safi: Safi.UNICAST };
const V6 = { afi: Afi.IPV6, safi: Safi.UNICAST };

function grPair(left: Partial<SessionOptions>, right: Partial<SessionOptions> = {}) {
  const p = memoryPair(
    {
      families: [V4, V6],
      gracefulRestart: { restartTime: 120, forwardingFamilies: [V4, V6] },
      ...left,
    },
    { families: [V4, V6], gracefulRestart: { restartTime: 60 }, ...right },
  );
  const log = {
    down: [] as SessionDownEvent[],
    start: [] as PeerGracefulRestartStartEvent[],
    flush: [] as PeerGracefulRestartFlushEvent[],
  };
  p.right.on('session:down', (e) => log.down.push(e));
  p.right.on('peer:gr-start', (e) => log.start.push(e));
  p.right.on('peer:gr-flush', (e) => log.flush.push(e));
  return { ...p, log };
}

/** Advances manual time in 5 s steps, letting the sessions exchange KEEPALIVEs between steps. */
async function run(p: { clock: { advance(ms: number): void } }, ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5000) {
    p.clock.advance(Math.min(5000, ms - t));
    await settle(3);
  }
}

async function up(p: ReturnType<typeof grPair>): Promise<void> {
  if (p.right.state === 'Idle') p.right.start();
  if (p.left.state === 'Idle') p.left.start();
  await until(
    () => p.left.state === 'Established' && p.right.state === 'Established',
    'Established',
  );
}

describe('graceful restart, receiving speaker (RFC 4724 §4.2)', () => {
  it('TCP failure keeps the routes stale; re-establishment with F bits and End-of-RIB ends it', async () => {
    const p = grPair({});
    await up(p);
    expect(p.right.negotiated?.peerGracefulRestart?.restartTime).toBe(120);
    p.transports[0]!.abort();
    await settle();
    expect(p.log.down.map((d) => d.retainRoutes)).toEqual([true]);
    expect(p.log.start).toEqual([
      {
        restartTime: 120,
        families: [
          { ...V4, forwardingState: true },
          { ...V6, forwardingState: true },
        ],
      },
    ]);
    // The left side restarts by itself after its IdleHoldTime and the session comes back.
    p.clock.advance(5000);
    await up(p);
    expect(p.log.flush).toEqual([]);
    const eors: unknown[] = [];
    p.right.on('eor:received', (f) => eors.push(f));
    p.left.sendEndOfRib(V4.afi, V4.safi);
    p.left.sendEndOfRib(V6.afi, V6.safi);
    await settle();
    expect(eors).toEqual([V4, V6]);
    // Nothing is left to flush: neither the restart nor the stale timer fires a flush.
    for (let i = 0; i < 40; i++) {
      p.clock.advance(10_000);
      await settle(3);
    }
    expect(p.right.state).toBe('Established');
    expect(p.log.flush).toEqual([]);
    p.left.destroy();
    p.right.destroy();
  });

  it('families whose F bit is now 0 are flushed at once; the rest when the stale timer fires', async () => {
    const p = grPair({}, { staleRoutesTime: 200 });
    await up(p);
    p.transports[0]!.abort();
    await settle();
    // The peer comes back without forwarding state for IPv6.
    (p.left.options as { gracefulRestart: unknown }).gracefulRestart = {
      restartTime: 120,
      forwardingFamilies: [V4],
    };
    p.clock.advance(5000);
    await up(p);
    expect(p.log.flush).toEqual([{ families: [V6], reason: 'forwarding-state-lost' }]);
    await run(p, 195_000);
    expect(p.log.flush.length).toBe(1);
    await run(p, 5000);
    expect(p.right.state).toBe('Established');
    expect(p.log.flush[1]).toEqual({ families: [V4], reason: 'stale-timer-expired' });
    p.left.destroy();
    p.right.destroy();
  });

  it('a graceful stop closes without NOTIFICATION; the routes go when the restart time passes', async () => {
    const p = grPair({});
    await up(p);
    const notes: string[] = [];
    p.right.on('notification:received', (e) => notes.push(e.description));
    p.left.stop({ graceful: true });
    await settle();
    expect(notes).toEqual([]);
    expect(p.log.down).toMatchObject([{ reason: 'TcpConnectionFails', retainRoutes: true }]);
    p.clock.advance(119_000);
    expect(p.log.flush).toEqual([]);
    p.clock.advance(1000);
    expect(p.log.flush).toEqual([{ families: [V4, V6], reason: 'restart-timer-expired' }]);
    p.left.destroy();
    p.right.destroy();
  });

  it('RFC 8538: with N negotiated a Cease keeps the routes, a Hard Reset does not', async () => {
    const soft = grPair({ hardResetOnStop: false });
    await up(soft);
    soft.left.stop({ message: 'soft' });
    await settle();
    expect(soft.log.down).toMatchObject([
      { retainRoutes: true, notificationDirection: 'received' },
    ]);
    soft.left.destroy();
    soft.right.destroy();

    const hard = grPair({});
    await up(hard);
    const texts: (string | undefined)[] = [];
    hard.right.on('notification:received', (e) => texts.push(e.shutdownMessage));
    hard.left.stop({ message: 'hard' });
    await settle();
    expect(hard.log.down).toMatchObject([
      { retainRoutes: false, notification: { code: 6, subcode: CeaseSubcode.HARD_RESET } },
    ]);
    expect(texts).toEqual(['hard']);
    expect(hard.log.start).toEqual([]);
    hard.left.destroy();
    hard.right.destroy();
  });

  it('without the N bit a NOTIFICATION deletes the routes', async () => {
    const p = grPair({ gracefulRestart: { restartTime: 120, notification: false } });
    await up(p);
    p.left.stop({ message: 'bye' });
    await settle();
    expect(p.log.down).toMatchObject([{ retainRoutes: false }]);
    p.left.destroy();
    p.right.destroy();
  });
});

describe('graceful restart, restarting speaker (RFC 4724 §4.1)', () => {
  it('advertises R, defers selection until End-of-RIB, clears R afterwards', async () => {
    const p = grPair({
      gracefulRestart: { restartTime: 120, restarting: true, forwardingFamilies: [V4] },
    });
    const ends: string[] = [];
    p.left.on('gr:deferral-end', (e) => ends.push(e.reason));
    await up(p);
    expect(p.right.negotiated?.peerGracefulRestart?.restartState).toBe(true);
    expect(ends).toEqual([]);
    p.right.sendEndOfRib(V4.afi, V4.safi);
    await settle();
    expect(ends).toEqual([]);
    p.right.sendEndOfRib(V6.afi, V6.safi);
    await settle();
    expect(ends).toEqual(['end-of-rib']);
    // A later session of the same process is no longer a restart.
    p.transports[0]!.abort();
    await settle();
    p.clock.advance(5000);
    await up(p);
    expect(p.right.negotiated?.peerGracefulRestart?.restartState).toBe(false);
    p.left.destroy();
    p.right.destroy();
  });

  it('the selection deferral timer ends the wait when End-of-RIB never comes', async () => {
    const p = grPair({
      gracefulRestart: { restartTime: 120, restarting: true },
      selectionDeferralTime: 100,
    });
    const ends: string[] = [];
    p.left.on('gr:deferral-end', (e) => ends.push(e.reason));
    await up(p);
    // Keep the session alive across 100 s of manual time.
    for (let i = 0; i < 10; i++) {
      p.clock.advance(10_000);
      await settle(3);
    }
    expect(ends).toEqual(['deferral-timer-expired']);
    expect(p.left.state).toBe('Established');
    p.left.destroy();
    p.right.destroy();
  });
});
