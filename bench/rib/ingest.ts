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
import { cpuMs, gc, lib, loadTable, makeSets, type Rib, runBench } from './common.js';

const { AttributeStore, asSequence, routeAttributes } = lib;

const ROUTES = Number(process.env.ROUTES ?? 1_000_000);
const SETS = Number(process.env.SETS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 3);
const EXPECTED = process.env.PRESIZE === '1' ? { expectedRoutes: { ipv4: ROUTES } } : {};
const PER_UPDATE = Math.max(1, Math.round(ROUTES / SETS));
/** Routes of the warm-up table (env WARM_ROUTES). */
const WARM_ROUTES = Number(process.env.WARM_ROUTES ?? 20_000);
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

/**
 * Builds peer A's sets, then times loading them. In a function of its own so that the decoded
 * sets are garbage when it returns: held in a local of `child`, V8 kept them alive through the
 * heap measurement (an interpreter register outlives `x = undefined`).
 */
function timedLoad(rib: Rib, peer: number): [number, number] {
  const sets = makeSets(SETS, 65001, Uint8Array.of(192, 0, 2, 1));
  // The sets are the bench's input, not the RIB's work: collect the garbage of building them
  // (and promote them) before timing, or the first collections of the load copy them.
  gc();
  const t0 = performance.now();
  const c0 = cpuMs();
  loadTable(rib, peer, ROUTES, sets, PER_UPDATE, FLUSH_EVERY);
  return [performance.now() - t0, cpuMs() - c0];
}

/**
 * Runs the insert and withdraw paths on a small throwaway RIB first, so that the measurement is
 * of optimized code, as in a speaker that has been up for more than a second.
 */
function warmUp(): void {
  const rib = new lib.Rib({ localAsn: 65000, routerId: 1 });
  const p = rib.addPeer({ address: '192.0.2.9', asn: 65009, bgpIdentifier: 9 });
  const sets = makeSets(2_000, 65009, Uint8Array.of(192, 0, 2, 9));
  for (let round = 0; round < 3; round++) {
    loadTable(rib, p, WARM_ROUTES, sets, PER_UPDATE, FLUSH_EVERY);
    for (let i = 0; i < WARM_ROUTES; i++) rib.withdrawIpv4(p, (0x01000000 + i * 256) >>> 0, 24);
    rib.flushBatch();
  }
}

function child(): Result & Record<string, number> {
  warmUp();
  gc();
  // The RIB's storage lives in ArrayBuffers, which heapUsed does not count: count both.
  const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const rss0 = process.memoryUsage().rss;
  const store = new AttributeStore();
  const rib = new lib.Rib(
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
  loadTable(
    rib,
    a,
    ROUTES,
    makeSets(SETS, 65001, Uint8Array.of(192, 0, 2, 1)),
    PER_UPDATE,
    FLUSH_EVERY,
  );
  const setsB = makeSets(SETS, 65002, Uint8Array.of(192, 0, 2, 2)).map((s) =>
    routeAttributes({ ...s, asPath: asSequence(65002, 65002, ...s.asPath[0]!.asns) }),
  );
  loadTable(rib, b, ROUTES, setsB, PER_UPDATE, FLUSH_EVERY);
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

runBench(import.meta.url, RUNS, `${ROUTES} IPv4 routes, ${SETS} attribute sets`, child);
