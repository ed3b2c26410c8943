/**
 * The blackhole pipeline (RFC 7999): routes a peer tags with BLACKHOLE (65535:666) go from the
 * speaker's Loc-RIB into @bgp/ebpf's Blackhole sink, whose XDP program drops traffic to them.
 * Needs root (CAP_BPF) and the native addon; attach to an interface with `--attach IFACE`.
 *
 *   sudo npx tsx examples/blackhole-pipeline.ts 127.0.0.10 1179 127.0.0.2:65100 [--attach eth0]
 */
import { pathToFileURL } from 'node:url';
import { Blackhole } from '@bgp/ebpf';
import { acceptAll, Speaker } from '@bgp/speaker';

/** Options of {@link blackholePipeline}. */
export interface BlackholeOptions {
  /** Where to listen for the peer that signals blackholes. */
  readonly listen: { readonly host: string; readonly port: number };
  /** That peer. */
  readonly peer: { readonly address: string; readonly asn: number };
  /** Interface to attach the XDP program to (none: maps only). */
  readonly attach?: string;
}

/** Starts the pipeline; returns the speaker, the sink and a stop function. */
export async function blackholePipeline(
  o: BlackholeOptions,
): Promise<{ speaker: Speaker; sink: Blackhole; stop(): Promise<void> }> {
  const sink = Blackhole.create();
  if (o.attach) sink.attach(o.attach);
  // Accept only what the sink is for: a route without the community never enters the Loc-RIB.
  const speaker = new Speaker(
    { import: (r, peer) => acceptAll(r, peer) && r.attributes.communities.includes('65535:666') },
    { sinks: [sink] },
  );
  await speaker.addInstance({
    name: 'rtbh',
    asn: 65535,
    routerId: '192.0.2.251',
    listen: o.listen,
  });
  speaker.addPeer('rtbh', { ...o.peer, passive: true });
  await speaker.start();
  return {
    speaker,
    sink,
    async stop() {
      await speaker.stop({ message: 'blackhole pipeline stopping' });
      await sink.close();
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--attach');
  const [host = '127.0.0.10', port = '1179', peer = '127.0.0.2:65100'] = args.filter(
    (_, i) => i !== at && i !== at + 1,
  );
  const p = await blackholePipeline({
    listen: { host, port: Number(port) },
    peer: { address: peer.split(':')[0] ?? peer, asn: Number(peer.split(':')[1] ?? 0) },
    ...(at >= 0 && args[at + 1] ? { attach: args[at + 1] } : {}),
  });
  p.speaker.on('best:change', ({ prefix, best }) =>
    console.log(best ? `drop ${prefix}` : `stop dropping ${prefix}`),
  );
  process.on('SIGINT', () => void p.stop().then(() => process.exit(0)));
}
