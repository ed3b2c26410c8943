/**
 * Global fast-check settings for every property test: the number of runs comes from
 * FC_NUM_RUNS (`npm run fuzz -- --runs N` sets it), 100 by default.
 */
import fc from 'fast-check';

const runs = Number(process.env.FC_NUM_RUNS ?? '100');
fc.configureGlobal({ numRuns: Number.isInteger(runs) && runs > 0 ? runs : 100 });
