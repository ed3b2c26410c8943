import {
  Afi,
  AS4_CONTEXT,
  CeaseSubcode,
  createNotification,
  encodeMessage,
  endOfRib,
  type NotificationMessage,
  RouteRefreshSubtype,
  Safi,
  type UpdateMessage,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import {
  createMemoryTransportPair,
  Listener,
  ManualClock,
  type MemoryTransport,
  Session,
  type SessionState,
  type StateChangeEvent,
} from '../src/index.js';
import {
  establishedWithRawPeer,
  LEFT,
  memoryPair,
  RawPeer,
  RIGHT,
  settle,
  until,
} from './helpers.js';

const V4 = { afi: Afi.IPV4, safi: Safi.UNICAST };

async function bringUp(p: ReturnType<typeof memoryPair>): Promise<void> {
  p.right.start();
  p.left.start();
  await until(
    () => p.left.state === 'Established' && p.right.state === 'Established',
    'both Established',
  );
}

describe('two sessions over the in-memory transport', () => {
  it('establish through the RFC 4271 states and negotiate', async () => {
    const p = memoryPair({ holdTime: 30 }, { holdTime: 90, peerAs: 0 });
    const leftStates: SessionState[] = [];
    const rightStates: SessionState[] = [];
    p.left.on('state:change', (e: StateChangeEvent) => leftStates.push(e.to));
    p.right.on('state:change', (e: StateChangeEvent) => rightStates.push(e.to));
    const order: string[] = [];
    p.right.on('open:sent', () => order.push('open:sent'));
    p.right.on('open:received', () => order.push('open:received'));
    p.right.on('established', () => order.push('established'));
    await bringUp(p);
    expect(leftStates).toEqual(['Connect', 'OpenSent', 'OpenConfirm', 'Established']);
    expect(rightStates).toEqual(['Active', 'OpenSent', 'OpenConfirm', 'Established']);
    expect(order).toEqual(['open:sent', 'open:received', 'established']);
    expect(p.right.negotiated).toMatchObject({
      peerAs: 65001,
      holdTime: 30,
      keepaliveTime: 10,
      fourOctetAs: true,
    });
    expect(p.left.negotiated).toMatchObject({ peerAs: 65002, holdTime: 30 });
    p.left.destroy();
    p.right.destroy();
  });

  it('exchange KEEPALIVEs on manual-clock ticks and stay up; the hold timer ends a silent peer', async () => {
    const p = memoryPair({ holdTime: 9 }, { holdTime: 9 });
    await bringUp(p);
    // Count KEEPALIVEs the right side receives by watching its hold timer restart.
    for (let i = 0; i < 20; i++) {
      p.clock.advance(3000);
      await settle(5);
    }
    expect(p.left.state).toBe('Established');
    expect(p.right.state).toBe('Established');
    // 60 s with a 9 s hold time: only KEEPALIVEs kept the session up.
    expect(p.clock.now()).toBeGreaterThan(9000 * 6);

    // Silence the left side: it stops sending, the right side's hold timer fires.
    const down: string[] = [];
    p.right.on('notification:sent', (e) => down.push(e.description));
    (p.left as unknown as { primary: { timers: { stopAll(): void } } }).primary.timers.stopAll();
    p.clock.advance(9000);
    await settle();
    expect(down).toEqual(['HOLD_TIMER_EXPIRED/UNSPECIFIC']);
    expect(p.right.state === 'Idle' || p.right.state === 'Active').toBe(true);
    p.left.destroy();
    p.right.destroy();
  });

  it('administrative shutdown: the RFC 9003 text arrives; the stopped side stays down', async () => {
    const p = memoryPair({}, {});
    await bringUp(p);
    const got: (string | undefined)[] = [];
    const downs: boolean[] = [];
    p.right.on('notification:received', (e) => got.push(e.shutdownMessage));
    p.right.on('session:down', (e) => downs.push(e.retainRoutes));
    p.left.stop({ message: 'maintenance: back at 10:00 ✓' });
    await settle();
    expect(got).toEqual(['maintenance: back at 10:00 ✓']);
    expect(downs).toEqual([false]);
    expect(p.left.state).toBe('Idle');
    expect(p.left.isTimerRunning('IdleHoldTimer')).toBe(false);
    // The right side falls to Idle and restarts passively after its IdleHoldTime.
    expect(p.right.state).toBe('Idle');
    p.clock.advance(5000);
    expect(p.right.state).toBe('Active');
    p.left.destroy();
    p.right.destroy();
  });

  it('DelayOpen: the passive side waits for the peer OPEN, then answers OPEN + KEEPALIVE', async () => {
    const p = memoryPair({}, { fsm: { delayOpen: true, delayOpenTime: 10 } });
    const rightStates: SessionState[] = [];
    p.right.on('state:change', (e) => rightStates.push(e.to));
    await bringUp(p);
    expect(rightStates).toEqual(['Active', 'OpenConfirm', 'Established']);
    p.left.destroy();
    p.right.destroy();
  });

  it('DelayOpen on both sides: nobody speaks until the DelayOpenTimer expires', async () => {
    const p = memoryPair(
      { fsm: { delayOpen: true, delayOpenTime: 10 } },
      { fsm: { delayOpen: true, delayOpenTime: 10 } },
    );
    p.right.start();
    p.left.start();
    await settle();
    expect([p.left.state, p.right.state]).toEqual(['Connect', 'Active']);
    expect(p.left.attributes.delayOpenTimerRunning).toBe(true);
    p.clock.advance(10_000);
    await until(() => p.left.state === 'Established' && p.right.state === 'Established');
    p.left.destroy();
    p.right.destroy();
  });

  it('route refresh and enhanced route refresh (BoRR/EoRR) both ways', async () => {
    const p = memoryPair();
    await bringUp(p);
    const seen: number[] = [];
    p.right.on('route-refresh:received', ({ message }) => seen.push(message.subtype));
    p.left.sendRouteRefresh(Afi.IPV4, Safi.UNICAST);
    p.left.sendRouteRefresh(Afi.IPV4, Safi.UNICAST, RouteRefreshSubtype.BORR);
    p.left.sendRouteRefresh(Afi.IPV4, Safi.UNICAST, RouteRefreshSubtype.EORR);
    await settle();
    expect(seen).toEqual([0, 1, 2]);
    const back: number[] = [];
    p.left.on('route-refresh:received', ({ message }) => back.push(message.subtype));
    p.right.sendRouteRefresh(Afi.IPV4, Safi.UNICAST);
    await settle();
    expect(back).toEqual([0]);
    const noEnhanced = memoryPair({ enhancedRouteRefresh: false });
    await bringUp(noEnhanced);
    expect(() => noEnhanced.left.sendRouteRefresh(1, 1, RouteRefreshSubtype.BORR)).toThrow(
      /enhanced/,
    );
    for (const s of [p.left, p.right, noEnhanced.left, noEnhanced.right]) s.destroy();
  });

  it('UPDATEs and End-of-RIB are delivered; sending an UPDATE restarts the KeepaliveTimer', async () => {
    const p = memoryPair({ holdTime: 30 }, { holdTime: 30 });
    await bringUp(p);
    const updates: UpdateMessage[] = [];
    const eors: unknown[] = [];
    p.right.on('update:received', ({ update }) => updates.push(update));
    p.right.on('eor:received', (f) => eors.push(f));
    const update: UpdateMessage = { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] };
    p.clock.advance(8000);
    expect(
      p.left.sendUpdate({
        ...update,
        withdrawn: [{ prefix: { afi: 1, length: 8, address: Uint8Array.of(10, 0, 0, 0) } }],
      }),
    ).toBe(true);
    p.left.sendEndOfRib(Afi.IPV4, Safi.UNICAST);
    await settle();
    expect(updates.length).toBe(1);
    expect(eors).toEqual([V4]);
    expect(
      (
        p.left as unknown as { primary: { timers: { remaining(n: string): number } } }
      ).primary.timers.remaining('KeepaliveTimer'),
    ).toBeGreaterThan(9000);
    p.left.destroy();
    p.right.destroy();
  });
});

