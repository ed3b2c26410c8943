/**
 * RIB ingest, withdraw-storm and peer-down benchmark.
 *
 * Inserts ROUTES IPv4 prefixes (default 1,000,000) carrying about SETS distinct attribute sets
 * (default 100,000; ten consecutive prefixes share a set, as in an UPDATE) from one eBGP peer into
 * Adj-RIB-In and Loc-RIB, flushing change batches every 1,000 "UPDATEs". Then:
 * - withdraw storm: every prefix withdrawn, time until the last change batch is flushed;
 * - peer down: the table from two peers (2M paths), the preferred peer goes down, time until
 *   every prefix has reconverged on the other peer.
 *
 * Each run is a fresh process started with --expose-gc (so RSS is per run); the parent prints
 * the median of RUNS runs (default 3). The RIB measured is the built package
 * (packages/rib/dist: run `npm run build` first), warmed up on a small table before timing.
 * Memory per route is the growth of the JS heap plus ArrayBuffers (where the tables live), and
 * separately of the RSS, from before the RIB exists to after the load, after a full GC.
 *
 * Run: `npx tsx bench/rib/ingest.ts` (env ROUTES, SETS, RUNS to change the sizes; FLUSH_EVERY,
 * UPDATEs per flush, default 1000 (16, one socket read, measured the same); PRESIZE=1
 * builds the RIB and its peers with `expectedRoutes: ROUTES`, so that no table grows).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as RibSources from '../../packages/rib/src/index.js';

/**
 * The built package (what `npm install @bgp/rib` gives), not the TypeScript sources: run from
 * sources under tsx, every cross-module access goes through a transpiled getter, which cost
 * about a quarter of the insert time. Types come from the sources.
 */
const DIST = fileURLToPath(new URL('../../packages/rib/dist/index.js', import.meta.url));
if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
const { AttributeStore, Rib, asSequence, routeAttributes } = (await import(
  pathToFileURL(DIST).href
)) as typeof RibSources;
type Rib = RibSources.Rib;
type RouteAttributes = RibSources.RouteAttributes;

const ROUTES = Number(process.env.ROUTES ?? 1_000_000);
const SETS = Number(process.env.SETS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 3);
const EXPECTED = process.env.PRESIZE === '1' ? { expectedRoutes: { ipv4: ROUTES } } : {};
const PER_UPDATE = Math.max(1, Math.round(ROUTES / SETS));
/** UPDATEs per flush (env FLUSH_EVERY). */
const FLUSH_EVERY = Number(process.env.FLUSH_EVERY ?? 1000);

interface Result {
  insertRoutesPerSec: number;
  insertRoutesPerCpuSec: number;
  heapBytesPerRoute: number;
  rssBytesPerRoute: number;
  storageBytesPerRoute: number;
  attributeSets: number;
  withdrawStormMs: number;
  withdrawStormCpuMs: number;
  peerDownMs: number;
  peerDownCpuMs: number;
  peerDownRoutesPerSec: number;
}

/** A plausible attribute mix: AS paths of 1 to 6 hops, a few next hops, some MEDs and communities. */
function makeSets(count: number, peerAs: number, nextHop: Uint8Array): RouteAttributes[] {
  const out: RouteAttributes[] = [];
  let x = 12345;
  const rnd = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  for (let i = 0; i < count; i++) {
    const hops = 1 + rnd(6);
    const path = [peerAs];
    for (let h = 1; h < hops; h++) path.push(1000 + rnd(60000));
    path.push(100000 + i); // makes every set distinct
    const communities: number[] = [];
    for (let c = rnd(4); c > 0; c--) communities.push(peerAs * 65536 + rnd(500));
    out.push(
      routeAttributes({
        origin: rnd(10) === 0 ? 2 : 0,
        asPath: asSequence(...path),
        nextHop,
        ...(rnd(3) === 0 ? { med: rnd(1000) } : {}),
        communities,
      }),
    );
  }
  return out;
}

/** CPU milliseconds (user + system) of this process: less disturbed by other load than wall time. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
}

/** Announces the whole table from `peer`, one interned set per PER_UPDATE prefixes. */
function load(rib: Rib, peer: number, sets: RouteAttributes[]): void {
  let updates = 0;
  for (let i = 0; i < ROUTES; i += PER_UPDATE) {
    // A decoder builds a fresh attribute object per UPDATE; interning finds the shared copy.
    const set = rib.intern(sets[(i / PER_UPDATE) % sets.length]!);
    const end = Math.min(ROUTES, i + PER_UPDATE);
    for (let j = i; j < end; j++) rib.announceIpv4(peer, (0x01000000 + j * 256) >>> 0, 24, set);
    if (++updates % FLUSH_EVERY === 0) rib.flushBatch();
  }
  rib.flushBatch();
}

/**
 * Builds peer A's sets, then times loading them. In a function of its own so that the decoded
 * sets are garbage when it returns: held in a local of `child`, V8 kept them alive through the
 * heap measurement (an interpreter register outlives `x = undefined`).
 */
