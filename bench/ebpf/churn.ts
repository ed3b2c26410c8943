/**
 * Sustained churn: 10k changes per second against an LPM trie holding 1M IPv4 routes.
 *
 * Changes arrive in batches every 100 ms (1,000 changes each: one third withdrawals, two thirds
 * re-pointed or new routes) for SECONDS (default 10); each batch goes through
 * LpmRouteWriter.apply. Reported per run: the achieved rate, and batch latency p50 / p99 / max;
 * then how many changes per second apply takes when driven flat out. Medians over RUNS (>= 3).
 *
 * Run: npx tsx bench/ebpf/churn.ts
 */
import { loadavg } from 'node:os';
import type { DatapathChange, DatapathRoute } from '@bgp/rib';
import { LpmRouteWriter } from '../../packages/ebpf/src/index.js';
import { ipv4Table, median, percentile, requireBpf } from './common.js';

requireBpf();
const N = Number(process.env.ROUTES ?? 1_000_000);
const RATE = Number(process.env.RATE ?? 10_000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const RUNS = Math.max(3, Number(process.env.RUNS ?? 3));
const TICK_MS = 100;
const perTick = (RATE * TICK_MS) / 1000;

const table = ipv4Table(N);
const spare = ipv4Table(N + N / 10).slice(N);
let seed = 7;
const rnd = (n: number): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed % n;
};
let nextId = N;
function batch(size: number): DatapathChange[] {
  const out: DatapathChange[] = [];
  for (let j = 0; j < size; j++) {
    const k = rnd(3);
    const pool: DatapathRoute[] = k === 2 ? spare : table;
    const r = pool[rnd(pool.length)]!;
    if (k === 0) out.push({ op: 'remove', prefix: r.prefix });
    else out.push({ op: 'upsert', route: { ...r, routeId: nextId++ } });
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const rates: number[] = [];
const p50s: number[] = [];
const p99s: number[] = [];
const maxes: number[] = [];
const flatOut: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const writer = LpmRouteWriter.create({
    name: 'bench_churn',
    maxEntries: { ipv4: N + N / 5, ipv6: 16 },
  });
  await writer.apply(table.map((route) => ({ op: 'upsert', route })));
  const lat: number[] = [];
  const start = performance.now();
  let sent = 0;
  for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
    const due = start + tick * TICK_MS;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const b = batch(perTick);
    const t = performance.now();
    await writer.apply(b);
    lat.push(performance.now() - t);
    sent += b.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  rates.push(sent / elapsed);
  p50s.push(percentile(lat, 50));
  p99s.push(percentile(lat, 99));
  maxes.push(Math.max(...lat));
  // Flat out: 20 batches of 10k as fast as apply goes.
  const big = Array.from({ length: 20 }, () => batch(10_000));
  const t = performance.now();
  for (const b of big) await writer.apply(b);
  flatOut.push(200_000 / ((performance.now() - t) / 1000));
  await writer.close();
  console.log(
    `run ${run + 1}: ${rates.at(-1)!.toFixed(0)} changes/s sustained, batch p50 ${p50s.at(-1)!.toFixed(1)} ms ` +
      `p99 ${p99s.at(-1)!.toFixed(1)} ms max ${maxes.at(-1)!.toFixed(1)} ms; flat out ${flatOut.at(-1)!.toFixed(0)} changes/s`,
  );
}
console.log(
  `ebpf churn over ${N} routes at ${RATE}/s for ${SECONDS} s, median of ${RUNS} ` +
    `(load average ${loadavg()[0]!.toFixed(1)}): ` +
    `${median(rates).toFixed(0)} changes/s sustained; batch (${perTick}) p50 ${median(p50s).toFixed(1)} ms, ` +
    `p99 ${median(p99s).toFixed(1)} ms, max ${median(maxes).toFixed(1)} ms; flat out ${median(flatOut).toFixed(0)} changes/s`,
);
