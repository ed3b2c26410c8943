/**
 * The compliance suite every {@link Transport} runs (in-memory pair and TCP on 127.0.0.1),
 * and sessions over real TCP through the {@link Listener}.
 */
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectTcp,
  createMemoryTransportPair,
  Listener,
  ManualClock,
  Session,
  TcpTransport,
  type Transport,
  tcpConnector,
} from '../src/index.js';
import { LEFT, RIGHT, settle, until } from './helpers.js';

interface Pair {
  readonly a: Transport;
  readonly b: Transport;
  close(): Promise<void>;
}

async function tcpPair(): Promise<Pair> {
  let accepted: ((t: Transport) => void) | undefined;
  const got = new Promise<Transport>((r) => {
    accepted = r;
  });
  const server: Server = createServer((s) => accepted!(new TcpTransport(s)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const a = await connectTcp({ host: '127.0.0.1', port, localAddress: '127.0.0.1' });
  const b = await got;
  return { a, b, close: () => new Promise((r) => server.close(() => r())) };
}

async function memoryPairTransport(): Promise<Pair> {
  const [a, b] = createMemoryTransportPair();
  return { a, b, close: async () => {} };
}

function collect(t: Transport) {
  const state = { bytes: [] as number[], closed: false, error: undefined as Error | undefined };
  t.attach({
    data: (c) => state.bytes.push(...c),
    drain() {},
    close: (e) => {
      state.closed = true;
      state.error = e;
    },
  });
  return state;
}

for (const [name, make] of [
  ['memory', memoryPairTransport],
  ['tcp', tcpPair],
] as const) {
  describe(`Transport compliance: ${name}`, () => {
    it('delivers bytes in order, both ways, and data written before attach', async () => {
      const p = await make();
      p.a.write(Uint8Array.of(1, 2, 3)); // b has not attached yet
      await settle(5);
      const rb = collect(p.b);
      const ra = collect(p.a);
      for (let i = 0; i < 100; i++) p.a.write(Uint8Array.of(i, i));
      p.b.write(Uint8Array.of(9));
      await until(() => rb.bytes.length === 203 && ra.bytes.length === 1, 'bytes');
      expect(rb.bytes.slice(0, 5)).toEqual([1, 2, 3, 0, 0]);
      expect(rb.bytes.at(-1)).toBe(99);
      p.a.destroy();
      await until(() => rb.closed && ra.closed, 'closed');
      await p.close();
    });

    it('end() delivers what was written, then closes the other side', async () => {
      const p = await make();
      const rb = collect(p.b);
      collect(p.a);
      p.a.write(new Uint8Array(10_000).fill(7));
      p.a.end();
      await until(() => rb.closed, 'close');
      expect(rb.bytes.length).toBe(10_000);
      expect(p.a.remotePort).toBeGreaterThan(0);
      expect(p.b.remoteAddress).toBe('127.0.0.1');
      p.b.destroy();
      await p.close();
    });

    it('write returns false under back-pressure and drain follows once the reader catches up', async () => {
      const p = await make();
      let drains = 0;
      p.a.attach({ data() {}, drain: () => drains++, close() {} });
      const got = { n: 0 };
      p.b.attach({ data: (c) => (got.n += c.length), drain() {}, close() {} });
      let blocked = false;
      let written = 0;
      for (let i = 0; i < 10_000 && !blocked; i++) {
        blocked = !p.a.write(new Uint8Array(65536));
        written += 65536;
      }
      expect(blocked).toBe(true);
      await until(() => drains > 0 && got.n === written, 'drain');
      p.a.destroy();
      await p.close();
    });
  });
}

describe('sessions over real TCP on 127.0.0.1', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  it('establish (we active, peer passive via the listener), keepalive on clock ticks, shutdown text arrives', async () => {
    const clock = new ManualClock();
    const listener = new Listener({ host: '127.0.0.1', port: 0 });
    const passive = new Session({ ...RIGHT, holdTime: 9 }, { clock });
    listener.addPeer('127.0.0.1', passive);
    const { port } = await listener.listen();
    cleanup.push(() => listener.close());
    const active = new Session(
      { ...LEFT, peerAddress: '127.0.0.1', holdTime: 9 },
      { clock, connector: tcpConnector({ host: '127.0.0.1', port, localAddress: '127.0.0.1' }) },
    );
    cleanup.push(
      () => active.destroy(),
      () => passive.destroy(),
    );
    passive.start();
    active.start();
    await until(
      () => active.state === 'Established' && passive.state === 'Established',
      'Established over TCP',
    );
    expect(active.negotiated).toMatchObject({ holdTime: 9, keepaliveTime: 3, peerAs: 65002 });
    // 30 s of manual time with a 9 s hold time: KEEPALIVEs over the socket keep it up.
    expect(passive.isTimerRunning('HoldTimer')).toBe(true);
    for (let i = 0; i < 10; i++) {
      clock.advance(3000);
      await settle(20);
    }
    expect(active.state).toBe('Established');
    expect(passive.state).toBe('Established');
    const text: (string | undefined)[] = [];
    passive.on('notification:received', (e) => text.push(e.shutdownMessage));
    active.stop({ message: 'planned maintenance' });
    await until(() => text.length === 1, 'NOTIFICATION over TCP');
    expect(text).toEqual(['planned maintenance']);
    await until(() => passive.state === 'Idle', 'passive down');
  });

  it('a connection from an unconfigured address is refused with Cease 6/5', async () => {
    const listener = new Listener({ host: '127.0.0.1', port: 0 });
    const { port } = await listener.listen();
    cleanup.push(() => listener.close());
    const t = await connectTcp({ host: '127.0.0.1', port, localAddress: '127.0.0.5' });
    const r = collect(t);
    await until(() => r.closed, 'closed');
    expect(r.bytes.length).toBe(21);
    expect(r.bytes.slice(18)).toEqual([3, 6, 5]);
  });

  it('a connect to a closed port fails the attempt and the automatic restart backs off', async () => {
    const clock = new ManualClock();
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const s = new Session(
      { ...LEFT, peerAddress: '127.0.0.1' },
      { clock, connector: tcpConnector({ host: '127.0.0.1', port }) },
    );
    cleanup.push(() => s.destroy());
    s.start();
    await until(() => s.state === 'Idle', 'connect failure');
    expect(s.isTimerRunning('IdleHoldTimer')).toBe(true);
    clock.advance(5000);
    expect(s.state).toBe('Connect');
    await until(() => s.state === 'Idle', 'second failure');
    expect(s.attributes.idleHoldTime).toBe(20);
  });
});
