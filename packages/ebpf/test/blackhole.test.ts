import type { DatapathRoute } from '@bgp/rib';
import { parsePrefix, WellKnownCommunity } from '@bgp/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sinkComplianceSuite, testRoute } from '../../rib/src/testing.js';
import { Blackhole, DROP_VALUE_SIZE, lpmKey, xdpProgramId } from '../src/index.js';
import { bpfSkip, bpftoolDump, netnsSkip } from './bpf-env.js';
import { createNetnsPair, type NetnsPair, until } from './netns-pair.js';

const BH = WellKnownCommunity.BLACKHOLE;

describe.skipIf(bpfSkip)(`Blackhole maps${bpfSkip ? ` (skipped: ${bpfSkip})` : ''}`, () => {
  sinkComplianceSuite(it, async () => ({
    sink: Blackhole.create({ maxEntries: { ipv4: 10_000, ipv6: 1000 } }),
    drift: async (sink) => {
      (sink as Blackhole).maps.ipv4.update(
        lpmKey(parsePrefix('203.0.113.0/24')),
        new Uint8Array(DROP_VALUE_SIZE),
      );
    },
  }));

  it('holds BLACKHOLE routes and configured communities, nothing else', async () => {
    const own = (65000 << 16) | 666;
    const bh = Blackhole.create({ communities: [own], maxEntries: { ipv4: 16, ipv6: 16 } });
    try {
      const routes = [
        testRoute('192.0.2.0/26', '192.0.2.1', 1, [BH]),
        testRoute('192.0.2.64/26', '192.0.2.1', 2, [own]),
        testRoute('192.0.2.128/26', '192.0.2.1', 3, [(65000 << 16) | 667]),
        testRoute('192.0.2.192/26', '192.0.2.1', 4, []),
      ];
      await bh.apply(routes.map((route) => ({ op: 'upsert', route })));
      expect([...(await bh.snapshot()).keys()].sort()).toEqual(['192.0.2.0/26', '192.0.2.64/26']);
      // Losing the community withdraws the blackhole.
      await bh.apply([{ op: 'upsert', route: { ...routes[0]!, communities: [] } }]);
      expect([...(await bh.snapshot()).keys()]).toEqual(['192.0.2.64/26']);
    } finally {
      await bh.close();
    }
  });

  it('lays out the drop value as bpf/blackhole.bpf.c reads it', () => {
    const bh = Blackhole.create({ maxEntries: { ipv4: 1, ipv6: 1 } });
    try {
      const v = bh.encode(testRoute('198.51.100.0/24', '192.0.2.7', 0x0a0b0c0d, [BH]));
      expect(v.length).toBe(40);
      expect([...v.subarray(0, 8)]).toEqual([4, 24, 0, 0, 198, 51, 100, 0]);
      expect(v.subarray(8, 20).every((b) => b === 0)).toBe(true);
      expect(new DataView(v.buffer).getUint32(20, true)).toBe(0x0a0b0c0d);
      expect([...v.subarray(24, 40)]).toEqual([
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 192, 0, 2, 7,
      ]);
      const v6 = bh.encode(testRoute('2001:db8::/32', '2001:db8::1', 1, [BH]));
      expect([...v6.subarray(0, 8)]).toEqual([6, 32, 0, 0, 0x20, 0x01, 0x0d, 0xb8]);
    } finally {
      void bh.close();
    }
  });
});

