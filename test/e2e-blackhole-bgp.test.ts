/**
 * Remotely triggered blackholing end to end (RFC 7999), issue 7: a real gobgpd announces a
 * prefix with BLACKHOLE (65535:666) to our Speaker over a BGP session on loopback; the route
 * goes through the Loc-RIB into @bgp/ebpf's Blackhole sink, whose XDP program, attached on the
 * receiving veth of two throwaway namespaces, drops traffic to that prefix and counts it.
 *
 *   gobgpd 127.x.y.a ──BGP (eBGP, loopback)──► Speaker 127.x.y.b ──sink──► drop map / counters
 *                                                                            │
 *   ns A: vA 198.51.100.1 ──veth──► ns B: vB 198.51.100.2 (XDP) ◄────────────┘
 *
 * The speaker accepts every route, so the route without the community is in the Loc-RIB too:
 * only the sink's community filter keeps it out of the drop map.
 */
import { Blackhole } from '@bgp/ebpf';
import { acceptAll, Speaker } from '@bgp/speaker';
import { parsePrefix } from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { netnsSkip } from '../packages/ebpf/test/bpf-env.js';
import { createNetnsPair, type NetnsPair, until } from '../packages/ebpf/test/netns-pair.js';
import {
  allocateLoopbackAddress,
  allocatePort,
  createDaemon,
  daemonMissing,
  daemonScope,
  type GobgpDaemon,
  waitFor,
  waitForEstablished,
} from './interop/harness/index.js';

const why = daemonMissing('gobgp') ?? netnsSkip;

const BLACKHOLE = '65535:666';
// Both inside namespace A's route 10.66.0.0/16; B answers on 10.66.1.1 and 10.66.2.1.
const DARK = '10.66.1.0/24';
const LIT = '10.66.2.0/24';
// TEST-NET-1: GoBGP refuses loopback next hops; nothing is ever sent to it.
const NEXT_HOP = '192.0.2.66';

/** Announces `prefix` from gobgpd (replacing its previous path), with `communities`. */
async function announce(d: GobgpDaemon, prefix: string, communities: string[]): Promise<void> {
  const extra = communities.length > 0 ? ['community', communities.join(',')] : [];
  await d.cli('global', 'rib', 'add', '-a', 'ipv4', prefix, 'nexthop', NEXT_HOP, ...extra);
}

/** Waits until the sink holds exactly `prefixes` (sorted text). */
function sinkHolds(sink: Blackhole, prefixes: string[]): Promise<true> {
  const want = [...prefixes].sort().join(',');
  return waitFor(async () => [...(await sink.snapshot()).keys()].sort().join(',') === want, {
    what: `the drop map to hold [${want}]`,
    timeoutMs: 10_000,
    intervalMs: 25,
  });
}

/** The speaker's Loc-RIB paths learned from `from`: prefix -> communities. */
function locRib(s: Speaker, from: string): Map<string, readonly string[]> {
  return new Map(
    s
      .routes(1)
      .filter((r) => r.peer === from)
      .map((r) => [r.prefix, r.attributes.communities]),
  );
}

