/**
 * The memory floor of a Loc-RIB insert: two bare open-addressing inserts per route (an Adj-RIB-In
 * and a Loc-RIB's worth, each into a table of 1.25M slots over typed arrays, with the same hash
 * as KeyTable), nothing else. What @bgp/rib does per route on top of this is bookkeeping, not
 * memory latency: compare with bench/rib/ingest.ts.
 *
 * Run: `npx tsx bench/rib/floor.ts` (env ROUTES, default 1,000,000; RUNS, default 5; prints the
 * best and the median rate in routes per CPU second).
 */
const ROUTES = Number(process.env.ROUTES ?? 1_000_000);
const RUNS = Number(process.env.RUNS ?? 5);
const CAP = Math.ceil(ROUTES / 0.8) + 1;
const TWO_32 = 4294967296;

interface Table {
  readonly seed: number;
  readonly keys: Uint32Array;
  readonly values: Int32Array;
}

function table(seed: number): Table {
  return { seed, keys: new Uint32Array(CAP * 2), values: new Int32Array(CAP).fill(-1) };
}

function insert(t: Table, k0: number, k1: number, v: number): void {
  let h = Math.imul(t.seed ^ k0, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ k1, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  let s = Math.floor(((h >>> 0) * CAP) / TWO_32);
  const { keys, values } = t;
  for (;;) {
    if (values[s] === -1 || (keys[s * 2] === k0 && keys[s * 2 + 1] === k1)) {
      keys[s * 2] = k0;
      keys[s * 2 + 1] = k1;
      values[s] = v;
      return;
    }
    s = s + 1 === CAP ? 0 : s + 1;
  }
}

const rates: number[] = [];
for (let r = 0; r < RUNS; r++) {
  const a = table(0x9e3779b9);
  const b = table(0x7f4a7c15);
  const u0 = process.cpuUsage();
  for (let i = 0; i < ROUTES; i++) {
    const address = (0x01000000 + i * 256) >>> 0;
    insert(a, address, 24, i);
    insert(b, address, 24, i);
  }
  const u = process.cpuUsage(u0);
  rates.push(Math.round(ROUTES / ((u.user + u.system) / 1e6)));
}
rates.sort((x, y) => x - y);
console.log(
  `two bare inserts per route, ${ROUTES} routes: best ${rates[rates.length - 1]} routes/CPU-s, median ${rates[Math.floor(rates.length / 2)]}`,
);