describe('connection collision (RFC 4271 §6.8)', () => {
  /** Both sides connect at once; the accepts are held until both connections exist. */
  async function collide(leftId: number, rightId: number) {
    const clock = new ManualClock();
    const held: (() => void)[] = [];
    const sessions: Session[] = [];
    const mk = (opts: typeof LEFT, other: () => Session) =>
      new Session(opts, {
        clock,
        random: () => 0.9,
        connector: async () => {
          const [a, b] = createMemoryTransportPair();
          held.push(() => other().accept(b));
          return a;
        },
      });
    const left = mk({ ...LEFT, bgpIdentifier: leftId }, () => sessions[1]!);
    const right = mk({ ...RIGHT, bgpIdentifier: rightId }, () => sessions[0]!);
    sessions.push(left, right);
    const dumps: string[] = [];
    left.on('notification:sent', (e) => dumps.push(`left ${e.description}`));
    right.on('notification:sent', (e) => dumps.push(`right ${e.description}`));
    const est: string[] = [];
    left.on('established', (e) => est.push(`left ${e.direction}`));
    right.on('established', (e) => est.push(`right ${e.direction}`));
    const seen: string[] = [];
    left.on('state:change', (e) => seen.push(`left ${e.to}`));
    right.on('state:change', (e) => seen.push(`right ${e.to}`));
    left.start();
    right.start();
    await until(() => held.length === 2, 'both connects');
    await until(() => left.state === 'OpenSent' && right.state === 'OpenSent', 'both OpenSent');
    for (const h of held) h();
    await until(() => left.state === 'Established' && right.state === 'Established', 'Established');
    await settle();
    // Resolving the collision is invisible in the session state: it never falls to Idle.
    expect(seen.filter((x) => x.endsWith('Idle'))).toEqual([]);
    expect(seen.filter((x) => x.endsWith('Established')).sort()).toEqual([
      'left Established',
      'right Established',
    ]);
    return { left, right, dumps, est };
  }

  it('the connection opened by the higher BGP Identifier survives (left higher)', async () => {
    const r = await collide(0x0a000002, 0x0a000001);
    expect(r.est.sort()).toEqual(['left outgoing', 'right incoming']);
    expect(r.dumps.sort()).toEqual([
      'left CEASE/CONNECTION_COLLISION_RESOLUTION',
      'right CEASE/CONNECTION_COLLISION_RESOLUTION',
    ]);
    r.left.destroy();
    r.right.destroy();
  });

  it('the connection opened by the higher BGP Identifier survives (right higher)', async () => {
    const r = await collide(0x0a000001, 0x0a000002);
    expect(r.est.sort()).toEqual(['left incoming', 'right outgoing']);
    expect(r.left.state).toBe('Established');
    r.left.destroy();
    r.right.destroy();
  });

  it('equal identifiers on eBGP: the higher AS keeps its connection (RFC 6286 §2.3)', async () => {
    const r = await collide(0x0a000001, 0x0a000001);
    // right has AS 65002 > 65001, so right's outgoing connection wins.
    expect(r.est.sort()).toEqual(['left incoming', 'right outgoing']);
    r.left.destroy();
    r.right.destroy();
  });

  it('a connection arriving in Established is refused with Cease 6/7', async () => {
    const p = memoryPair();
    await bringUp(p);
    const [a, b] = createMemoryTransportPair();
    const raw = new RawPeer(a);
    p.right.accept(b);
    await until(() => raw.closed);
    expect(raw.notifications().map((n) => [n.code, n.subcode])).toEqual([
      [6, CeaseSubcode.CONNECTION_COLLISION_RESOLUTION],
    ]);
    expect(p.right.state).toBe('Established');
    p.left.destroy();
    p.right.destroy();
  });
});

