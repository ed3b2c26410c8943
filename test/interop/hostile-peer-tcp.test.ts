/**
 * A hostile peer over real TCP (issue 4): a raw client on loopback completes the OPEN exchange
 * with our listening session, then sends one malformed message of the shared corpus. Every
 * malformed listing is sent, not a sample. We must answer the NOTIFICATION of the typed error the
 * wire decoder raises for those bytes (or stay up, for RFC 7606 soft errors), close that
 * connection only, and a bystander session in the same process must stay Established throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS, haveCorpus, loadCases } from '../../packages/fsm/test/malformed-corpus.js';
import { allocateLoopbackAddress } from './harness/net.js';
import { OurSpeaker } from './harness/our-speaker.js';
import { RawPeer } from './harness/raw-peer.js';

const OUR_AS = 65000;
const PEER_AS = 65001;

/** Our passive session for one peer address, and that peer connected and Established. */
async function establishedPair(): Promise<{ speaker: OurSpeaker; peer: RawPeer }> {
  const peerAddress = allocateLoopbackAddress();
  const speaker = await OurSpeaker.create({
    asn: OUR_AS,
    routerId: '10.255.0.1',
    peer: { address: peerAddress, port: 179, asn: PEER_AS },
    mode: 'passive',
  });
  await speaker.start();
  const peer = await RawPeer.connect({
    host: speaker.address,
    port: speaker.port,
    localAddress: peerAddress,
  });
  await peer.handshake({ asn: PEER_AS, bgpIdentifier: 0x0a000002, timeoutMs: 5000 });
  await speaker.waitForState('Established', 5000);
  return { speaker, peer };
}

describe.skipIf(!haveCorpus)(
  `hostile peer over TCP with every malformed corpus message${haveCorpus ? '' : ` (skipped: no corpus at ${CORPUS})`}`,
  () => {
    const cases = haveCorpus ? loadCases(false) : [];
    let bystander: { speaker: OurSpeaker; peer: RawPeer };

    beforeAll(async () => {
      bystander = await establishedPair();
    });

    afterAll(async () => {
      bystander?.peer.close();
      await bystander?.speaker.stop();
    });

    it(`loaded ${cases.length} malformed messages`, () => {
      // Distinct messages that reach an Established session whole (OPEN-phase and truncated ones excluded).
      expect(cases.length).toBeGreaterThan(40);
    });

    it.concurrent.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const { speaker, peer } = await establishedPair();
      try {
        await peer.sendBytes(c.bytes);
        if (c.expected === null) {
          // RFC 7606 soft error: the session stays up. A KEEPALIVE round trip proves it is alive.
          await peer.sendBytes(Uint8Array.from([...new Array(16).fill(0xff), 0, 19, 4]));
          await new Promise((r) => setTimeout(r, 50));
          expect(speaker.state).toBe('Established');
          expect(peer.notifications).toEqual([]);
        } else {
          const n = await peer.expect('NOTIFICATION', 5000);
          expect([n.code, n.subcode, [...n.data]]).toEqual([
            c.expected.code,
            c.expected.subcode,
            [...c.expected.data],
          ]);
          for (let e = await peer.next(5000); e.type !== 'CLOSED'; e = await peer.next(5000)) {
            expect(e.type).not.toBe('UPDATE');
          }
          expect(speaker.state).not.toBe('Established');
        }
        expect(bystander.speaker.state).toBe('Established');
      } finally {
        peer.close();
        await speaker.stop();
      }
    });

    it('the bystander session is still Established and carries routes', async () => {
      expect(bystander.speaker.state).toBe('Established');
      await bystander.peer.sendBytes(
        Uint8Array.from([...new Array(16).fill(0xff), 0, 19, 4]), // KEEPALIVE
      );
      expect(bystander.peer.notifications).toEqual([]);
      expect(bystander.speaker.state).toBe('Established');
    });
  },
);
