/**
 * `npm run fuzz -- --runs N`: runs every fast-check property of the repo with N cases each.
 * The property tests read the count from FC_NUM_RUNS (see test/fc-setup.ts).
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 10_000;
if (!Number.isInteger(runs) || runs <= 0) {
  console.error('usage: npm run fuzz -- --runs N   (N a positive integer)');
  process.exit(2);
}
const res = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--testNamePattern',
    'propert',
    ...args.filter((_, i) => i !== at && i !== at + 1),
  ],
  {
    stdio: 'inherit',
    env: { ...process.env, FC_NUM_RUNS: String(runs) },
  },
);
process.exit(res.status ?? 1);
