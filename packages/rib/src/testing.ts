/**
 * The datapath sink compliance suite, for every implementation of {@link DatapathSink}.
 *
 * It is test-framework neutral: pass your framework's `it`/`test` and a factory, and each case
 * registers itself. Assertions use `node:assert/strict`.
 *
 * @example
 * ```ts
 * import { it } from 'vitest';
 * import { MemorySink } from '@bgp/rib';
 * import { sinkComplianceSuite } from '@bgp/rib/testing';
 *
 * sinkComplianceSuite(it, async () => ({ sink: new MemorySink(), drift: async (sink) => {
 *   (sink as MemorySink).corrupt('203.0.113.0/24', new Uint8Array(21));
 * } }));
 * ```
 *
 * @packageDocumentation
 * @module @bgp/rib/testing
 */
import assert from 'node:assert/strict';
import { formatPrefix, makePrefix, parseAddress, parsePrefix, WellKnownCommunity } from '@bgp/wire';
import type { DatapathRoute, DatapathSink } from './datapath.js';

/** What the compliance suite needs from an implementation under test. */
export interface SinkUnderTest {
  /** A fresh, empty sink. */
  readonly sink: DatapathSink;
  /**
   * Puts the sink's backing store out of step behind its back: adds an entry for
   * 203.0.113.0/24 (a prefix the suite never asks for), so that reconcile must remove it.
   */
  readonly drift: (sink: DatapathSink) => Promise<void>;
  /** Frees what the harness created (maps, pins); called after `sink.close()`. */
  readonly cleanup?: () => Promise<void>;
}

/** Registers one test case; matches vitest's and node:test's `it`. */
export type RegisterTest = (name: string, fn: () => Promise<void>) => unknown;

/** Builds a route for the suite. */
export function testRoute(
  prefix: string,
  nextHop: string,
  routeId: number,
  communities: number[] = [],
): DatapathRoute {
  return { prefix: parsePrefix(prefix), nextHops: [parseAddress(nextHop)], routeId, communities };
}

/** A varied table: IPv4 and IPv6, default routes, host routes, odd lengths; every route blackholed too. */
export function testTable(count: number): DatapathRoute[] {
  const routes: DatapathRoute[] = [
    testRoute('0.0.0.0/0', '192.0.2.1', 1, [WellKnownCommunity.BLACKHOLE]),
    testRoute('::/0', '2001:db8::1', 2, [WellKnownCommunity.BLACKHOLE]),
    testRoute('198.51.100.7/32', '192.0.2.2', 3, [WellKnownCommunity.BLACKHOLE]),
    testRoute('2001:db8:ffff::1/128', '2001:db8::2', 4, [WellKnownCommunity.BLACKHOLE]),
    testRoute('10.128.0.0/9', '192.0.2.3', 5, [WellKnownCommunity.BLACKHOLE]),
  ];
  for (let i = 0; routes.length < count; i++) {
    const addr = Uint8Array.of(100, (i >> 8) & 0xff, i & 0xff, 0);
    routes.push({
      prefix: makePrefix(addr, 24),
      nextHops: [parseAddress(`192.0.2.${(i % 250) + 1}`)],
      routeId: 1000 + i,
      communities: [WellKnownCommunity.BLACKHOLE, 65000 * 65536 + (i % 7)],
    });
  }
  return routes;
}

async function expectHolds(sink: DatapathSink, routes: readonly DatapathRoute[]): Promise<void> {
  const want = new Map<string, Uint8Array>();
  for (const r of routes) if (sink.accepts(r)) want.set(formatPrefix(r.prefix), sink.encode(r));
  const have = await sink.snapshot();
  assert.deepEqual([...have.keys()].sort(), [...want.keys()].sort(), `${sink.name}: prefixes held`);
  for (const [k, v] of want) assert.deepEqual(have.get(k), v, `${sink.name}: value of ${k}`);
}

/**
 * Registers the compliance cases. Each case gets its own sink from `make`.
 *
 * @param it - the test framework's case registration
 * @param make - builds a fresh sink and its drift helper
 */