describe('maximum prefixes', () => {
  it('warns at the threshold, then Cease 6/1 and an automatic restart after restartTime', async () => {
    const { clock, session, peer } = await establishedWithRawPeer({
      maxPrefixes: [{ ...V4, limit: 100, warningThreshold: 80, restartTime: 30 }],
    });
    const events: string[] = [];
    session.on('prefix-limit:warning', (e) => events.push(`warn ${e.count}`));
    session.on('prefix-limit:exceeded', (e) => events.push(`exceeded ${e.count}`));
    session.setPrefixCount(1, 1, 50);
    session.setPrefixCount(1, 1, 85);
    session.setPrefixCount(1, 1, 90);
    expect(session.state).toBe('Established');
    session.setPrefixCount(1, 1, 101);
    await until(() => peer.closed);
    expect(events).toEqual(['warn 85', 'exceeded 101']);
    const n = peer.notifications()[0]!;
    expect([n.code, n.subcode, [...n.data]]).toEqual([6, 1, [0, 1, 1, 0, 0, 0, 100]]);
    expect(session.state).toBe('Idle');
    clock.advance(29_000);
    expect(session.state).toBe('Idle');
    clock.advance(1000);
    expect(session.state).toBe('Active');
    session.destroy();
  });
});

describe('back-pressure', () => {
  it('a peer that stops reading: sendUpdate asks to wait, memory stays bounded, overflow ends the session', async () => {
    const { session, peer } = await establishedWithRawPeer({
      sendQueue: { highWaterMark: 64 * 1024, maxBytes: 256 * 1024 },
    });
    peer.transport.pause();
    const update: UpdateMessage = {
      type: 'UPDATE',
      withdrawn: Array.from({ length: 200 }, (_, i) => ({
        prefix: { afi: 1 as const, length: 24, address: Uint8Array.of(10, i, 0, 0) },
      })),
      attributes: [],
      nlri: [],
    };
    let sent = 0;
    while (session.sendUpdate(update)) sent++;
    expect(sent).toBeGreaterThan(0);
    expect(session.queuedBytes).toBeLessThanOrEqual(256 * 1024);
    // A producer that waits for drain is resumed when the peer reads again.
    let drained = false;
    session.once('drain', () => {
      drained = true;
    });
    peer.transport.resume();
    await until(() => drained, 'drain');
    expect(session.state).toBe('Established');
    // A producer that ignores the signal hits the bound: Cease 6/8, session over.
    peer.transport.pause();
    const closed: NotificationMessage[] = [];
    session.on('notification:sent', (e) => closed.push(e.notification as NotificationMessage));
    for (let i = 0; i < 10_000 && session.state === 'Established'; i++) session.sendUpdate(update);
    expect(session.state).toBe('Idle');
    expect(closed.map((n) => [n.code, n.subcode])).toEqual([[6, CeaseSubcode.OUT_OF_RESOURCES]]);
    expect(session.queuedBytes).toBe(0);
    session.destroy();
  });

  it('a peer that never reads and never speaks: the hold timer ends the session', async () => {
    const { clock, session, peer } = await establishedWithRawPeer(
      { holdTime: 30 },
      new ManualClock(),
      30,
    );
    peer.transport.pause();
    const update: UpdateMessage = { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] };
    for (let i = 0; i < 1000; i++) session.sendUpdate(update);
    clock.advance(30_000);
    expect(session.state).toBe('Idle');
    session.destroy();
  });
});

