/**
 * Syncing 1M IPv4 routes into an empty LPM trie (goal: at most 1 s with batch operations).
 *
 * Three figures per run, medians over RUNS (default 5), each as wall time and as CPU time of the
 * process (user + system, all threads: the batch runs on a libuv worker, in the kernel). On a
 * shared machine the CPU time is the figure that does not depend on what else runs; on an idle
 * one the two agree.
 * - `writer.apply`: LpmRouteWriter.apply of 1M upserts (collapse, encode, batch syscall);
 * - `encode`: the JavaScript part alone (keys and values into flat buffers);
 * - `updateBatch`: one bpf_map_update_batch of pre-encoded buffers, sorted by address on the
 *   worker thread first (as apply does).
 *
 * Run: npx tsx bench/ebpf/sync.ts   (root, libbpf addon built: npm run build -w @bgp/ebpf)
 */
import { loadavg } from 'node:os';
import type { DatapathChange } from '@bgp/rib';
import {
  BpfMap,
  BpfMapType,
  LpmRouteWriter,
  nextHopEncoder,
  writeLpmKey,
} from '../../packages/ebpf/src/index.js';
import { ipv4Table, median, requireBpf } from './common.js';

requireBpf();
const N = Number(process.env.ROUTES ?? 1_000_000);
const RUNS = Math.max(3, Number(process.env.RUNS ?? 5));
const table = ipv4Table(N);
const changes: DatapathChange[] = table.map((route) => ({ op: 'upsert', route }));
const enc = nextHopEncoder();

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
const applyCpu: number[] = [];
const encodeCpu: number[] = [];
const kernelCpu: number[] = [];
const applyMs: number[] = [];
const encodeMs: number[] = [];
const kernelMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const writer = LpmRouteWriter.create({ name: 'bench_sync', maxEntries: { ipv4: N, ipv6: 16 } });
  let c = process.cpuUsage();
  let t = performance.now();
  await writer.apply(changes);
  applyMs.push(performance.now() - t);
  applyCpu.push(cpuMs(c));
  const count = (await writer.maps.ipv4.dump(false)).count;
  if (count !== N) throw new Error(`trie holds ${count}, expected ${N}`);
  await writer.close();

  const map = BpfMap.create({
    type: BpfMapType.LPM_TRIE,
    keySize: 8,
    valueSize: enc.valueSize,
    maxEntries: N,
  });
  c = process.cpuUsage();
  t = performance.now();
  const keys = new Uint8Array(N * 8);
  const values = new Uint8Array(N * enc.valueSize);
  for (let i = 0; i < N; i++) {
    const r = table[i]!;
    writeLpmKey(keys, i * 8, r.prefix);
    enc.encodeInto(r, values, i * enc.valueSize);
  }
  encodeMs.push(performance.now() - t);
  encodeCpu.push(cpuMs(c));
  c = process.cpuUsage();
  t = performance.now();
  const res = await map.updateBatch(keys, values, { sortFrom: 4 });
  kernelMs.push(performance.now() - t);
  kernelCpu.push(cpuMs(c));
  if (!res.batched || res.processed !== N) throw new Error(`batch: ${JSON.stringify(res)}`);
  map.close();
  const f = (w: number[], cpu: number[]): string =>
    `${w.at(-1)!.toFixed(0)} ms (cpu ${cpu.at(-1)!.toFixed(0)})`;
  console.log(
    `run ${run + 1}: apply ${f(applyMs, applyCpu)}, encode ${f(encodeMs, encodeCpu)}, updateBatch ${f(kernelMs, kernelCpu)}`,
  );
}
const m = (w: number[], cpu: number[]): string =>
  `${median(w).toFixed(0)} ms wall / ${median(cpu).toFixed(0)} ms cpu`;
console.log(
  `ebpf sync ${N} IPv4 routes, median of ${RUNS} (load average ${loadavg()[0]!.toFixed(1)}): ` +
    `writer.apply ${m(applyMs, applyCpu)}; encode ${m(encodeMs, encodeCpu)}; ` +
    `bpf_map_update_batch ${m(kernelMs, kernelCpu)}`,
);
