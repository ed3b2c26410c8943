import { createMemoryTransportPair, ManualClock } from '@bgp/fsm';
import { MemorySink } from '@bgp/rib';
import { acceptAll, type PeerConfig, Speaker } from '@bgp/speaker';
import { describe, expect, it } from 'vitest';

/** Lets queued microtasks and I/O callbacks run (memory transports deliver on microtasks). */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Advances the manual clock a second at a time until `cond` holds (at most `max` seconds). */
async function until(clock: ManualClock, cond: () => boolean, max = 30): Promise<void> {
  for (let i = 0; i < max && !cond(); i++) {
    clock.advance(1000);
    await settle();
  }
  expect(cond()).toBe(true);
}

/** A node speaker (AS 65001, active) and a ToR (AS 65100, passive, accepts routes). */
async function pair(opts: { torPeer?: Partial<PeerConfig>; nodePeer?: Partial<PeerConfig> } = {}) {
  const clock = new ManualClock();
  const sink = new MemorySink();
  const tor = new Speaker({ import: acceptAll }, { clock, sinks: [sink] });
  await tor.addInstance({ name: 'tor', asn: 65100, routerId: '10.0.0.2' });
  tor.addPeer('tor', {
    address: '127.0.0.1',
    asn: 65001,
    passive: true,
    families: [
      { afi: 1, safi: 1 },
      { afi: 2, safi: 1 },
    ],
    gracefulRestart: { restartTime: 120 },
    ...opts.torPeer,
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
    name: 'tor-a',
    address: '127.0.0.2',
    asn: 65100,
    families: [
      { afi: 1, safi: 1 },
      { afi: 2, safi: 1 },
    ],
    gracefulRestart: { restartTime: 120 },
    ...opts.nodePeer,
  });
  await tor.start();
  await node.start();
  await settle();
  return { clock, sink, tor, node };
}

