/** The programs in examples/ run for real: each against a speaker over TCP on 127/8. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addonStatus } from '@bgp/ebpf';
import { acceptAll, Speaker } from '@bgp/speaker';
import { decodeMrtMessage, formatPrefix, readMrtStream } from '@bgp/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { blackholePipeline } from '../examples/blackhole-pipeline.js';
import { minimalSpeaker } from '../examples/minimal-speaker.js';
import { routeCollector } from '../examples/route-collector.js';
import { allocateLoopbackAddress, allocatePort, waitFor } from './interop/harness/index.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A speaker that connects from `from` to `to:port` and originates `routes`. */
async function sender(
  from: string,
  to: string,
  port: number,
  routes: Record<string, string[]>,
): Promise<Speaker> {
  const s = new Speaker();
  await s.addInstance({ name: 's', asn: 65100, routerId: '10.9.9.9' });
  s.addPeer('s', {
    address: to,
    port,
    asn: 65535,
    localAddress: from,
    connectRetryTime: 1,
    families: [
      { afi: 1, safi: 1 },
      { afi: 2, safi: 1 },
    ],
  });
  for (const [p, communities] of Object.entries(routes)) s.originate('s', p, { communities });
  await s.start();
  cleanup.push(() => s.destroy());
  return s;
}

describe('examples/', () => {
  it('minimal-speaker announces its route to a peer', async () => {
    const tor = allocateLoopbackAddress();
    const port = await allocatePort(tor);
    const peer = new Speaker({ import: acceptAll });
    await peer.addInstance({
      name: 'tor',
      asn: 65100,
      routerId: '10.0.0.2',
      listen: { host: tor, port },
    });
    peer.addPeer('tor', { address: '127.0.0.1', asn: 65001, passive: true });
    await peer.start();
    cleanup.push(() => peer.destroy());
    const lines: string[] = [];
    const s = await minimalSpeaker({
      peer: { address: tor, port, asn: 65100 },
      log: (l) => lines.push(l),
    });
    cleanup.push(() => s.destroy());
    await waitFor(() => peer.routes(1)[0], { what: 'the route at the peer', timeoutMs: 10_000 });
    expect(peer.routes(1)[0]).toMatchObject({
      prefix: '10.244.1.0/24',
      attributes: { asPath: [65001], communities: ['65001:100'] },
    });
    expect(lines).toContain('upstream: up, hold time 30s');
    expect(lines).toContain('upstream: announced [10.244.1.0/24] withdrawn []');
  });

  it('route-collector writes what it receives as MRT that reads back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collector-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const host = allocateLoopbackAddress();
    const from = allocateLoopbackAddress();
    const port = await allocatePort(host);
    const file = join(dir, 'collector.mrt');
    const c = await routeCollector({
      listen: { host, port },
      peers: [{ address: from, asn: 65100 }],
      file,
    });
    cleanup.push(() => c.speaker.destroy());
    await sender(from, host, port, {
      '10.1.0.0/16': ['65100:1'],
      '10.2.0.0/16': [],
      '2001:db8::/32': [],
    });
    await waitFor(
      () => (c.speaker.received(1).length === 2 && c.speaker.received(2).length === 1) || undefined,
      { what: 'routes at the collector', timeoutMs: 10_000 },
    );
    await c.stop();
    const prefixes: string[] = [];
    for await (const rec of readMrtStream(file)) {
      expect(rec.kind).toBe('MESSAGE');
      if (rec.kind !== 'MESSAGE') continue;
      expect(rec.peerAs).toBe(65100);
      const m = decodeMrtMessage(rec);
      if (m.type !== 'UPDATE') continue;
      prefixes.push(...m.nlri.map((n) => formatPrefix(n.prefix)));
      for (const a of m.attributes)
        if (a.typeCode === 14 && !a.raw)
          prefixes.push(...a.value.nlri.map((n) => formatPrefix(n.prefix)));
    }
    expect(prefixes.sort()).toEqual(['10.1.0.0/16', '10.2.0.0/16', '2001:db8::/32']);
    expect(c.records()).toBeGreaterThanOrEqual(2);
  });

  const addon = addonStatus();
  const root = process.getuid?.() === 0;
  const why = !addon.available
    ? `@bgp/ebpf addon unavailable: ${addon.reason}`
    : !root
      ? 'needs root (CAP_BPF)'
      : undefined;
  it.skipIf(why !== undefined)(
    `blackhole-pipeline puts only BLACKHOLE-tagged routes in the drop map${why ? ` (skipped: ${why})` : ''}`,
    async () => {
      const host = allocateLoopbackAddress();
      const from = allocateLoopbackAddress();
      const port = await allocatePort(host);
      const p = await blackholePipeline({
        listen: { host, port },
        peer: { address: from, asn: 65100 },
      });
      cleanup.push(() => p.stop());
      await sender(from, host, port, {
        '192.0.2.66/32': ['65535:666'],
        '198.51.100.0/24': ['65100:1'],
      });
      await waitFor(async () => ((await p.sink.snapshot()).size === 1 ? true : undefined), {
        what: 'the drop entry',
        timeoutMs: 10_000,
      });
      expect([...(await p.sink.snapshot()).keys()]).toEqual(['192.0.2.66/32']);
      expect(p.speaker.received(1).map((r) => r.prefix)).toEqual([
        '192.0.2.66/32',
        '198.51.100.0/24',
      ]);
    },
  );
});
