import type { DatapathChange, DatapathRoute } from '@bgp/rib';
import { formatPrefix, makePrefix, parseAddress, parsePrefix } from '@bgp/wire';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sinkComplianceSuite, testRoute } from '../../rib/src/testing.js';
import {
  BpfMap,
  decodeRouteValue,
  isBpfError,
  LpmRouteWriter,
  lpmKey,
  nextHopEncoder,
  prefixFromLpmKey,
} from '../src/index.js';
import { bpfSkip, bpftoolDump, hex, makePinDir, removePinDir } from './bpf-env.js';

const skipNote = bpfSkip ? ` (skipped: ${bpfSkip})` : '';

describe('LPM keys and the default value layout', () => {
  it('property: an LPM key reads back as the same prefix', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.nat(128),
        (v4, bytes, len) => {
          const addr = v4 ? bytes.subarray(0, 4) : bytes;
          const p = makePrefix(addr, len % (addr.length * 8 + 1));
          const key = lpmKey(p);
          expect(key.length).toBe(v4 ? 8 : 20);
          expect(formatPrefix(prefixFromLpmKey(key))).toBe(formatPrefix(p));
        },
      ),
    );
  });

  it('lays out route id, count and IPv4-mapped next hops; ECMP sets are sorted', () => {
    const enc = nextHopEncoder({ maxPaths: 4 });
    expect(enc.valueSize).toBe(8 + 4 * 16);
    const route: DatapathRoute = {
      prefix: parsePrefix('10.0.0.0/8'),
      nextHops: [parseAddress('192.0.2.9'), parseAddress('2001:db8::1'), parseAddress('192.0.2.1')],
      routeId: 0x01020304,
      communities: [],
    };
    const v = new Uint8Array(enc.valueSize);
    enc.encodeInto(route, v, 0);
    expect(new DataView(v.buffer).getUint32(0, true)).toBe(0x01020304);
    expect(v[4]).toBe(3);
    expect([...v.subarray(8, 24)]).toEqual([
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1,
    ]);
    const decoded = decodeRouteValue(v);
    expect(decoded.routeId).toBe(0x01020304);
    expect(decoded.nextHops.map((h) => h.join('.'))).toEqual([
      '192.0.2.1',
      '192.0.2.9',
      parseAddress('2001:db8::1').join('.'),
    ]);
    const shuffled = { ...route, nextHops: [...route.nextHops].reverse() };
    const w = new Uint8Array(enc.valueSize);
    enc.encodeInto(shuffled, w, 0);
    expect(w).toEqual(v);
    const one = nextHopEncoder();
    expect(one.valueSize).toBe(24);
  });
});