export function sinkComplianceSuite(it: RegisterTest, make: () => Promise<SinkUnderTest>): void {
  const withSink = (
    name: string,
    body: (sink: DatapathSink, h: SinkUnderTest) => Promise<void>,
  ): void => {
    it(`sink compliance: ${name}`, async () => {
      const h = await make();
      try {
        await body(h.sink, h);
      } finally {
        await h.sink.close();
        await h.cleanup?.();
      }
    });
  };

  withSink('starts empty', async (sink) => {
    assert.equal((await sink.snapshot()).size, 0);
  });

  withSink('upserts IPv4 and IPv6, default and host routes', async (sink) => {
    const table = testTable(5);
    await sink.apply(table.map((route) => ({ op: 'upsert', route })));
    await expectHolds(sink, table);
  });

  withSink('an upsert replaces the value of an existing prefix', async (sink) => {
    const a = testRoute('100.64.0.0/10', '192.0.2.1', 7, [WellKnownCommunity.BLACKHOLE]);
    const b = testRoute('100.64.0.0/10', '192.0.2.99', 8, [WellKnownCommunity.BLACKHOLE]);
    await sink.apply([{ op: 'upsert', route: a }]);
    await sink.apply([{ op: 'upsert', route: b }]);
    await expectHolds(sink, [b]);
  });

  withSink('removes, and removing an absent prefix is not an error', async (sink) => {
    const table = testTable(6);
    await sink.apply(table.map((route) => ({ op: 'upsert', route })));
    await sink.apply([
      { op: 'remove', prefix: table[0]!.prefix },
      { op: 'remove', prefix: parsePrefix('192.0.2.0/24') },
    ]);
    await expectHolds(sink, table.slice(1));
  });

  withSink('applies a batch in order (upsert then remove of the same prefix)', async (sink) => {
    const r = testRoute('172.16.0.0/12', '192.0.2.1', 9, [WellKnownCommunity.BLACKHOLE]);
    await sink.apply([
      { op: 'upsert', route: r },
      { op: 'remove', prefix: r.prefix },
    ]);
    await expectHolds(sink, []);
  });

  withSink('holds only what it accepts', async (sink) => {
    const plain = testRoute('192.0.2.0/25', '192.0.2.1', 11, []);
    const black = testRoute('192.0.2.128/25', '192.0.2.1', 12, [WellKnownCommunity.BLACKHOLE]);
    await sink.apply([
      { op: 'upsert', route: plain },
      { op: 'upsert', route: black },
    ]);
    await expectHolds(sink, [plain, black]);
  });

  withSink('a large batch (5,000 routes) lands whole', async (sink) => {
    const table = testTable(5000);
    await sink.apply(table.map((route) => ({ op: 'upsert', route })));
    await expectHolds(sink, table);
    await sink.apply(table.slice(0, 2500).map((r) => ({ op: 'remove', prefix: r.prefix })));
    await expectHolds(sink, table.slice(2500));
  });

  withSink(
    'reconcile adds missing, removes extra, fixes wrong values and reports it',
    async (sink, h) => {
      const table = testTable(40);
      // Start with half the table, one of them with a wrong next hop, plus an entry nobody asked for.
      const wrong = { ...table[6]!, nextHops: [parseAddress('198.18.0.1')] };
      await sink.apply([...table.slice(0, 20), wrong].map((route) => ({ op: 'upsert', route })));
      await h.drift(sink);
      assert.ok((await sink.snapshot()).has('203.0.113.0/24'), 'drift helper wrote 203.0.113.0/24');
      const report = await sink.reconcile(table);
      await expectHolds(sink, table);
      const accepted = table.filter((r) => sink.accepts(r)).length;
      const wrongAccepted = sink.accepts(table[6]!) ? 1 : 0;
      const firstHalf = table.slice(0, 20).filter((r) => sink.accepts(r)).length;
      assert.equal(report.removed, 1, 'removed the drifted entry');
      assert.equal(report.fixed, wrongAccepted, 'fixed the wrong value');
      assert.equal(report.added, accepted - firstHalf, 'added the missing half');
      assert.equal(report.unchanged, firstHalf - wrongAccepted);
      const again = await sink.reconcile(table);
      assert.deepEqual(again, { added: 0, removed: 0, fixed: 0, unchanged: accepted });
    },
  );

  withSink('reconcile to nothing empties the sink', async (sink) => {
    const table = testTable(10);
    await sink.apply(table.map((route) => ({ op: 'upsert', route })));
    const report = await sink.reconcile([]);
    assert.equal(report.removed, table.filter((r) => sink.accepts(r)).length);
    await expectHolds(sink, []);
  });
}