describe.skipIf(why !== undefined)(
  `BGP-signalled blackhole: gobgpd -> Speaker -> XDP${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it('drops and counts traffic to a prefix gobgpd tags BLACKHOLE, passes the rest, lets it through once withdrawn', async () => {
      const scope = daemonScope();
      let pair: NetnsPair | undefined;
      let sink: Blackhole | undefined;
      let speaker: Speaker | undefined;
      try {
        pair = await createNetnsPair('bgpe2e');
        const net = pair;
        const bh = Blackhole.create({ maxEntries: { ipv4: 64, ipv6: 64 } });
        sink = bh;
        const xdp = bh.attach(net.receivingInterface, { netns: net.nsB });
        expect(xdp.programId).toBeGreaterThan(0);
        // The program is attached and the map is empty: everything passes.
        expect(await net.passes('10.66.1.1')).toBe(true);
        expect(await net.passes('10.66.2.1')).toBe(true);

        const local = allocateLoopbackAddress();
        const remote = allocateLoopbackAddress();
        const gobgp = scope.add(
          await createDaemon('gobgp', {
            routerId: '10.0.0.66',
            asn: 65066,
            address: remote,
            peers: [{ address: local, port: await allocatePort(local), asn: 65001, passive: true }],
          }),
        );
        await gobgp.start();
        const s = new Speaker({ import: acceptAll }, { sinks: [bh] });
        speaker = s;
        await s.addInstance({ name: 'rtbh', asn: 65001, routerId: '10.0.0.1' });
        s.addPeer('rtbh', {
          address: remote,
          port: gobgp.port,
          asn: 65066,
          localAddress: local,
          connectRetryTime: 1,
        });
        await s.start();
        await waitForEstablished(gobgp, local, 20_000);

        // 1. One prefix with BLACKHOLE, one without: both reach the Loc-RIB over BGP, only the
        //    first reaches the drop map.
        await announce(gobgp, DARK, [BLACKHOLE]);
        await announce(gobgp, LIT, []);
        await waitFor(() => locRib(s, remote).size === 2, {
          what: 'both routes in the Loc-RIB',
          timeoutMs: 10_000,
          intervalMs: 25,
        });
        expect(Object.fromEntries(locRib(s, remote))).toEqual({ [DARK]: [BLACKHOLE], [LIT]: [] });
        await sinkHolds(bh, [DARK]);

        const dropped = net.send('10.66.1.1', 5);
        // The counter moves when XDP drops: wait for it; then none of those datagrams arrived.
        expect(await until(() => bh.drops(parsePrefix(DARK)).packets >= 5n, 3000)).toBe(true);
        expect(await net.passes('10.66.2.1')).toBe(true);
        expect(dropped.filter((t) => net.received.has(t))).toEqual([]);
        // Read back through the plugin: exactly the datagrams sent, and their bytes
        // (14 Ethernet + 20 IPv4 + 8 UDP + the token).
        expect(bh.drops(parsePrefix(DARK))).toEqual({
          packets: 5n,
          bytes: dropped.reduce((n, t) => n + BigInt(42 + t.length), 0n),
        });
        expect(bh.drops(parsePrefix(LIT)).packets).toBe(0n);
        expect([...(await bh.dropCounters()).keys()]).toEqual([DARK]);

        // 2. Withdrawn at gobgpd: the WITHDRAW clears the entry and its counter; traffic passes.
        await gobgp.withdraw(DARK);
        await sinkHolds(bh, []);
        expect([...locRib(s, remote).keys()]).toEqual([LIT]);
        expect(await net.passes('10.66.1.1')).toBe(true);
        expect((await bh.dropCounters()).size).toBe(0);

        // 3. The passing prefix gains the community (an implicit withdraw and replace, RFC 4271
        //    §3.1): it is dropped; then loses it again: it passes.
        await announce(gobgp, LIT, ['65066:1', BLACKHOLE]);
        await sinkHolds(bh, [LIT]);
        const lost = net.send('10.66.2.1', 3);
        expect(await until(() => bh.drops(parsePrefix(LIT)).packets >= 3n, 3000)).toBe(true);
        expect(await net.passes('10.66.1.1')).toBe(true);
        expect(lost.filter((t) => net.received.has(t))).toEqual([]);
        expect(bh.drops(parsePrefix(LIT)).packets).toBe(3n);
        await announce(gobgp, LIT, ['65066:1']);
        await sinkHolds(bh, []);
        expect(await net.passes('10.66.2.1')).toBe(true);

        // 4. A blackhole learned from a session that then goes down is not left behind.
        await announce(gobgp, DARK, [BLACKHOLE]);
        await sinkHolds(bh, [DARK]);
        await gobgp.stop();
        await sinkHolds(bh, []);
        expect(await net.passes('10.66.1.1')).toBe(true);
      } finally {
        speaker?.destroy();
        await scope.stopAll();
        await sink?.close().catch(() => {});
        pair?.destroy();
      }
    }, 60_000);
  },
);