describe('listener (in-memory connections)', () => {
  it('routes configured peers and ranges to sessions; rejects others with Cease 6/5', async () => {
    const clock = new ManualClock();
    const listener = new Listener();
    const known = new Session({ ...RIGHT, peerAddress: '127.0.0.9' }, { clock });
    known.start();
    listener.addPeer('127.0.0.9', known);
    const created: string[] = [];
    listener.addRange({
      prefix: '10.1.0.0/16',
      create: (addr) => {
        created.push(addr);
        const s = new Session(
          { ...RIGHT, peerAddress: addr, peerAs: 0, acceptPeerAs: (a) => a === 65001 },
          { clock },
        );
        s.start();
        return s;
      },
    });
    const connect = (addr: string): { raw: RawPeer; t: MemoryTransport } => {
      const [a, b] = createMemoryTransportPair({ addressA: addr, addressB: '127.0.0.1' });
      const raw = new RawPeer(a);
      listener.dispatch(b);
      return { raw, t: a };
    };
    const stranger = connect('192.0.2.1');
    await until(() => stranger.raw.closed);
    expect(stranger.raw.notifications().map((n) => [n.code, n.subcode])).toEqual([[6, 5]]);
    expect(stranger.raw.count('OPEN')).toBe(0);

    const k = connect('127.0.0.9');
    await until(() => k.raw.count('OPEN') === 1);
    expect(known.state).toBe('OpenSent');

    const dyn = connect('10.1.2.3');
    await until(() => dyn.raw.count('OPEN') === 1);
    expect(created).toEqual(['10.1.2.3']);
    // The range's AS rule: a peer with AS 65009 gets 2/2.
    dyn.raw.sendOpen({ localAs: 65009, peerAs: 0, bgpIdentifier: 9 });
    await until(() => dyn.raw.closed);
    expect(dyn.raw.notifications().map((n) => [n.code, n.subcode])).toEqual([[2, 2]]);
    known.destroy();
  });
});

