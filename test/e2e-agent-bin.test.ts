/**
 * The built `bgp-agent` and `bgp` bins as a user runs them: start, query, SIGTERM (graceful:
 * the ToR keeps our routes as stale), start again (refreshed), then --no-graceful (Cease).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptAll, Speaker } from '@bgp/speaker';
import { afterAll, describe, expect, it } from 'vitest';
import { allocateLoopbackAddress, allocatePort, waitFor } from './interop/harness/index.js';

const url = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const AGENT = url('../packages/speaker/bin/bgp-agent.js');
const BGP = url('../packages/speaker/bin/bgp.js');
const built = existsSync(url('../packages/speaker/dist/cli/bgp-agent.js'));
const DEMO = readFileSync(url('../examples/demo/cluster.yaml'), 'utf8');

describe.skipIf(!built)(
  `bgp-agent and bgp bins${built ? '' : ' (skipped: packages/speaker/dist missing; run npm run build)'}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'bgp-bin-'));
    const procs: ChildProcess[] = [];
    afterAll(() => {
      for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs, answers bgp, stops gracefully on SIGTERM and with Cease under --no-graceful', async () => {
      const tor = allocateLoopbackAddress();
      const rr = allocateLoopbackAddress();
      const host = allocateLoopbackAddress();
      const port = await allocatePort(tor);
      const api = `${host}:${await allocatePort(host)}`;
      const file = join(dir, 'cluster.yaml');
      writeFileSync(
        file,
        DEMO.replaceAll('127.0.0.2', tor)
          .replaceAll('127.0.0.3', rr)
          .replaceAll('11179', String(port)),
      );
      const speakers: Speaker[] = [];
      for (const [address, asn] of [
        [tor, 65100],
        [rr, 65001],
      ] as const) {
        const s = new Speaker({ import: acceptAll });
        await s.addInstance({
          name: 't',
          asn,
          routerId: `10.0.0.${asn === 65100 ? 2 : 3}`,
          listen: { host: address, port },
        });
        s.addPeer('t', {
          address: '127.0.0.1',
          asn: 65001,
          passive: true,
          gracefulRestart: { restartTime: 120 },
        });
        await s.start();
        speakers.push(s);
      }
      const torSpeaker = speakers[0]!;
      const start = (...extra: string[]) => {
        const p = spawn(
          process.execPath,
          [AGENT, '-f', file, '--node', 'worker-1', '--api', api, ...extra],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        );
        let log = '';
        p.stderr?.on('data', (c) => {
          log += String(c);
        });
        procs.push(p);
        return { p, log: () => log };
      };
      const exited = (p: ChildProcess) =>
        new Promise<number | null>((r) =>
          p.exitCode !== null ? r(p.exitCode) : p.once('exit', (c) => r(c)),
        );
      try {
        let a = start();
        await waitFor(
          () =>
            (torSpeaker.routes(1).length === 3 && torSpeaker.routes(1).every((r) => !r.stale)) ||
            undefined,
          { what: 'routes at the ToR', timeoutMs: 15_000 },
        );
        const peers = spawnSync(process.execPath, [BGP, '--api', api, 'peers'], {
          encoding: 'utf8',
        });
        expect(peers.status).toBe(0);
        expect(peers.stdout).toMatch(
          new RegExp(
            `worker-1\\s+65001\\s+65100\\s+${tor.replaceAll('.', '\\.')}:${port}\\s+established`,
          ),
        );
        const json = JSON.parse(
          spawnSync(
            process.execPath,
            [BGP, 'routes', 'advertised', 'ipv4', 'unicast', '-o', 'json'],
            { encoding: 'utf8', env: { ...process.env, BGP_API: api } },
          ).stdout,
        );
        expect(
          json.map((p: { peerAddress: string; routes: unknown[] }) => [
            p.peerAddress,
            p.routes.length,
          ]),
        ).toEqual([
          [tor, 3],
          [rr, 3],
        ]);

        // SIGTERM: no NOTIFICATION, the ToR keeps our routes as stale (RFC 4724).
        a.p.kill('SIGTERM');
        expect(await exited(a.p)).toBe(0);
        expect(a.log()).toContain('stopping gracefully');
        await waitFor(() => torSpeaker.routes(1).every((r) => r.stale) || undefined, {
          what: 'stale routes',
          timeoutMs: 10_000,
        });
        expect(torSpeaker.routes(1)).toHaveLength(3);

        // Back within the restart time: refreshed, nothing lost.
        a = start('--restarting', '--no-graceful');
        await waitFor(
          () =>
            (torSpeaker.routes(1).length === 3 && torSpeaker.routes(1).every((r) => !r.stale)) ||
            undefined,
          { what: 'refreshed routes', timeoutMs: 15_000 },
        );

        // --no-graceful: SIGTERM sends Cease, the ToR drops the routes.
        a.p.kill('SIGTERM');
        expect(await exited(a.p)).toBe(0);
        await waitFor(() => torSpeaker.routes(1).length === 0 || undefined, {
          what: 'routes withdrawn after Cease',
          timeoutMs: 10_000,
        });
        expect(torSpeaker.peers()[0]!.lastError).toMatch(/received CEASE/);
      } finally {
        for (const s of speakers) s.destroy();
      }
    });
  },
);
