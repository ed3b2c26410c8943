/**
 * A minimal BGP speaker: one instance, one peer, one originated route.
 *
 *   npx tsx examples/minimal-speaker.ts 127.0.0.2 1179 65100
 *
 * connects to the peer at 127.0.0.2:1179 (AS 65100), announces 10.244.1.0/24 with a community
 * and prints what happens. Ctrl-C stops with a Cease and a shutdown message.
 */
import { pathToFileURL } from 'node:url';
import { Speaker } from '@bgp/speaker';

/** Options of {@link minimalSpeaker}. */
export interface MinimalOptions {
  /** Peer address, port and AS. */
  readonly peer: { readonly address: string; readonly port: number; readonly asn: number };
  /** Where to print (default console.log). */
  readonly log?: (line: string) => void;
}

/** Builds and starts the speaker; returns it (stop it with `speaker.stop()`). */
export async function minimalSpeaker(o: MinimalOptions): Promise<Speaker> {
  const log = o.log ?? console.log;
  const speaker = new Speaker();
  await speaker.addInstance({ name: 'main', asn: 65001, routerId: '192.0.2.1' });
  speaker.addPeer('main', { ...o.peer, name: 'upstream', holdTime: 30 });
  speaker.originate('main', '10.244.1.0/24', { communities: ['65001:100'] });
  speaker.on('peer:state', ({ name, from, to }) => log(`${name}: ${from} -> ${to}`));
  speaker.on('peer:up', ({ name, negotiated }) =>
    log(`${name}: up, hold time ${negotiated.holdTime}s`),
  );
  speaker.on('routes:sent', ({ name, announced, withdrawn }) =>
    log(`${name}: announced [${announced.join(' ')}] withdrawn [${withdrawn.join(' ')}]`),
  );
  speaker.on('peer:down', ({ name, reason }) => log(`${name}: down (${reason})`));
  await speaker.start();
  return speaker;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [address = '127.0.0.2', port = '179', asn = '65100'] = process.argv.slice(2);
  const speaker = await minimalSpeaker({ peer: { address, port: Number(port), asn: Number(asn) } });
  process.on('SIGINT', () => {
    void speaker.stop({ message: 'minimal speaker: bye' }).then(() => process.exit(0));
  });
}
