// The side-by-side benchmark (bench/peers) in small, so that it cannot rot: 20k prefixes, 2 peers
// of 10k, one run, against our receiver, GoBGP, BIRD and FRR. It asserts only that every
// scenario completed and that every receiver reached the full count (each measurement throws
// when its receiver does not get there in time); timings are printed, never asserted.
import { describe, expect, it } from 'vitest';
import { runPeersBench, toMarkdown } from '../bench/peers/run.js';
import { daemonMissing } from './interop/harness/index.js';

const missing = (['gobgp', 'bird', 'frr'] as const).map((k) => daemonMissing(k)).filter(Boolean);
const reason = missing.length > 0 ? ` (skipped: ${missing.join('; ')})` : '';

describe.skipIf(missing.length > 0)(`bench:peers small run${reason}`, () => {
  it('ingests, advertises and takes many peers on every receiver', {
    timeout: 150_000,
  }, async () => {
    const result = await runPeersBench({
      prefixes: 20_000,
      peers: 2,
      perPeer: 10_000,
      runs: 1,
      receivers: ['ours', 'gobgp', 'bird', 'frr'],
      scenarios: ['floor', 'ingest', 'advertise', 'many'],
      log: () => {},
    });
    console.log(toMarkdown(result));
    expect(result.skipped).toEqual([]);
    for (const scenario of ['ingest', 'advertise', 'many'] as const) {
      const rows = result.rows.filter((r) => r.scenario === scenario && r.receiver !== 'feeder');
      expect(rows.map((r) => r.receiver).sort()).toEqual(['bird', 'frr', 'gobgp', 'ours']);
      for (const r of rows) {
        expect(r.prefixes).toBe(20_000);
        expect(r.runs).toHaveLength(1);
        expect(Number.isFinite(r.median.ms)).toBe(true);
        // Receive only: a receiver re-advertising to the feeders measures its export, not its
        // ingest (GoBGP did, 10 times slower at 10 peers).
        if (scenario !== 'advertise') expect(r.median.toFeeders).toBe(0);
      }
    }
    expect(result.rows.some((r) => r.scenario === 'floor' && r.receiver === 'feeder')).toBe(true);
  });
});