describe('Speaker over in-memory transports', () => {
  it('establishes, advertises originated routes with communities, and counts them', async () => {
    const { tor, node, sink } = await pair();
    expect(node.peers()[0]!.sessionState).toBe('Established');
    node.originate('node', '10.244.1.0/24', {
      communities: ['65001:100', '65535:65281'],
      largeCommunities: ['65001:1:1'],
    });
    node.originate('node', 'fd00:10:244:1::/64', { communities: ['65001:100'] });
    await settle();
    const got = tor.routes(1);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      prefix: '10.244.1.0/24',
      peer: '127.0.0.1',
      best: true,
      nextHop: '127.0.0.1',
      attributes: {
        asPath: [65001],
        communities: ['65001:100', '65535:65281'],
        largeCommunities: ['65001:1:1'],
        origin: 'IGP',
      },
    });
    expect(got[0]!.attributes.localPref).toBeUndefined(); // eBGP: no LOCAL_PREF
    expect(tor.routes(2)[0]).toMatchObject({
      prefix: 'fd00:10:244:1::/64',
      nextHop: '::ffff:127.0.0.1',
    });
    const ps = node.peers()[0]!;
    expect(ps.families).toEqual([
      { afi: 'ipv4', safi: 'unicast', received: 0, accepted: 0, advertised: 1 },
      { afi: 'ipv6', safi: 'unicast', received: 0, accepted: 0, advertised: 1 },
    ]);
    expect(ps.capabilities).toContain('4-octet-as');
    expect(ps.capabilities).toContain('graceful-restart(120s)');
    await tor.flush();
    expect([...(await sink.snapshot()).keys()].sort()).toEqual([
      '10.244.1.0/24',
      'fd00:10:244:1::/64',
    ]);
    // Withdraw sends only the difference.
    const sent: string[][] = [];
    node.on('routes:sent', (e) => sent.push([...e.announced, ...e.withdrawn.map((w) => `-${w}`)]));
    expect(node.withdraw('node', '10.244.1.0/24')).toBe(true);
    await settle();
    expect(sent).toEqual([['-10.244.1.0/24']]);
    expect(tor.routes(1)).toHaveLength(0);
    await tor.flush();
    expect([...(await sink.snapshot()).keys()]).toEqual(['fd00:10:244:1::/64']);
    node.destroy();
    tor.destroy();
  });

  it('iBGP gets LOCAL_PREF (default 100), an empty AS_PATH; the export hook shapes per peer', async () => {
    const { tor, node } = await pair({
      torPeer: { asn: 65001 },
      nodePeer: {
        asn: 65001,
        export: (r) =>
          r.prefix.length === 32
            ? { localPref: 200, largeCommunities: ['65001:2:1'] }
            : r.prefix.length === 24,
      },
    });
    await tor.removeInstance('tor');
    await tor.addInstance({ name: 'tor', asn: 65001, routerId: '10.0.0.2' });
    tor.addPeer('tor', { address: '127.0.0.1', asn: 65001, passive: true });
    await tor.start();
    node.updatePeer('node', { ...node.peerConfigs('node')[0]!, holdTime: 60 });
    await settle();
    expect(node.peers()[0]).toMatchObject({ sessionState: 'Established', holdTime: 60 });
    node.originate('node', '10.244.1.0/24');
    node.originate('node', '203.0.113.1/32');
    node.originate('node', '10.0.0.0/8');
    await settle();
    const byPrefix = Object.fromEntries(tor.routes(1).map((r) => [r.prefix, r.attributes]));
    expect(Object.keys(byPrefix).sort()).toEqual(['10.244.1.0/24', '203.0.113.1/32']);
    expect(byPrefix['10.244.1.0/24']).toMatchObject({ asPath: [], localPref: 100 });
    expect(byPrefix['203.0.113.1/32']).toMatchObject({
      asPath: [],
      localPref: 200,
      largeCommunities: ['65001:2:1'],
    });
    node.destroy();
    tor.destroy();
  });

  it('Cilium default: received routes stay in the Adj-RIB-In, counted but not accepted', async () => {
    const { tor, node } = await pair();
    tor.originate('tor', '0.0.0.0/0');
    await settle();
    expect(node.routes(1)).toHaveLength(0);
    expect(node.received(1)).toHaveLength(1);
    expect(node.peers()[0]!.families[0]).toMatchObject({ received: 1, accepted: 0 });
    node.destroy();
    tor.destroy();
  });

  it('removing one peer leaves the other session alone; config change resets only that session', async () => {
    const { tor, node, clock } = await pair();
    let downs = 0;
    node.on('peer:down', () => downs++);
    node.originate('node', '10.244.1.0/24');
    await settle();
    expect(tor.routes(1)).toHaveLength(1);
    // Export-only change: no reset, the difference is sent.
    expect(node.updatePeer('node', { ...node.peerConfigs('node')[0]!, export: () => false })).toBe(
      'updated',
    );
    await settle();
    expect(downs).toBe(0);
    expect(tor.routes(1)).toHaveLength(0);
    expect(
      node.updatePeer('node', { ...node.peerConfigs('node')[0]!, export: undefined, holdTime: 30 }),
    ).toBe('reset');
    await settle();
    expect(downs).toBe(1);
    // The ToR may refuse the new connection while it still sees the old one: retried after IdleHold.
    await until(clock, () => node.peers()[0]!.sessionState === 'Established');
    await settle();
    expect(node.peers()[0]).toMatchObject({ sessionState: 'Established', holdTime: 30 });
    expect(tor.routes(1)).toHaveLength(1);
    node.removePeer('node', '127.0.0.2');
    await settle();
    expect(node.peers()).toHaveLength(0);
    expect(tor.peers()[0]!.sessionState).not.toBe('Established');
    expect(tor.peers()[0]!.lastError).toMatch(/CEASE/);
    node.destroy();
    tor.destroy();
  });

  it('graceful stop: the peer keeps our routes as stale; after we come back and send End-of-RIB, unrefreshed ones are swept', async () => {
    const { tor, node, clock } = await pair();
    node.originate('node', '10.244.1.0/24');
    node.originate('node', '10.244.9.0/24');
    await settle();
    expect(tor.routes(1)).toHaveLength(2);
    await node.stop({ graceful: true });
    await settle();
    clock.advance(1000);
    await settle();
    expect(tor.routes(1).map((r) => [r.prefix, r.stale])).toEqual([
      ['10.244.1.0/24', true],
      ['10.244.9.0/24', true],
    ]);
    // The restarted agent originates only one of them.
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
    await again.addInstance({ name: 'node', asn: 65001, routerId: '192.168.1.11' });
    again.addPeer('node', {
      address: '127.0.0.2',
      asn: 65100,
      families: [
        { afi: 1, safi: 1 },
        { afi: 2, safi: 1 },
      ],
      gracefulRestart: { restartTime: 120 },
    });
    again.originate('node', '10.244.1.0/24');
    await again.start();
    for (let i = 0; i < 10 && again.peers()[0]!.sessionState !== 'Established'; i++) {
      clock.advance(1000);
      await settle();
    }
    expect(again.peers()[0]!.sessionState).toBe('Established');
    await settle();
    expect(tor.routes(1).map((r) => [r.prefix, r.stale])).toEqual([['10.244.1.0/24', false]]);
    again.destroy();
    node.destroy();
    tor.destroy();
  });

  it('explains the best path with the step each loser lost at', async () => {
    const { tor, node } = await pair();
    node.originate('node', '10.1.0.0/16', { communities: ['65001:1'] });
    await settle();
    tor.originate('tor', '10.1.0.0/16', { localPref: 50 });
    const ex = tor.explain('10.1.0.0/16');
    expect(ex.map((e) => [e.peer, e.best, e.lostAt])).toEqual([
      ['127.0.0.1', true, undefined],
      [null, false, 'local-pref'],
    ]);
    node.destroy();
    tor.destroy();
  });

  it('runs several instances (one local AS each) side by side; removing one leaves the other up', async () => {
    const clock = new ManualClock();
    const tor = new Speaker({ import: acceptAll }, { clock });
    await tor.addInstance({ name: 'a', asn: 65100, routerId: '10.0.0.2' });
    await tor.addInstance({ name: 'b', asn: 65200, routerId: '10.0.0.3' });
    tor.addPeer('a', { address: '127.0.0.1', asn: 65001, passive: true });
    tor.addPeer('b', { address: '127.0.0.1', asn: 65002, passive: true });
    const node = new Speaker(
      {},
      {
        clock,
        connect: async (peer, instance) => {
          const [x, y] = createMemoryTransportPair({
            addressA: '127.0.0.1',
            addressB: peer.address,
          });
          tor.accept(instance.asn === 65001 ? 'a' : 'b', y);
          return x;
        },
      },
    );
    await node.addInstance({ name: 'red', asn: 65001, routerId: '192.168.1.11' });
    await node.addInstance({ name: 'blue', asn: 65002, routerId: '192.168.1.11' });
    node.addPeer('red', { address: '127.0.0.2', asn: 65100 });
    node.addPeer('blue', { address: '127.0.0.3', asn: 65200 });
    node.originate('red', '10.1.0.0/16');
    node.originate('blue', '10.2.0.0/16');
    await tor.start();
    await node.start();
    await settle();
    expect(tor.routes(1).map((r) => [r.instance, r.prefix, r.attributes.asPath])).toEqual([
      ['a', '10.1.0.0/16', [65001]],
      ['b', '10.2.0.0/16', [65002]],
    ]);
    await node.removeInstance('blue');
    await settle();
    expect(node.peers().map((p) => [p.instance, p.sessionState])).toEqual([['red', 'Established']]);
    expect(tor.routes(1).map((r) => r.prefix)).toEqual(['10.1.0.0/16']);
    node.destroy();
    tor.destroy();
  });
});
