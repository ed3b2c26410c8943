/**
 * What the RIB benches share: the built package, the synthetic attribute mix, the table load,
 * process measurements, and the parent that runs each measurement in a fresh child process and
 * prints medians.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as RibSources from '../../packages/rib/src/index.js';

/**
 * The built package (what `npm install @bgp/rib` gives), not the TypeScript sources: run from
 * sources under tsx, every cross-module access goes through a transpiled getter, which cost
 * 20 to 25 % of the insert time in a one-off A/B of the RIB insert. Types come from the sources.
 */
const DIST = fileURLToPath(new URL('../../packages/rib/dist/index.js', import.meta.url));
if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` first`);
export const lib = (await import(pathToFileURL(DIST).href)) as typeof RibSources;
export type Rib = RibSources.Rib;
export type RouteAttributes = RibSources.RouteAttributes;

/**
 * `count` distinct attribute sets of a plausible mix: AS paths of 2 to 7 hops starting with
 * `peerAs`, a tenth INCOMPLETE, a third with MED, 0 to 3 communities; deterministic.
 */
export function makeSets(count: number, peerAs: number, nextHop: Uint8Array): RouteAttributes[] {
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
      lib.routeAttributes({
        origin: rnd(10) === 0 ? 2 : 0,
        asPath: lib.asSequence(...path),
        nextHop,
        ...(rnd(3) === 0 ? { med: rnd(1000) } : {}),
        communities,
      }),
    );
  }
  return out;
}

/**
 * Announces `count` IPv4 /24s from `peer`, `perUpdate` consecutive prefixes per set (as in an
 * UPDATE, each interning its set and handing its prefixes over as one run, as `ingestUpdate`
 * does), flushing column batches every `flushEvery` "UPDATEs".
 */
export function loadTable(
  rib: Rib,
  peer: number,
  count: number,
  sets: readonly RouteAttributes[],
  perUpdate: number,
  flushEvery = 1000,
): void {
  const addresses = new Uint32Array(perUpdate);
  const lengths = new Uint8Array(perUpdate).fill(24);
  let updates = 0;
  for (let i = 0; i < count; i += perUpdate) {
    const set = rib.intern(sets[(i / perUpdate) % sets.length]!);
    const end = Math.min(count, i + perUpdate);
    for (let j = i; j < end; j++) addresses[j - i] = (0x01000000 + j * 256) >>> 0;
    rib.announceIpv4Run(peer, addresses, lengths, end - i, set);
    if (++updates % flushEvery === 0) rib.flushBatch();
  }
  rib.flushBatch();
}

/** CPU milliseconds (user + system) of this process: less disturbed by other load than wall time. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Two full collections (the process runs with --expose-gc). */
export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * With `--child`, prints `child()` as JSON; otherwise runs the script `runs` times in fresh
 * processes with --expose-gc (so that RSS is per run) and prints every run and the medians.
 */
export function runBench<R extends Record<string, number>>(
  script: string,
  runs: number,
  title: string,
  child: () => R,
): void {
  if (process.argv.includes('--child')) {
    process.stdout.write(JSON.stringify(child()));
    return;
  }
  const results: R[] = [];
  for (let r = 0; r < runs; r++) {
    const out = spawnSync(
      process.execPath,
      [...process.execArgv, '--expose-gc', fileURLToPath(script), '--child'],
      { encoding: 'utf8', env: process.env, maxBuffer: 1 << 20 },
    );
    if (out.status !== 0) throw new Error(`run ${r} failed: ${out.stderr}`);
    const res = JSON.parse(out.stdout) as R;
    console.log(`run ${r + 1}:`, JSON.stringify(res));
    results.push(res);
  }
  console.log(`\nmedians of ${runs} runs, ${title}:`);
  for (const k of Object.keys(results[0]!))
    console.log(`  ${k}: ${median(results.map((r) => r[k]!))}`);
}