describe('errors that end one session only', () => {
  it('a peer sending NOTIFICATION in OpenSent: no NOTIFICATION back, fall to Idle', async () => {
    const clock = new ManualClock();
    const s = new Session(RIGHT, { clock });
    s.start();
    const [a, b] = createMemoryTransportPair();
    const raw = new RawPeer(a);
    s.accept(b);
    await until(() => raw.count('OPEN') === 1);
    raw.send(encodeMessage(createNotification(6, 3), AS4_CONTEXT));
    await until(() => s.state === 'Idle');
    await settle();
    expect(raw.notifications()).toEqual([]);
    s.destroy();
  });

  it('regression: a peer OPEN already buffered when the connection is accepted meets OpenSent', async () => {
    const s = new Session(RIGHT, { clock: new ManualClock() });
    s.start();
    const [a, b] = createMemoryTransportPair();
    const raw = new RawPeer(a);
    raw.sendOpen({ localAs: 65001, peerAs: 0, bgpIdentifier: 0x01010101 });
    await settle();
    s.accept(b);
    await until(() => s.state === 'OpenConfirm', 'OpenConfirm');
    expect(raw.count('OPEN')).toBe(1);
    s.destroy();
  });

  it('a bad OPEN gets the matching OPEN error', async () => {
    const s = new Session(RIGHT, { clock: new ManualClock() });
    s.start();
    const [a, b] = createMemoryTransportPair();
    const raw = new RawPeer(a);
    s.accept(b);
    raw.sendOpen({ localAs: 65001, peerAs: 0, bgpIdentifier: 0x01010101 }, 2);
    await until(() => raw.closed);
    expect(raw.notifications().map((n) => [n.code, n.subcode])).toEqual([[2, 6]]);
    s.destroy();
  });

  it('End-of-RIB from a raw peer is recognised', async () => {
    const { session, peer } = await establishedWithRawPeer();
    const eors: unknown[] = [];
    session.on('eor:received', (f) => eors.push(f));
    peer.send(encodeMessage(endOfRib(Afi.IPV4, Safi.UNICAST), AS4_CONTEXT));
    await until(() => eors.length === 1);
    session.destroy();
  });
});

describe('more session behaviour', () => {
  it('property: the peer byte stream may be cut anywhere (session framing is chunking-independent)', async () => {
    const fc = (await import('fast-check')).default;
    const open = (() => {
      const [a] = createMemoryTransportPair();
      const raw = new RawPeer(a);
      const sent: Uint8Array[] = [];
      raw.send = (b) => sent.push(b);
      raw.sendOpen({ localAs: 65001, peerAs: 0, bgpIdentifier: 0x01010101 });
      raw.sendKeepalive();
      const eor = encodeMessage(endOfRib(Afi.IPV4, Safi.UNICAST), AS4_CONTEXT);
      return Uint8Array.from([...sent.flatMap((b) => [...b]), ...eor]);
    })();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: open.length - 1 }), { maxLength: 12 }),
        async (cuts) => {
          const s = new Session(RIGHT, { clock: new ManualClock() });
          s.start();
          const [a, b] = createMemoryTransportPair();
          const raw = new RawPeer(a);
          s.accept(b);
          let eor = 0;
          s.on('eor:received', () => eor++);
          const points = [0, ...[...cuts].sort((x, y) => x - y), open.length];
          for (let i = 0; i + 1 < points.length; i++)
            raw.send(open.subarray(points[i]!, points[i + 1]!));
          await until(() => eor === 1, 'End-of-RIB');
          expect(s.state).toBe('Established');
          s.destroy();
        },
      ),
      { numRuns: 25 },
    );
  });

  it('hold time 0: no KEEPALIVEs, no hold timer, the session stays up indefinitely', async () => {
    const p = memoryPair({ holdTime: 0 }, { holdTime: 90 });
    await bringUp(p);
    expect(p.right.negotiated).toMatchObject({ holdTime: 0, keepaliveTime: 0 });
    expect(p.right.isTimerRunning('HoldTimer')).toBe(false);
    expect(p.right.isTimerRunning('KeepaliveTimer')).toBe(false);
    p.clock.advance(24 * 3600 * 1000);
    await settle();
    expect([p.left.state, p.right.state]).toEqual(['Established', 'Established']);
    p.left.destroy();
    p.right.destroy();
  });

  it('our own hold time of 1 or 2 is refused at construction', () => {
    expect(() => new Session({ ...RIGHT, holdTime: 2 })).toThrow(RangeError);
  });

  it('damping back-off resets after the session has been up for dampingResetTime', async () => {
    const p = memoryPair({ dampingResetTime: 60, holdTime: 30 }, { holdTime: 30 });
    await bringUp(p);
    // Two failures grow the left side's back-off.
    for (let i = 0; i < 2; i++) {
      p.transports.at(-1)!.abort();
      await settle();
      p.clock.advance(p.left.attributes.idleHoldTime === 10 ? 5000 : 10_000);
      await until(() => p.left.state === 'Established' && p.right.state === 'Established');
    }
    expect(p.left.attributes.idleHoldTime).toBe(20);
    for (let i = 0; i < 6; i++) {
      p.clock.advance(10_000);
      await settle(5);
    }
    expect(p.left.state).toBe('Established');
    expect(p.left.attributes.idleHoldTime).toBe(5);
    p.left.destroy();
    p.right.destroy();
  });
});
