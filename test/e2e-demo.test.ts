import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runDemo } from '@bgp/speaker';
import { describe, expect, it } from 'vitest';
import {
  allocateLoopbackAddress,
  allocatePort,
  daemonMissing,
  waitFor,
} from './interop/harness/index.js';

const CLUSTER = fileURLToPath(new URL('../examples/demo/cluster.yaml', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../scripts/demo.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../packages/speaker/dist/index.js', import.meta.url));
const BGP = fileURLToPath(new URL('../packages/speaker/bin/bgp.js', import.meta.url));

describe('the demo (npm start)', () => {
  it('brings up both ToR sessions and prints the peers table and the routes with their communities', async () => {
    const tor = allocateLoopbackAddress();
    const rr = allocateLoopbackAddress();
    const port = await allocatePort(tor);
    const lines: string[] = [];
    const started = Date.now();
    const r = await runDemo({
      file: CLUSTER,
      torAddress: tor,
      rrAddress: rr,
      port,
      out: (l) => lines.push(l),
    });
    const text = lines.join('\n');
    expect(r.reason).toBeUndefined();
    expect(r.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(text).toMatch(
      /Node\s+Local AS\s+Peer AS\s+Peer Address\s+Session State\s+Uptime\s+Family\s+Received\s+Advertised/,
    );
    expect(text).toMatch(
      new RegExp(
        `worker-1\\s+65001\\s+65100\\s+${tor.replaceAll('.', '\\.')}:${port}\\s+established\\s+\\S+\\s+ipv4/unicast\\s+0\\s+3`,
      ),
    );
    expect(text).toMatch(
      new RegExp(
        `worker-1\\s+65001\\s+65001\\s+${rr.replaceAll('.', '\\.')}:${port}\\s+established`,
      ),
    );
    // eBGP ToR: our AS prepended, no LOCAL_PREF, no-export + 65001:200 + the large community on LB IPs.
    expect(r.received['tor-a']).toEqual([
      {
        prefix: '10.244.1.0/24',
        nextHop: '127.0.0.1',
        attributes: {
          origin: 'IGP',
          asPath: [65001],
          nextHop: '127.0.0.1',
          communities: ['65001:100'],
          largeCommunities: [],
        },
      },
      {
        prefix: '203.0.113.0/32',
        nextHop: '127.0.0.1',
        attributes: {
          origin: 'IGP',
          asPath: [65001],
          nextHop: '127.0.0.1',
          communities: ['65001:200', '65535:65281'],
          largeCommunities: ['65001:1:1'],
        },
      },
      {
        prefix: '203.0.113.1/32',
        nextHop: '127.0.0.1',
        attributes: {
          origin: 'IGP',
          asPath: [65001],
          nextHop: '127.0.0.1',
          communities: ['65001:200', '65535:65281'],
          largeCommunities: ['65001:1:1'],
        },
      },
    ]);
    // iBGP route reflector: LOCAL_PREF 200 on the LB IPs, 100 on the pod CIDR, empty AS path.
    expect(
      r.received.rr?.map((x) => [x.prefix, (x.attributes as { localPref?: number }).localPref]),
    ).toEqual([
      ['10.244.1.0/24', 100],
      ['203.0.113.0/32', 200],
      ['203.0.113.1/32', 200],
    ]);
    expect(text).toContain('no-export');
    expect(text).toContain('large 65001:1:1');
    expect(text).toMatch(/Next: .*\n {2}npm start -- --keep/);
  });

  it('fails with a clear reason when the ToR port is taken', async () => {
    const tor = allocateLoopbackAddress();
    const { createServer } = await import('node:net');
    const blocker = createServer();
    const port = await allocatePort(tor);
    await new Promise<void>((res) => blocker.listen(port, tor, () => res()));
    const lines: string[] = [];
    const r = await runDemo({
      file: CLUSTER,
      torAddress: tor,
      rrAddress: allocateLoopbackAddress(),
      port,
      out: (l) => lines.push(l),
    });
    blocker.close();
    expect(r.exitCode).toBe(1);
    expect(r.reason).toMatch(/cannot start the ToRs on .* port \d+: .*EADDRINUSE/);
    expect(lines.join('\n')).toContain('demo failed: cannot start the ToRs');
  });

  const noGobgp = daemonMissing('gobgp');
  it.skipIf(noGobgp !== undefined)(
    `--peer gobgpd: the same routes arrive at real gobgpd ToRs${noGobgp ? ` (skipped: ${noGobgp})` : ''}`,
    async () => {
      const tor = allocateLoopbackAddress();
      const rr = allocateLoopbackAddress();
      const port = await allocatePort(tor);
      const lines: string[] = [];
      const r = await runDemo({
        file: CLUSTER,
        torAddress: tor,
        rrAddress: rr,
        port,
        daemon: 'gobgpd',
        out: (l) => lines.push(l),
      });
      expect(r.reason).toBeUndefined();
      expect(r.exitCode).toBe(0);
      const tora = Object.fromEntries((r.received['tor-a'] ?? []).map((x) => [x.prefix, x]));
      expect(Object.keys(tora).sort()).toEqual([
        '10.244.1.0/24',
        '203.0.113.0/32',
        '203.0.113.1/32',
      ]);
      expect(tora['203.0.113.0/32']).toEqual({
        prefix: '203.0.113.0/32',
        nextHop: '192.0.2.11',
        attributes: {
          asPath: [65001],
          communities: ['65001:200', '65535:65281'],
          largeCommunities: ['65001:1:1'],
        },
      });
      const rrRoutes = Object.fromEntries(
        (r.received.rr ?? []).map((x) => [x.prefix, x.attributes.localPref]),
      );
      expect(rrRoutes).toEqual({
        '10.244.1.0/24': 100,
        '203.0.113.0/32': 200,
        '203.0.113.1/32': 200,
      });
      expect(lines.join('\n')).toContain('tor-a (gobgpd, eBGP top-of-rack');
    },
  );

  it.skipIf(!existsSync(DIST))(
    `scripts/demo.mjs (npm start) runs from the build and exits 0${existsSync(DIST) ? '' : ' (skipped: packages/speaker/dist missing; run npm run build)'}`,
    async () => {
      const tor = allocateLoopbackAddress();
      const rr = allocateLoopbackAddress();
      const port = await allocatePort(tor);
      const started = Date.now();
      const r = spawnSync(
        process.execPath,
        [SCRIPT, '--tor', tor, '--rr', rr, '--port', String(port)],
        { encoding: 'utf8', timeout: 20_000 },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(r.stdout).toMatch(
        /^bgp-agent for node worker-1 \(CiliumBGPClusterConfig\/rack1\), sessions up:/,
      );
      expect(r.stdout).toMatch(
        new RegExp(
          `worker-1\\s+65001\\s+65100\\s+${tor.replaceAll('.', '\\.')}:${port}\\s+established`,
        ),
      );
      expect(r.stdout).toMatch(
        /203\.0\.113\.0\/32\s+next hop 127\.0\.0\.1, AS path \[65001\], communities 65001:200 no-export, large 65001:1:1/,
      );
      expect(r.stdout).toMatch(
        /203\.0\.113\.0\/32\s+next hop 127\.0\.0\.1, AS path \[\], LOCAL_PREF 200, large 65001:2:1/,
      );
      expect(r.stdout).toContain('Next: ');
      // --keep: the agent stays up with its API; bgp talks to it; Ctrl-C ends it.
      const host = allocateLoopbackAddress();
      const api = `${host}:${await allocatePort(host)}`;
      const kept = spawn(
        process.execPath,
        [SCRIPT, '--tor', tor, '--rr', rr, '--port', String(port), '--keep', api],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      kept.stdout.on('data', (c) => {
        stdout += String(c);
      });
      try {
        await waitFor(() => stdout.includes('The agent keeps running') || undefined, {
          what: 'the kept demo',
          timeoutMs: 10_000,
        });
        const peers = spawnSync(process.execPath, [BGP, '--api', api, 'peers'], {
          encoding: 'utf8',
        });
        expect(peers.stdout).toMatch(/worker-1\s+65001\s+65100\s+\S+\s+established/);
      } finally {
        kept.kill('SIGINT');
      }
      expect(await new Promise((r) => kept.once('exit', r))).toBe(0);
      const bad = spawnSync(process.execPath, [SCRIPT, '--peer', 'nonsense'], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--peer must be ours, gobgpd or bird');
    },
  );

  const noBird = daemonMissing('bird');
  it.skipIf(noBird !== undefined)(
    `--peer bird: the same routes arrive at real BIRD ToRs${noBird ? ` (skipped: ${noBird})` : ''}`,
    async () => {
      const tor = allocateLoopbackAddress();
      const rr = allocateLoopbackAddress();
      const port = await allocatePort(tor);
      const lines: string[] = [];
      const r = await runDemo({
        file: CLUSTER,
        torAddress: tor,
        rrAddress: rr,
        port,
        daemon: 'bird',
        out: (l) => lines.push(l),
      });
      expect(r.reason).toBeUndefined();
      expect(r.exitCode).toBe(0);
      const tora = Object.fromEntries((r.received['tor-a'] ?? []).map((x) => [x.prefix, x]));
      expect(tora['203.0.113.0/32']).toEqual({
        prefix: '203.0.113.0/32',
        nextHop: '192.0.2.11',
        attributes: {
          asPath: [65001],
          communities: ['65001:200', '65535:65281'],
          largeCommunities: ['65001:1:1'],
        },
      });
      const rrRoutes = Object.fromEntries(
        (r.received.rr ?? []).map((x) => [x.prefix, x.attributes.localPref]),
      );
      expect(rrRoutes).toEqual({
        '10.244.1.0/24': 100,
        '203.0.113.0/32': 200,
        '203.0.113.1/32': 200,
      });
      expect(lines.join('\n')).toContain('tor-a (bird, eBGP top-of-rack');
    },
  );
});
