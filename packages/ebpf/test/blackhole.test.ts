import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { DatapathRoute } from '@bgp/rib';
import { parsePrefix, WellKnownCommunity } from '@bgp/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sinkComplianceSuite, testRoute } from '../../rib/src/testing.js';
import { Blackhole, DROP_VALUE_SIZE, lpmKey, xdpProgramId } from '../src/index.js';
import { bpfSkip, bpftoolDump, netnsSkip } from './bpf-env.js';

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

// Two namespaces joined by a veth pair; XDP on the receiving end (inside its namespace).
//
//   ns A: vA 198.51.100.1/24  ----veth----  ns B: vB 198.51.100.2/24, lo 10.66.1.1, 10.66.2.1
//         route 10.66.0.0/16 via .2                XDP blackhole on vB, UDP listener :4242
//
// Traffic is UDP from a node process run with `ip netns exec` in A to a listener in B; each
// datagram carries a unique token, so the test knows exactly which ones arrived.
const PORT = 4242;
const RECEIVER = `const s = require('node:dgram').createSocket('udp4');
s.on('message', (m) => process.stdout.write(m.toString() + '\\n'));
s.bind(${PORT}, '0.0.0.0', () => process.stdout.write('ready\\n'));`;
const SENDER = `const [dst, ...tokens] = process.argv.slice(1);
const s = require('node:dgram').createSocket('udp4');
let n = 0;
for (const t of tokens) s.send(t, ${PORT}, dst, () => { if (++n === tokens.length) s.close(); });`;

describe.skipIf(netnsSkip)(
  `Blackhole XDP end to end${netnsSkip ? ` (skipped: ${netnsSkip})` : ''}`,
  () => {
    const tag = randomBytes(3).toString('hex');
    const nsA = `bgpt-${tag}-a`;
    const nsB = `bgpt-${tag}-b`;
    const received = new Set<string>();
    let receiver: ChildProcess | undefined;
    let seq = 0;
    const ip = (...args: string[]): void => {
      execFileSync('ip', args, { stdio: 'pipe' });
    };
    const until = async (cond: () => boolean, ms: number): Promise<boolean> => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) return false;
        await new Promise((r) => setTimeout(r, 20));
      }
      return true;
    };
    /** Sends `count` datagrams from A to `dst`; their tokens. */
    const send = (dst: string, count: number): string[] => {
      const tokens = Array.from({ length: count }, () => `${dst}#${seq++}`);
      execFileSync('ip', ['netns', 'exec', nsA, process.execPath, '-e', SENDER, dst, ...tokens], {
        stdio: 'pipe',
      });
      return tokens;
    };
    /** Sends and waits for every datagram to arrive (true), or gives up after 2 s (false). */
    const passes = async (dst: string, count = 3): Promise<boolean> => {
      const tokens = send(dst, count);
      return until(() => tokens.every((t) => received.has(t)), 2000);
    };

    beforeAll(async () => {
      ip('netns', 'add', nsA);
      ip('netns', 'add', nsB);
      ip('-n', nsA, 'link', 'add', 'vA', 'type', 'veth', 'peer', 'name', 'vB', 'netns', nsB);
      ip('-n', nsA, 'addr', 'add', '198.51.100.1/24', 'dev', 'vA');
      ip('-n', nsB, 'addr', 'add', '198.51.100.2/24', 'dev', 'vB');
      ip('-n', nsB, 'addr', 'add', '10.66.1.1/32', 'dev', 'lo');
      ip('-n', nsB, 'addr', 'add', '10.66.2.1/32', 'dev', 'lo');
      for (const [ns, dev] of [
        [nsA, 'vA'],
        [nsB, 'vB'],
        [nsA, 'lo'],
        [nsB, 'lo'],
      ] as const) {
        ip('-n', ns, 'link', 'set', dev, 'up');
      }
      ip('-n', nsA, 'route', 'add', '10.66.0.0/16', 'via', '198.51.100.2');
      const child = spawn('ip', ['netns', 'exec', nsB, process.execPath, '-e', RECEIVER], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      receiver = child;
      let buf = '';
      child.stdout?.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\n');
        buf = lines.pop() ?? '';
        for (const l of lines) received.add(l);
      });
      if (!(await until(() => received.has('ready'), 10_000)))
        throw new Error('UDP receiver did not start');
    });

    afterAll(() => {
      receiver?.kill();
      spawnSync('ip', ['netns', 'del', nsA]);
      spawnSync('ip', ['netns', 'del', nsB]);
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
        expect(dropped.some((t) => received.has(t))).toBe(false);
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
        expect(lost.some((t) => received.has(t))).toBe(false);
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
        expect(lost.some((t) => received.has(t))).toBe(false);
      } finally {
        await bh.close();
      }
    }, 60_000);
  },
);
