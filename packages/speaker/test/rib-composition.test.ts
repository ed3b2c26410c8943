/**
 * The speaker composes `@bgp/rib`: these tests check behaviour that comes from the RIB (loop
 * detection, explanations, the datapath feed) through the speaker's public API.
 */
import { createMemoryTransportPair, ManualClock } from '@bgp/fsm';
import { type DatapathChange, MemorySink, prefixRouteId } from '@bgp/rib';
import { acceptAll, Speaker } from '@bgp/speaker';
import { formatPrefix } from '@bgp/wire';
import { describe, expect, it } from 'vitest';

async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** A node (AS 65001, active) and a ToR (AS 65100, passive, accepts everything, one sink). */
async function pair(gracefulRestart?: { restartTime: number }) {
  const clock = new ManualClock();
  const applied: DatapathChange[][] = [];
  const sink = new MemorySink();
  const recording = Object.assign(Object.create(sink) as MemorySink, {
    apply: (changes: readonly DatapathChange[]) => {
      applied.push([...changes]);
      return sink.apply(changes);
    },
  });
  const tor = new Speaker({ import: acceptAll }, { clock, sinks: [recording] });
  await tor.addInstance({ name: 'tor', asn: 65100, routerId: '10.0.0.2' });
  tor.addPeer('tor', {
    address: '127.0.0.1',
    asn: 65001,
    passive: true,
    ...(gracefulRestart ? { gracefulRestart } : {}),
  });
  const node = new Speaker(
    {},
    {
      clock,
      connect: async () => {
        const [a, b] = createMemoryTransportPair({ addressA: '127.0.0.1', addressB: '127.0.0.2' });
        tor.accept('tor', b);
        return a;
      },
    },
  );
  await node.addInstance({ name: 'node', asn: 65001, routerId: '192.168.1.11' });
  node.addPeer('node', {
    address: '127.0.0.2',
    asn: 65100,
    ...(gracefulRestart ? { gracefulRestart } : {}),
  });
  await tor.start();
  await node.start();
  await settle();
  expect(node.peers()[0]!.sessionState).toBe('Established');
  return { tor, node, sink, applied, clock };
}

describe('Speaker over @bgp/rib', () => {
  it('a learned best route reaches the sink with the RIB route id; a local one never does', async () => {
    const { tor, node, sink, applied } = await pair();
    node.originate('node', '10.244.1.0/24', { communities: ['65001:100'] });
    tor.originate('tor', '10.0.0.0/8');
    await settle();
    await tor.flush();
    const upserts = applied.flat().filter((c) => c.op === 'upsert');
    expect(upserts).toHaveLength(1);
    const r = upserts[0]!.op === 'upsert' ? upserts[0]!.route : undefined;
    expect(r && formatPrefix(r.prefix)).toBe('10.244.1.0/24');
    expect(r?.routeId).toBe(prefixRouteId(r!.prefix));
    expect(r?.nextHops.map((n) => [...n])).toEqual([[127, 0, 0, 1]]);
    expect(r?.communities).toEqual([65001 * 65536 + 100]);
    expect([...(await sink.snapshot()).keys()]).toEqual(['10.244.1.0/24']);
    node.destroy();
    tor.destroy();
  });

  it('a route carrying our AS is kept but not eligible (RFC 4271 §9.1.2): no best, no sink entry', async () => {
    const { tor, node, sink } = await pair();
    const changes: (string | null)[] = [];
    tor.on('best:change', (e) => changes.push(e.best?.peer ?? null));
    // The node prepends 65001; the path then holds the ToR's own AS 65100 as well.
    node.originate('node', '10.9.0.0/16', { asPath: [65100] });
    await settle();
    await tor.flush();
    expect(tor.routes(1).map((r) => [r.prefix, r.peer, r.best])).toEqual([
      ['10.9.0.0/16', '127.0.0.1', false],
    ]);
    expect(tor.explain('10.9.0.0/16').map((e) => [e.peer, e.best, e.lostAt])).toEqual([
      ['127.0.0.1', false, 'not-eligible'],
    ]);
    expect(changes).toEqual([null]);
    expect((await sink.snapshot()).size).toBe(0);
    // The ToR has no best path, so it exports nothing back.
    expect(tor.advertised(1)[0]!.routes).toEqual([]);
    node.destroy();
    tor.destroy();
  });

  it('explains with the RIB decision steps: a learned path against a local one', async () => {
    const { tor, node } = await pair();
    node.originate('node', '10.1.0.0/16', { med: 5 });
    await settle();
    tor.originate('tor', '10.1.0.0/16', { asPath: [64999, 64998] });
    expect(tor.explain('10.1.0.0/16').map((e) => [e.peer, e.best, e.lostAt])).toEqual([
      ['127.0.0.1', true, undefined],
      [null, false, 'as-path-length'],
    ]);
    tor.withdraw('tor', '10.1.0.0/16');
    tor.originate('tor', '10.1.0.0/16');
    expect(tor.explain('10.1.0.0/16').map((e) => [e.peer, e.best, e.lostAt])).toEqual([
      [null, true, undefined],
      ['127.0.0.1', false, 'as-path-length'],
    ]);
    node.destroy();
    tor.destroy();
  });

  it('a peer back after graceful restart with another BGP Identifier: stale routes move to its new RIB record and are swept', async () => {
    const { tor, node, clock } = await pair({ restartTime: 120 });
    node.originate('node', '10.244.1.0/24');
    node.originate('node', '10.244.9.0/24');
    await settle();
    await node.stop({ graceful: true });
    clock.advance(1000);
    await settle();
    expect(tor.routes(1).map((r) => [r.prefix, r.stale])).toEqual([
      ['10.244.1.0/24', true],
      ['10.244.9.0/24', true],
    ]);
    const again = new Speaker(
      { restarting: true },
      {
        clock,
        connect: async () => {
          const [a, b] = createMemoryTransportPair({
            addressA: '127.0.0.1',
            addressB: '127.0.0.2',
          });
          tor.accept('tor', b);
          return a;
        },
      },
    );
    await again.addInstance({ name: 'node', asn: 65001, routerId: '192.168.1.99' });
    again.addPeer('node', {
      address: '127.0.0.2',
      asn: 65100,
      gracefulRestart: { restartTime: 120 },
    });
    again.originate('node', '10.244.1.0/24');
    await again.start();
    for (let i = 0; i < 10 && again.peers()[0]!.sessionState !== 'Established'; i++) {
      clock.advance(1000);
      await settle();
    }
    await settle();
    expect(tor.routes(1).map((r) => [r.prefix, r.peer, r.best, r.stale])).toEqual([
      ['10.244.1.0/24', '127.0.0.1', true, false],
    ]);
    expect(tor.received(1).map((r) => [r.prefix, r.best])).toEqual([['10.244.1.0/24', true]]);
    // Split horizon follows the new record: nothing goes back to the peer it came from.
    expect(tor.advertised(1)[0]!.routes).toEqual([]);
    again.destroy();
    node.destroy();
    tor.destroy();
  });
});
