/**
 * A route collector: accepts sessions from the peers it is told about, keeps nothing in its
 * Loc-RIB it does not need, and writes every received UPDATE to an MRT file as BGP4MP
 * MESSAGE_AS4 records (RFC 6396 §4.4.3), readable with `bgp-decode collector.mrt`.
 *
 *   npx tsx examples/route-collector.ts 127.0.0.10 1179 collector.mrt 127.0.0.2:65100
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { acceptAll, Speaker } from '@bgp/speaker';
import { encodeMrtRecord, parseAddress } from '@bgp/wire';

/** Options of {@link routeCollector}. */
export interface CollectorOptions {
  /** Where to listen. */
  readonly listen: { readonly host: string; readonly port: number };
  /** Peers that may connect: address and AS. */
  readonly peers: readonly { readonly address: string; readonly asn: number }[];
  /** MRT output file. */
  readonly file: string;
}

/** Starts the collector; `stop()` ends the sessions and closes the file. */
export async function routeCollector(
  o: CollectorOptions,
): Promise<{ speaker: Speaker; records: () => number; stop(): Promise<void> }> {
  const fd = openSync(o.file, 'w');
  let records = 0;
  const speaker = new Speaker({ import: acceptAll });
  await speaker.addInstance({
    name: 'collector',
    asn: 65535,
    routerId: '192.0.2.250',
    listen: o.listen,
  });
  for (const p of o.peers)
    speaker.addPeer('collector', {
      ...p,
      passive: true,
      families: [
        { afi: 1, safi: 1 },
        { afi: 2, safi: 1 },
      ],
    });
  speaker.on('update:received', (e) => {
    const peerAddress = parseAddress(e.address);
    const local = parseAddress(e.localAddress ?? (peerAddress.length === 4 ? '0.0.0.0' : '::'));
    const bytes = encodeMrtRecord({
      kind: 'MESSAGE',
      timestamp: Math.floor(Date.now() / 1000),
      as4: e.fourOctetAs,
      addPath: false,
      local: false,
      peerAs: e.peerAs,
      localAs: e.localAs,
      interfaceIndex: 0,
      afi: peerAddress.length === 4 ? 1 : 2,
      peerAddress,
      localAddress: local,
      message: e.bytes,
    });
    writeSync(fd, bytes);
    records++;
  });
  await speaker.start();
  return {
    speaker,
    records: () => records,
    async stop() {
      await speaker.stop({ message: 'collector stopping' });
      closeSync(fd);
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [host = '127.0.0.10', port = '1179', file = 'collector.mrt', ...peers] =
    process.argv.slice(2);
  const c = await routeCollector({
    listen: { host, port: Number(port) },
    file,
    peers: peers.map((p) => ({ address: p.split(':')[0] ?? p, asn: Number(p.split(':')[1] ?? 0) })),
  });
  console.log(`collecting on ${host}:${port} into ${file}; Ctrl-C to stop`);
  process.on('SIGINT', () => void c.stop().then(() => process.exit(0)));
}
