/**
 * `npm run bench`: the quick suite of every benchmark that exists (bench/wire, bench/rib,
 * bench/ebpf, bench/peers), each in its own process with small sizes, so that the whole suite
 * finishes in a few minutes and shows that every bench still runs. The full-size figures come
 * from running each bench directly (see bench/README.md).
 *
 * A bench whose file is absent is skipped with a message; one that fails is reported and the
 * suite goes on; the exit code is non-zero when any failed. Every child has a timeout.
 *
 * Run: `npm run bench` or `npx tsx bench/run.ts [--only wire,rib,ebpf,peers]`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Entry {
  /** Group (directory) name. */
  readonly group: string;
  /** Script, relative to bench/. */
  readonly file: string;
  /** Small sizes, as the script reads them. */
  readonly env?: Record<string, string>;
  /** Arguments. */
  readonly args?: readonly string[];
}

const QUICK: readonly Entry[] = [
  { group: 'wire', file: 'wire/codec.ts', env: { RUNS: '3', MIN_MS: '50' } },
  { group: 'rib', file: 'rib/ingest.ts', env: { ROUTES: '100000', SETS: '10000', RUNS: '1' } },
  { group: 'ebpf', file: 'ebpf/sync.ts', env: { ROUTES: '100000', RUNS: '3' } },
  { group: 'ebpf', file: 'ebpf/churn.ts', env: { ROUTES: '100000', SECONDS: '2', RUNS: '3' } },
  { group: 'peers', file: 'peers/run.ts', args: ['--quick'] },
];

const TIMEOUT_MS = 10 * 60_000;

const argv = process.argv.slice(2);
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',')) : undefined;
const root = fileURLToPath(new URL('..', import.meta.url));
const failed: string[] = [];

for (const group of ['wire', 'rib', 'ebpf', 'peers']) {
  if (only && !only.has(group)) continue;
  const entries = QUICK.filter((e) => e.group === group);
  const present = entries.filter((e) =>
    existsSync(fileURLToPath(new URL(e.file, import.meta.url))),
  );
  if (present.length === 0) {
    console.log(`\n## ${group}: skipped (no ${entries.map((e) => `bench/${e.file}`).join(', ')})`);
    continue;
  }
  for (const e of entries) {
    const path = fileURLToPath(new URL(e.file, import.meta.url));
    if (!existsSync(path)) {
      console.log(`\n## ${group}: skipped bench/${e.file} (absent)`);
      continue;
    }
    console.log(`\n## bench/${e.file} (quick)`);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', path, ...(e.args ?? [])], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ...e.env },
      timeout: TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    const s = ((performance.now() - t0) / 1000).toFixed(1);
    if (r.status !== 0) {
      const why = r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit ${r.status}`;
      console.log(`bench/${e.file} FAILED (${why}) after ${s} s`);
      failed.push(e.file);
    } else console.log(`bench/${e.file} done in ${s} s`);
  }
}

if (failed.length > 0) {
  console.log(`\nfailed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
