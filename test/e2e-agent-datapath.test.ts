/**
 * bgp-agent --accept-routes --datapath lpm=PATH: routes a peer sends reach pinned BPF LPM tries
 * through @bgp/ebpf's LpmRouteWriter, and leave them when withdrawn.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addonStatus, isBpffs, LpmRouteWriter } from '@bgp/ebpf';
import { acceptAll, parseAgentArgs, runAgent, Speaker } from '@bgp/speaker';
import { describe, expect, it } from 'vitest';
import { allocateLoopbackAddress, allocatePort, waitFor } from './interop/harness/index.js';

const addon = addonStatus();
const why = !addon.available
  ? `@bgp/ebpf addon unavailable: ${addon.reason}`
  : process.getuid?.() !== 0
    ? 'needs root (CAP_BPF)'
    : !isBpffs('/sys/fs/bpf')
      ? '/sys/fs/bpf is not a bpffs mount'
      : undefined;
const DEMO = readFileSync(
  fileURLToPath(new URL('../examples/demo/cluster.yaml', import.meta.url)),
  'utf8',
);

describe.skipIf(why !== undefined)(
  `bgp-agent --datapath lpm${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it('installs accepted routes in pinned LPM tries and removes them on withdraw', async () => {
      const pin = `/sys/fs/bpf/bgp-speaker-test-${process.pid}`;
      const dir = mkdtempSync(join(tmpdir(), 'bgp-dp-'));
      const tor = allocateLoopbackAddress();
      const rr = allocateLoopbackAddress();
      const port = await allocatePort(tor);
      const file = join(dir, 'cluster.yaml');
      writeFileSync(
        file,
        DEMO.replaceAll('127.0.0.2', tor)
          .replaceAll('127.0.0.3', rr)
          .replaceAll('11179', String(port)),
      );
      const s = new Speaker({ import: acceptAll });
      await s.addInstance({
        name: 't',
        asn: 65100,
        routerId: '10.0.0.2',
        listen: { host: tor, port },
      });
      s.addPeer('t', { address: '127.0.0.1', asn: 65001, passive: true });
      s.originate('t', '10.99.0.0/16', { nextHop: '192.0.2.99' });
      s.originate('t', '0.0.0.0/0');
      await s.start();
      const quiet = { info() {}, warn() {}, error() {} };
      const running = await runAgent(
        parseAgentArgs([
          '-f',
          file,
          '--node',
          'worker-1',
          '--api',
          'off',
          '--accept-routes',
          '--datapath',
          `lpm=${pin}`,
        ]),
        quiet,
      );
      try {
        const snapshot = async () => {
          const w = LpmRouteWriter.create({ pinPath: pin });
          try {
            return [...(await w.snapshot()).keys()].sort();
          } finally {
            await w.close();
          }
        };
        await waitFor(async () => ((await snapshot()).length === 2 ? true : undefined), {
          what: 'routes in the LPM tries',
          timeoutMs: 10_000,
        });
        expect(await snapshot()).toEqual(['0.0.0.0/0', '10.99.0.0/16']);
        expect(running.agent.speaker.peers()[0]!.families[0]).toMatchObject({
          received: 2,
          accepted: 2,
        });
        s.withdraw('t', '10.99.0.0/16');
        await waitFor(async () => ((await snapshot()).length === 1 ? true : undefined), {
          what: 'the withdrawal in the LPM tries',
          timeoutMs: 10_000,
        });
        expect(await snapshot()).toEqual(['0.0.0.0/0']);
      } finally {
        await running.close(false);
        s.destroy();
        rmSync(pin, { recursive: true, force: true });
        rmSync(dir, { recursive: true, force: true });
      }
    });
  },
);
