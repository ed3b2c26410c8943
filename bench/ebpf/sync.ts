/**
 * Syncing 1M IPv4 routes into an empty LPM trie (goal: at most 1 s with batch operations).
 *
 * Three figures per run, medians over RUNS (default 5):
 * - `writer.apply`: LpmRouteWriter.apply of 1M upserts (collapse, encode, batch syscall);
 * - `encode`: the JavaScript part alone (keys and values into flat buffers);
 * - `updateBatch`: the kernel part alone, one bpf_map_update_batch of pre-encoded buffers in
 *   address order (as apply hands them over).
 *
 * Run: npx tsx bench/ebpf/sync.ts   (root, libbpf addon built: npm run build -w @bgp/ebpf)
 */
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
const byAddress = [...table].sort((a, b) => {
  for (let i = 0; i < 4; i++) {
    const d = a.prefix.address[i]! - b.prefix.address[i]!;
    if (d !== 0) return d;
  }
  return 0;
});
const changes: DatapathChange[] = table.map((route) => ({ op: 'upsert', route }));
const enc = nextHopEncoder();

const applyMs: number[] = [];
const encodeMs: number[] = [];
const kernelMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const writer = LpmRouteWriter.create({ name: 'bench_sync', maxEntries: { ipv4: N, ipv6: 16 } });
  let t = performance.now();
  await writer.apply(changes);
  applyMs.push(performance.now() - t);
  const count = (await writer.maps.ipv4.dump(false)).count;
  if (count !== N) throw new Error(`trie holds ${count}, expected ${N}`);
  await writer.close();

  const map = BpfMap.create({
    type: BpfMapType.LPM_TRIE,
    keySize: 8,
    valueSize: enc.valueSize,
    maxEntries: N,
  });
  t = performance.now();
  const keys = new Uint8Array(N * 8);
  const values = new Uint8Array(N * enc.valueSize);
  for (let i = 0; i < N; i++) {
    const r = byAddress[i]!;
    writeLpmKey(keys, i * 8, r.prefix);
    enc.encodeInto(r, values, i * enc.valueSize);
  }
  encodeMs.push(performance.now() - t);
  t = performance.now();
  const res = await map.updateBatch(keys, values);
  kernelMs.push(performance.now() - t);
  if (!res.batched || res.processed !== N) throw new Error(`batch: ${JSON.stringify(res)}`);
  map.close();
  console.log(
    `run ${run + 1}: apply ${applyMs.at(-1)!.toFixed(0)} ms, encode ${encodeMs.at(-1)!.toFixed(0)} ms, updateBatch ${kernelMs.at(-1)!.toFixed(0)} ms`,
  );
}
console.log(
  `ebpf sync ${N} IPv4 routes, median of ${RUNS}: writer.apply ${median(applyMs).toFixed(0)} ms; ` +
    `encode ${median(encodeMs).toFixed(0)} ms; bpf_map_update_batch ${median(kernelMs).toFixed(0)} ms`,
);