describe.skipIf(bpfSkip)(`LpmRouteWriter on real LPM tries${skipNote}`, () => {
  let pins: string;
  beforeAll(() => {
    pins = makePinDir();
  });
  afterAll(() => removePinDir(pins));

  describe('compliance (unpinned)', () => {
    sinkComplianceSuite(it, async () => ({
      sink: LpmRouteWriter.create({ maxEntries: { ipv4: 10_000, ipv6: 1000 } }),
      drift: async (sink) => {
        // Written behind the writer's back, straight through the addon.
        const w = sink as LpmRouteWriter;
        w.maps.ipv4.update(
          lpmKey(parsePrefix('203.0.113.0/24')),
          new Uint8Array(w.valueSize).fill(0xee),
        );
      },
    }));
  });

  describe('compliance (pinned, multipath)', () => {
    let n = 0;
    sinkComplianceSuite(it, async () => {
      const dir = `${pins}/c${n++}`;
      const sink = LpmRouteWriter.create({
        pinPath: dir,
        multipath: true,
        maxEntries: { ipv4: 10_000, ipv6: 1000 },
      });
      return {
        sink,
        drift: async () => {
          // Another process would see only the pin: open it by path and write there.
          const other = BpfMap.openPinned(`${dir}/bgp_routes_v4`);
          other.update(lpmKey(parsePrefix('203.0.113.0/24')), new Uint8Array(other.info.valueSize));
          other.close();
        },
        cleanup: async () => removePinDir(dir),
      };
    });
  });

  it('100k routes with churn: the map equals the desired state after every batch', async () => {
    const writer = LpmRouteWriter.create({
      name: 'bgpt_churn',
      maxEntries: { ipv4: 150_000, ipv6: 20_000 },
    });
    try {
      const desired = new Map<string, DatapathRoute>();
      const route = (i: number, id: number): DatapathRoute => {
        const v6 = i % 10 === 9;
        const prefix = v6
          ? makePrefix(
              Uint8Array.of(
                0x20,
                0x01,
                0x0d,
                0xb8,
                i >> 16,
                (i >> 8) & 255,
                i & 255,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
                0,
              ),
              56,
            )
          : makePrefix(Uint8Array.of(10 + (i >> 16), (i >> 8) & 255, i & 255, 0), 24);
        return {
          prefix,
          nextHops: [parseAddress(`192.0.2.${(id % 250) + 1}`)],
          routeId: id,
          communities: [],
        };
      };
      const check = async (): Promise<void> => {
        const snap = await writer.snapshot();
        expect(snap.size).toBe(desired.size);
        for (const [k, r] of desired) {
          const v = snap.get(k);
          if (!v || hex(v) !== hex(writer.encode(r)))
            expect.fail(`entry ${k}: ${v ? hex(v) : 'missing'}`);
        }
      };
      const initial: DatapathChange[] = [];
      for (let i = 0; i < 100_000; i++) {
        const r = route(i, i);
        desired.set(formatPrefix(r.prefix), r);
        initial.push({ op: 'upsert', route: r });
      }
      await writer.apply(initial);
      await check();
      // Churn: each batch withdraws, re-points and announces, with repeats of one prefix inside a
      // batch (the last change wins) and withdrawals of prefixes never announced.
      let seed = 1;
      const rnd = (n: number): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let batch = 0; batch < 8; batch++) {
        const changes: DatapathChange[] = [];
        for (let j = 0; j < 5000; j++) {
          const i = rnd(120_000);
          const kind = rnd(3);
          const r = route(i, 1_000_000 + batch * 10_000 + j);
          const key = formatPrefix(r.prefix);
          if (kind === 0) {
            changes.push({ op: 'remove', prefix: r.prefix });
            desired.delete(key);
          } else {
            changes.push({ op: 'upsert', route: r });
            desired.set(key, r);
          }
        }
        await writer.apply(changes);
        await check();
      }
      // An independent reader agrees with the last state.
      const tool = bpftoolDump(writer.maps.ipv4.info.id);
      const v4 = [...desired.values()].filter((r) => r.prefix.afi === 1);
      expect(tool.size).toBe(v4.length);
      for (const r of v4.slice(0, 2000))
        expect(tool.get(hex(lpmKey(r.prefix)))).toEqual(writer.encode(r));

      // Kill the contents behind its back: wipe the IPv4 trie, corrupt 100 IPv6 values, add 3.
      const v4Keys = await writer.maps.ipv4.dump(false);
      await writer.maps.ipv4.deleteBatch(v4Keys.keys);
      expect((await writer.maps.ipv4.dump(false)).count).toBe(0);
      const v6Routes = [...desired.values()].filter((r) => r.prefix.afi === 2);
      for (const r of v6Routes.slice(0, 100))
        writer.maps.ipv6.update(lpmKey(r.prefix), new Uint8Array(writer.valueSize));
      for (const p of ['203.0.113.0/24', '198.18.0.0/15'])
        writer.maps.ipv4.update(lpmKey(parsePrefix(p)), new Uint8Array(writer.valueSize));
      writer.maps.ipv6.update(
        lpmKey(parsePrefix('2001:db8:ffff::/48')),
        new Uint8Array(writer.valueSize),
      );
      const report = await writer.reconcile(desired.values());
      expect(report).toEqual({
        added: v4Keys.count,
        removed: 3,
        fixed: 100,
        unchanged: v6Routes.length - 100,
      });
      await check();
      expect(await writer.reconcile(desired.values())).toEqual({
        added: 0,
        removed: 0,
        fixed: 0,
        unchanged: desired.size,
      });
    } finally {
      await writer.close();
    }
  }, 120_000);

  it('reopens its pins after a restart and reconciles what changed meanwhile', async () => {
    const dir = `${pins}/restart`;
    const table = [
      testRoute('10.0.0.0/8', '192.0.2.1', 1),
      testRoute('2001:db8::/32', '2001:db8::1', 2),
    ];
    const a = LpmRouteWriter.create({ pinPath: dir, maxEntries: { ipv4: 100, ipv6: 100 } });
    await a.apply(table.map((route) => ({ op: 'upsert', route })));
    const id = a.maps.ipv4.info.id;
    await a.close();
    const b = LpmRouteWriter.create({ pinPath: dir, maxEntries: { ipv4: 100, ipv6: 100 } });
    try {
      expect(b.maps.ipv4.info.id).toBe(id);
      expect((await b.snapshot()).size).toBe(2);
      const next = [table[0]!, testRoute('10.1.0.0/16', '192.0.2.2', 3)];
      expect(await b.reconcile(next)).toEqual({ added: 1, removed: 1, fixed: 0, unchanged: 1 });
    } finally {
      await b.close();
    }
    // A pin with another layout is refused, not silently reused.
    let err: unknown;
    try {
      LpmRouteWriter.create({ pinPath: dir, multipath: true });
    } catch (e) {
      err = e;
    }
    expect(isBpfError(err) && err.code === 'EINVAL' && /unpin it/.test(err.message)).toBe(true);
    removePinDir(dir);
  });

  it('property: any sequence of batches leaves the maps equal to a model', async () => {
    const writer = LpmRouteWriter.create({
      name: 'bgpt_prop',
      multipath: { maxPaths: 2 },
      maxEntries: { ipv4: 1000, ipv6: 1000 },
    });
    const prefixes = [
      '0.0.0.0/0',
      '10.0.0.0/8',
      '10.0.0.0/9',
      '10.1.0.0/16',
      '192.0.2.1/32',
      '::/0',
      '2001:db8::/32',
      '2001:db8::/33',
      '2001:db8::1/128',
    ];
    const change = fc.record({
      p: fc.constantFrom(...prefixes),
      remove: fc.boolean(),
      id: fc.nat(),
      hops: fc.array(fc.constantFrom('192.0.2.1', '192.0.2.2', '2001:db8::9'), {
        minLength: 1,
        maxLength: 3,
      }),
    });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(change, { maxLength: 12 }), { maxLength: 5 }),
          async (batches) => {
            await writer.reconcile([]);
            const model = new Map<string, Uint8Array>();
            for (const batch of batches) {
              const changes: DatapathChange[] = batch.map((c) => {
                const prefix = parsePrefix(c.p);
                if (c.remove) return { op: 'remove', prefix };
                return {
                  op: 'upsert',
                  route: {
                    prefix,
                    nextHops: c.hops.map(parseAddress),
                    routeId: c.id,
                    communities: [],
                  },
                };
              });
              for (const c of changes) {
                if (c.op === 'remove') model.delete(formatPrefix(c.prefix));
                else model.set(formatPrefix(c.route.prefix), writer.encode(c.route));
              }
              await writer.apply(changes);
              const snap = await writer.snapshot();
              expect(new Map([...snap].map(([k, v]) => [k, hex(v)]))).toEqual(
                new Map([...model].map(([k, v]) => [k, hex(v)])),
              );
            }
          },
        ),
      );
    } finally {
      await writer.close();
    }
  });
});