function timedLoad(rib: Rib, peer: number): [number, number] {
  const sets = makeSets(SETS, 65001, Uint8Array.of(192, 0, 2, 1));
  const t0 = performance.now();
  const c0 = cpuMs();
  load(rib, peer, sets);
  return [performance.now() - t0, cpuMs() - c0];
}

/**
 * Runs the insert and withdraw paths on a small throwaway RIB first, so that the measurement is
 * of optimized code, as in a speaker that has been up for more than a second.
 */
function warmUp(): void {
  const rib = new Rib({ localAsn: 65000, routerId: 1 });
  const p = rib.addPeer({ address: '192.0.2.9', asn: 65009, bgpIdentifier: 9 });
  const sets = makeSets(2_000, 65009, Uint8Array.of(192, 0, 2, 9));
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 20_000; i++) {
      rib.announceIpv4(p, (0x01000000 + i * 256) >>> 0, 24, rib.intern(sets[i % 2_000]!));
      if (i % 1000 === 999) rib.flushBatch();
    }
    for (let i = 0; i < 20_000; i++) rib.withdrawIpv4(p, (0x01000000 + i * 256) >>> 0, 24);
    rib.flushBatch();
  }
}

function child(): Result {
  warmUp();
  gc();
  // The RIB's storage lives in ArrayBuffers, which heapUsed does not count: count both.
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const rss0 = process.memoryUsage().rss;
  const store = new AttributeStore();
  const rib = new Rib(
    { localAsn: 65000, routerId: 0x0a000001, ...EXPECTED },
    { attributeStore: store },
  );
  const a = rib.addPeer({
    address: '192.0.2.1',
    asn: 65001,
    bgpIdentifier: 0xc0000201,
    ...EXPECTED,
  });
  const [insertMs, insertCpu] = timedLoad(rib, a);
  gc();
  const heap1 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const rss1 = process.memoryUsage().rss;
  const attributeSets = store.size;
  const storage = rib.storageBytes;

  // Withdraw storm: every prefix withdrawn, reconverged when the last batch is flushed.
  const t1 = performance.now();
  const c1 = cpuMs();
  let n = 0;
  for (let j = 0; j < ROUTES; j++) {
    rib.withdrawIpv4(a, (0x01000000 + j * 256) >>> 0, 24);
    if (++n % 10000 === 0) rib.flushBatch();
  }
  rib.flushBatch();
  const withdrawMs = performance.now() - t1;
  const withdrawCpu = cpuMs() - c1;
  if (rib.pathCount !== 0 || store.size !== 0) throw new Error('withdraw storm left state behind');

  // Peer down: two peers with the same table; A (shorter paths) wins everywhere until it fails.
  const b = rib.addPeer({
    address: '192.0.2.2',
    asn: 65002,
    bgpIdentifier: 0xc0000202,
    ...EXPECTED,
  });
  load(rib, a, makeSets(SETS, 65001, Uint8Array.of(192, 0, 2, 1)));
  const setsB = makeSets(SETS, 65002, Uint8Array.of(192, 0, 2, 2)).map((s) =>
    routeAttributes({ ...s, asPath: asSequence(65002, 65002, ...s.asPath[0]!.asns) }),
  );
  load(rib, b, setsB);
  const t2 = performance.now();
  const c2 = cpuMs();
  rib.peerDown(a);
  const changes = rib.flushBatch();
  const peerDownMs = performance.now() - t2;
  const peerDownCpu = cpuMs() - c2;
  let onB = 0;
  for (let i = 0; i < changes.size; i++) if (changes.bestPeer(i) === b) onB++;
  if (changes.size !== ROUTES || onB !== ROUTES) {
    throw new Error('peer down did not reconverge on peer B');
  }
  return {
    insertRoutesPerSec: Math.round(ROUTES / (insertMs / 1000)),
    insertRoutesPerCpuSec: Math.round(ROUTES / (insertCpu / 1000)),
    heapBytesPerRoute: Math.round((heap1 - heap0) / ROUTES),
    rssBytesPerRoute: Math.round((rss1 - rss0) / ROUTES),
    storageBytesPerRoute: Math.round(storage / ROUTES),
    attributeSets,
    withdrawStormMs: Math.round(withdrawMs),
    withdrawStormCpuMs: Math.round(withdrawCpu),
    peerDownMs: Math.round(peerDownMs),
    peerDownCpuMs: Math.round(peerDownCpu),
    peerDownRoutesPerSec: Math.round(ROUTES / (peerDownMs / 1000)),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

if (process.argv.includes('--child')) {
  process.stdout.write(JSON.stringify(child()));
} else {
  const results: Result[] = [];
  for (let r = 0; r < RUNS; r++) {
    const out = spawnSync(
      process.execPath,
      [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--child'],
      { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 },
    );
    if (out.status !== 0) throw new Error(`run ${r} failed: ${out.stderr}`);
    const res = JSON.parse(out.stdout) as Result;
    console.log(`run ${r + 1}:`, JSON.stringify(res));
    results.push(res);
  }
  const keys = Object.keys(results[0]!) as (keyof Result)[];
  console.log(`\nmedians of ${RUNS} runs, ${ROUTES} IPv4 routes, ${SETS} attribute sets:`);
  for (const k of keys) console.log(`  ${k}: ${median(results.map((r) => r[k]))}`);
}