// Two namespaces joined by a veth pair (see netns-pair.ts); XDP on vB, inside namespace B.
describe.skipIf(netnsSkip)(
  `Blackhole XDP end to end${netnsSkip ? ` (skipped: ${netnsSkip})` : ''}`,
  () => {
    let pair: NetnsPair | undefined;
    let nsB = '';
    const received = (): ReadonlySet<string> => pair!.received;
    const send = (dst: string, count: number): string[] => pair!.send(dst, count);
    const passes = (dst: string, count?: number): Promise<boolean> => pair!.passes(dst, count);

    beforeAll(async () => {
      pair = await createNetnsPair();
      nsB = pair.nsB;
    });

    afterAll(() => {
      pair?.destroy();
    });

    it('drops and counts traffic to a blackholed prefix, passes the rest, lets it through once withdrawn', async () => {
      expect(await passes('10.66.1.1')).toBe(true);
      expect(await passes('10.66.2.1')).toBe(true);
      const bh = Blackhole.create({ maxEntries: { ipv4: 64, ipv6: 64 } });
      try {
        const xdp = bh.attach('vB', { netns: nsB });
        expect(xdp.programId).toBeGreaterThan(0);
        expect(xdpProgramId('vB', { netns: nsB, mode: xdp.mode })).toBe(xdp.programId);
        const black: DatapathRoute = testRoute('10.66.1.0/24', '198.51.100.2', 77, [BH]);
        const plain: DatapathRoute = testRoute('10.66.2.0/24', '198.51.100.2', 78, []);
        const v6: DatapathRoute = testRoute('2001:db8:66::/48', '2001:db8::1', 79, [BH]);
        await bh.apply([black, plain, v6].map((route) => ({ op: 'upsert', route })));

        const dropped = send('10.66.1.1', 5);
        // The counter moves when XDP drops: wait for it, then none of those datagrams arrived.
        expect(await until(() => bh.drops(black.prefix).packets >= 5n, 3000)).toBe(true);
        expect(await passes('10.66.2.1')).toBe(true);
        expect(dropped.some((t) => received().has(t))).toBe(false);
        const count = bh.drops(black.prefix);
        expect(count.packets).toBe(5n);
        // Each frame: 14 Ethernet + 20 IPv4 + 8 UDP + the token.
        const payload = dropped.reduce((n, t) => n + BigInt(42 + t.length), 0n);
        expect(count.bytes).toBe(payload);
        expect(bh.drops(plain.prefix).packets).toBe(0n);
        expect([...(await bh.dropCounters()).keys()]).toEqual(['10.66.1.0/24']);
        // bpftool reads the same per-CPU counters.
        const tool = [...bpftoolDump(bh.counters.info.id).values()];
        expect(tool).toHaveLength(1);
        const raw = tool[0]!;
        const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
        let packets = 0n;
        for (let off = 0; off < raw.length; off += 16) packets += dv.getBigUint64(off, true);
        expect(packets).toBe(5n);

        // Withdrawing the route lets traffic through and clears its counter.
        await bh.apply([{ op: 'remove', prefix: black.prefix }]);
        expect(await passes('10.66.1.1')).toBe(true);
        expect((await bh.dropCounters()).size).toBe(0);

        // A more specific blackhole inside a passing prefix: longest match in the XDP program.
        const host = testRoute('10.66.2.1/32', '198.51.100.2', 80, [BH]);
        await bh.apply([{ op: 'upsert', route: host }]);
        const lost = send('10.66.2.1', 2);
        expect(await until(() => bh.drops(host.prefix).packets >= 2n, 3000)).toBe(true);
        expect(await passes('10.66.1.1')).toBe(true);
        expect(lost.some((t) => received().has(t))).toBe(false);
      } finally {
        await bh.close();
      }
      // close() detached the program.
      expect(xdpProgramId('vB', { netns: nsB, mode: 'native' })).toBe(0);
      expect(xdpProgramId('vB', { netns: nsB, mode: 'generic' })).toBe(0);
      expect(await passes('10.66.2.1')).toBe(true);
    }, 60_000);

    it('in generic mode too, and the program sees entries written behind the sink at once', async () => {
      const bh = Blackhole.create({ maxEntries: { ipv4: 8, ipv6: 8 } });
      try {
        expect(bh.attach('vB', { netns: nsB, mode: 'generic' }).mode).toBe('generic');
        const route = testRoute('10.66.2.0/24', '198.51.100.2', 5, [BH]);
        // Straight into the sink's map by its descriptor: the program shares it.
        bh.maps.ipv4.update(lpmKey(route.prefix), bh.encode(route));
        const lost = send('10.66.2.1', 2);
        expect(await until(() => bh.drops(route.prefix).packets >= 2n, 3000)).toBe(true);
        expect(await passes('10.66.1.1')).toBe(true);
        expect(lost.some((t) => received().has(t))).toBe(false);
      } finally {
        await bh.close();
      }
    }, 60_000);
  },
);
