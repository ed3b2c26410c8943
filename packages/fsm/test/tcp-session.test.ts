/**
 * Sessions over real TCP on 127.0.0.1: TCP-MD5 through the listener and the connector, and a
 * peer that never reads while we send a million prefixes.
 */
import { connect as netConnect, type Socket } from 'node:net';
import {
  AS4_CONTEXT,
  createOpen,
  encodeMessage,
  Framer,
  KEEPALIVE,
  type UpdateMessage,
} from '@bgp/wire';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Listener,
  localCapabilities,
  ManualClock,
  Session,
  sockoptAvailable,
  tcpConnector,
} from '../src/index.js';
import { LEFT, RIGHT, settle, until } from './helpers.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

const sockopt = sockoptAvailable();

describe.skipIf(!sockopt.ok)(
  `TCP-MD5 (RFC 2385) on 127.0.0.1${sockopt.ok ? '' : `: skipped, the sockopt addon is missing (${sockopt.reason})`}`,
  () => {
    async function attempt(password: string): Promise<Session> {
      const clock = new ManualClock();
      const listener = new Listener({ host: '127.0.0.1', port: 0 });
      const passive = new Session({ ...RIGHT }, { clock });
      listener.addPeer('127.0.0.1', passive, { tcpMd5Password: 'right-key' });
      const { port } = await listener.listen();
      const active = new Session(
        { ...LEFT, peerAddress: '127.0.0.1' },
        {
          clock,
          connector: tcpConnector({
            host: '127.0.0.1',
            port,
            tcpMd5Password: password,
            timeoutMs: 1500,
          }),
        },
      );
      cleanup.push(
        () => active.destroy(),
        () => passive.destroy(),
        () => listener.close(),
      );
      passive.start();
      active.start();
      return active;
    }

    it('the right password establishes', async () => {
      const s = await attempt('right-key');
      await until(() => s.state === 'Established', 'Established with TCP-MD5');
    });

    it('a wrong password never does (the SYN is dropped, the connect attempt fails)', async () => {
      const s = await attempt('wrong-key');
      const states: string[] = [];
      s.on('state:change', (e) => states.push(e.to));
      await new Promise<void>((resolve) => s.once('state:change', () => resolve()));
      expect(states).toEqual(['Idle']);
      expect(s.isTimerRunning('IdleHoldTimer')).toBe(true);
    });
  },
);

describe('a peer that never reads', () => {
  it('millions of prefixes: memory stays bounded and the hold timer ends the session', async () => {
    const clock = new ManualClock();
    const listener = new Listener({ host: '127.0.0.1', port: 0 });
    const session = new Session({ ...RIGHT, holdTime: 30 }, { clock });
    listener.addPeer('127.0.0.1', session);
    const { port } = await listener.listen();
    cleanup.push(
      () => session.destroy(),
      () => listener.close(),
    );
    session.start();

    // The raw peer: OPEN + KEEPALIVE, reads until Established, then stops reading for good.
    const socket: Socket = netConnect({ host: '127.0.0.1', port });
    cleanup.push(() => socket.destroy());
    const framer = new Framer();
    socket.on('data', (c) => framer.push(c));
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const open = createOpen({
      asn: 65001,
      holdTime: 30,
      bgpIdentifier: 0x01010101,
      capabilities: localCapabilities({ localAs: 65001, peerAs: 0, bgpIdentifier: 1 }),
    });
    socket.write(encodeMessage(open, AS4_CONTEXT));
    socket.write(encodeMessage(KEEPALIVE, AS4_CONTEXT));
    await until(() => session.state === 'Established', 'Established');
    socket.pause();

    // UPDATEs of 1000 withdrawn /24s each, up to ten million prefixes, sent by a producer that
    // waits for drain as the API asks. The peer never reads, so the producer stalls once the
    // kernel's buffers and our queue's high-water mark are full.
    const withdrawn = Array.from({ length: 1000 }, (_, i) => ({
      prefix: { afi: 1 as const, length: 24, address: Uint8Array.of(10, i >> 8, i & 255, 0) },
    }));
    const update: UpdateMessage = { type: 'UPDATE', withdrawn, attributes: [], nlri: [] };
    global.gc?.();
    const before = process.memoryUsage();
    let sent = 0;
    let maxQueued = 0;
    let stalled = false;
    for (; sent < 10_000 && session.state === 'Established'; sent++) {
      const ok = session.sendUpdate(update);
      maxQueued = Math.max(maxQueued, session.queuedBytes);
      if (!ok) {
        // Wait for drain, or give up when nothing moves (the peer is not reading).
        let drained = false;
        session.once('drain', () => {
          drained = true;
        });
        await settle(200);
        if (!drained) {
          stalled = true;
          break;
        }
      }
    }
    const after = process.memoryUsage();
    expect(stalled).toBe(true);
    // Loopback kernel buffers absorb a few MiB; beyond that nothing moves.
    expect(sent).toBeGreaterThanOrEqual(250);
    expect(sent).toBeLessThan(10_000);
    console.log(
      `stalled after ${sent} UPDATEs (${sent * 1000} prefixes), queue peak ${maxQueued} bytes`,
    );
    // Bounded: the queue never passes its hard limit, and memory grows by megabytes at most.
    expect(maxQueued).toBeLessThanOrEqual(16 << 20);
    const growth =
      after.heapUsed +
      after.external +
      after.arrayBuffers -
      (before.heapUsed + before.external + before.arrayBuffers);
    expect(growth).toBeLessThan(96 << 20);
    // The peer sends nothing more either: the hold timer ends the session.
    const down: string[] = [];
    session.on('session:down', (e) => down.push(e.reason));
    clock.advance(30_000);
    expect(down).toEqual(['HoldTimer_Expires']);
    expect(session.state).toBe('Idle');
    // The socket that cannot flush is destroyed after the close grace period.
    clock.advance(3000);
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.resume();
    await closed;
    expect(socket.destroyed).toBe(true);
    // Destroyed, not flushed: the NOTIFICATION queued behind the unread data never left.
    const types = [...framer].map((m) => m[18]);
    expect(types.length).toBeGreaterThan(100);
    expect(types.filter((t) => t === 3)).toEqual([]);
  });
});
