/**
 * Adj-RIB-Out benchmark: the initial table towards one neighbour.
 *
 * Loads ROUTES IPv4 prefixes (default 1,000,000) carrying about ROUTES/10 distinct attribute sets
 * (ten consecutive prefixes share a set, as in an UPDATE) from one eBGP peer into a Rib, then
 * attaches one AdjRibOut for a second eBGP peer, queues the initial table and generates every
 * UPDATE. Reports:
 * - the time of `initialTable()` (export rules, interning of the outbound sets, queueing) and of
 *   the `generate()` calls that pack every UPDATE, and their sum;
 * - how many UPDATEs and bytes that made (End-of-RIB included);
 * - the memory the AdjRibOut holds afterwards, per advertised prefix: the heap + ArrayBuffer
 *   delta and the RSS delta measured (after a full GC) before it was created and after it was
 *   filled, with the Rib alive in both measurements. The UPDATEs are counted and dropped, not
 *   kept.
 *
 * Each run is a fresh process started with --expose-gc (so RSS is per run); the parent prints
 * the median of RUNS runs (default 3). The code measured is the built package (packages/rib/dist:
 * run `npm run build` first), warmed up on a small table before timing.
 *
 * Run: `npx tsx bench/rib/adj-rib-out.ts` (env ROUTES, RUNS to change the sizes).
 */
import { cpuMs, gc, lib, loadTable, makeSets, runBench } from './common.js';

const { AdjRibOut, Rib } = lib;

const ROUTES = Number(process.env.ROUTES ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 3);
const SETS = Math.max(1, Math.round(ROUTES / 10));
const PER_UPDATE = Math.max(1, Math.round(ROUTES / SETS));

interface Result {
  initialTableMs: number;
  generateMs: number;
  totalMs: number;
  totalCpuMs: number;
  updates: number;
  bytes: number;
  advertised: number;
  outboundSets: number;
  heapBytesPerPrefix: number;
  rssBytesPerPrefix: number;
}

function memory(): { heap: number; rss: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.arrayBuffers, rss: m.rss };
}

/**
 * Runs the initial table and generation on a small throwaway RIB first, so that the measurement
 * is of optimized code, as in a speaker that has been up for more than a second.
 */
function warmUp(): void {
  const rib = new Rib({ localAsn: 65000, routerId: 1 });
  const a = rib.addPeer({ address: '192.0.2.9', asn: 65009, bgpIdentifier: 9 });
  const b = rib.addPeer({ address: '192.0.2.8', asn: 65008, bgpIdentifier: 8 });
  loadTable(rib, a, 20_000, makeSets(2_000, 65009, Uint8Array.of(192, 0, 2, 9)), PER_UPDATE);
  for (let round = 0; round < 3; round++) {
    const out = new AdjRibOut(rib, {
      peer: rib.peer(b),
      localAddress: { ipv4: Uint8Array.of(192, 0, 2, 254) },
      families: [1],
    });
    out.initialTable();
    while (out.generate().length > 0);
  }
}

function child(): Result & Record<string, number> {
  warmUp();
  gc();
  const expected = { expectedRoutes: { ipv4: ROUTES } };
  const rib = new Rib({ localAsn: 65000, routerId: 0x0a000001, ...expected });
  const a = rib.addPeer({
    address: '192.0.2.1',
    asn: 65001,
    bgpIdentifier: 0xc0000201,
    ...expected,
  });
  const b = rib.addPeer({ address: '192.0.2.2', asn: 65002, bgpIdentifier: 0xc0000202 });
  loadTable(rib, a, ROUTES, makeSets(SETS, 65001, Uint8Array.of(192, 0, 2, 1)), PER_UPDATE);
  // The RIB's attribute store keeps a bounded cache of set views, which after the load still
  // holds the objects that were interned; walking the Loc-RIB as the export will replaces them
  // with decoded views, so that their release is not counted against the Adj-RIB-Out.
  for (const { best } of rib.locRib(1)) if (best.attributes.attributes.nextHop.length === 0) break;
  gc();
  const m0 = memory();

  const t0 = performance.now();
  const c0 = cpuMs();
  const out = new AdjRibOut(rib, {
    peer: rib.peer(b),
    localAddress: { ipv4: Uint8Array.of(192, 0, 2, 254) },
    families: [1],
  });
  out.initialTable();
  const t1 = performance.now();
  let messages = 0;
  let bytes = 0;
  for (;;) {
    const batch = out.generate();
    if (batch.length === 0) break;
    messages += batch.length;
    for (const m of batch) bytes += m.length;
  }
  const t2 = performance.now();
  const cpu = cpuMs() - c0;
  if (out.pending !== 0 || out.advertisedCount !== ROUTES) {
    throw new Error(`advertised ${out.advertisedCount} of ${ROUTES}, ${out.pending} pending`);
  }
  gc();
  const m1 = memory();
  const advertised = out.advertisedCount;
  return {
    initialTableMs: Math.round(t1 - t0),
    generateMs: Math.round(t2 - t1),
    totalMs: Math.round(t2 - t0),
    totalCpuMs: Math.round(cpu),
    updates: messages,
    bytes,
    advertised,
    outboundSets: out.attributeSets,
    heapBytesPerPrefix: Math.round(((m1.heap - m0.heap) / advertised) * 10) / 10,
    rssBytesPerPrefix: Math.round(((m1.rss - m0.rss) / advertised) * 10) / 10,
  };
}

runBench(import.meta.url, RUNS, `${ROUTES} IPv4 routes, ${SETS} attribute sets`, child);
