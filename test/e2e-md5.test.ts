/**
 * bgp-agent with TCP-MD5 from Cilium YAML: the PeerConfigs name an auth Secret (authSecretRef,
 * Secret `password` key, base64 in `data`), and BIRD top-of-rack peers require that key (RFC
 * 2385). With the right password the sessions establish; with a wrong one they never do.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from '@bgp/speaker';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterYaml, E2E_NEXT_HOP, startTorPair } from './e2e-cluster.js';
import { daemonMissing, daemonScope, waitForEstablished } from './interop/harness/index.js';

const missing = daemonMissing('bird');
const KEY = 'rack1-md5-secret';

describe.skipIf(missing !== undefined)(
  `bgp-agent TCP-MD5 from authSecretRef with BIRD${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const scope = daemonScope();
    const dir = mkdtempSync(join(tmpdir(), 'bgp-e2e-md5-'));
    afterAll(async () => {
      await scope.stopAll();
      rmSync(dir, { recursive: true, force: true });
    });

    const run = async (password: string) => {
      const pair = await startTorPair(scope, 'bird', { password: KEY });
      const file = join(dir, `cluster-${password}.yaml`);
      writeFileSync(file, clusterYaml({ ...pair.base, md5Password: password }));
      const agent = new Agent({
        files: [file],
        node: 'worker-1',
        watch: false,
        nextHop: { ipv4: E2E_NEXT_HOP },
      });
      return { ...pair, agent };
    };

    it("the Secret's password establishes both sessions", async () => {
      const { agent, tor, rr, local } = await run(KEY);
      try {
        expect((await agent.start()).errors).toEqual([]);
        expect(agent.status().warnings.join('\n')).not.toMatch(/empty password/);
        await Promise.all([waitForEstablished(tor, local), waitForEstablished(rr, local)]);
      } finally {
        await agent.stop();
      }
    }, 60_000);

    it('a wrong password never establishes', async () => {
      const { agent, tor, local } = await run('not-the-key');
      try {
        expect((await agent.start()).errors).toEqual([]);
        await expect(waitForEstablished(tor, local, 8_000)).rejects.toThrow();
        expect(
          agent.speaker.peers().every((p) => p.sessionState.toLowerCase() !== 'established'),
        ).toBe(true);
      } finally {
        await agent.stop();
      }
    }, 60_000);
  },
);
