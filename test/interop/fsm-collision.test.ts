// Connection collision (RFC 4271 §6.8) over real TCP, forced with the raw peer: our session
// connects to the raw peer, which holds that connection in OpenSent while it opens its own
// connection to our listener; then both OPENs arrive. The connection opened by the speaker
// with the higher BGP Identifier must survive, the other must get Cease 6/7.
import {
  createOpen,
  fourOctetAs,
  KEEPALIVE,
  multiprotocol,
  type NotificationMessage,
} from '@bgp/wire';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocateLoopbackAddress,
  allocatePort,
  daemonScope,
  OurSpeaker,
  RawPeer,
} from './harness/index.js';

const scope = daemonScope();
afterEach(() => scope.stopAll());

async function collide(ourId: string, theirId: number) {
  const rawAddress = allocateLoopbackAddress();
  const rawPort = await allocatePort(rawAddress);
  const raw = await RawPeer.listen({ host: rawAddress, port: rawPort });
  scope.add({ stop: async () => raw.close() });
  const us = scope.add(
    await OurSpeaker.create({
      asn: 65040,
      routerId: ourId,
      mode: 'both',
      holdTime: 30,
      peer: { address: rawAddress, port: rawPort, asn: 65041 },
    }),
  );
  await us.start();
  // 1. Our connection arrives; we are in OpenSent on it.
  const ours = await raw.accept(10_000);
  scope.add({ stop: async () => ours.close() });
  await ours.expect('OPEN');
  // 2. The raw peer opens its own connection to our listener, from its own address.
  const theirs = await RawPeer.connect({
    host: us.address,
    port: us.port,
    localAddress: rawAddress,
  });
  scope.add({ stop: async () => theirs.close() });
  await theirs.expect('OPEN');
  // 3. Both OPENs (same BGP Identifier, as one speaker sends), then KEEPALIVEs.
  const open = { asn: 65041, bgpIdentifier: theirId, holdTime: 30 };
  const outcome = async (p: RawPeer): Promise<'KEEPALIVE' | NotificationMessage> => {
    for (;;) {
      const m = await p.next(10_000);
      if (m.type === 'KEEPALIVE') return 'KEEPALIVE';
      if (m.type === 'NOTIFICATION') return m;
      if (m.type === 'CLOSED') throw new Error('closed without NOTIFICATION');
    }
  };
  const msg = createOpen({ ...open, capabilities: [multiprotocol(1, 1), fourOctetAs(65041)] });
  await Promise.all([ours.send(msg), theirs.send(msg)]);
  await Promise.all([ours.send(KEEPALIVE), theirs.send(KEEPALIVE)]);
  const [onOurs, onTheirs] = await Promise.all([outcome(ours), outcome(theirs)]);
  await us.waitForState('Established');
  return { us, onOurs, onTheirs };
}

describe('collision with a raw peer over TCP (RFC 4271 §6.8)', () => {
  it('the peer has the higher BGP Identifier: its connection wins, ours gets Cease 6/7', async () => {
    const { us, onOurs, onTheirs } = await collide('10.0.40.1', 0x0a002901);
    expect(onTheirs).toBe('KEEPALIVE');
    expect(onOurs).toMatchObject({ type: 'NOTIFICATION', code: 6, subcode: 7 });
    expect(us.eventsNamed<{ direction: string }>('established')).toEqual([
      expect.objectContaining({ direction: 'incoming' }),
    ]);
  }, 30_000);

  it('we have the higher BGP Identifier: our connection wins, theirs gets Cease 6/7', async () => {
    const { us, onOurs, onTheirs } = await collide('10.0.42.1', 0x0a002901);
    expect(onOurs).toBe('KEEPALIVE');
    expect(onTheirs).toMatchObject({ type: 'NOTIFICATION', code: 6, subcode: 7 });
    expect(us.eventsNamed<{ direction: string }>('established')).toEqual([
      expect.objectContaining({ direction: 'outgoing' }),
    ]);
  }, 30_000);
});
