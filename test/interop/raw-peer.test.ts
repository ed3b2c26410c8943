// The raw BGP client of the harness against each real daemon: a full handshake, an UPDATE the
// daemon then shows in its table, and an OPEN with the wrong AS that the daemon answers with
// NOTIFICATION 2/2 (Bad Peer AS).
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocateLoopbackAddress,
  createDaemon,
  type DaemonKind,
  daemonMissing,
  daemonScope,
  RawPeer,
  simpleUpdate,
  waitFor,
  waitForEstablished,
  waitForRoutes,
} from './harness/index.js';

const scope = daemonScope();
afterEach(() => scope.stopAll());

const KINDS: readonly DaemonKind[] = ['gobgp', 'bird', 'frr', 'exabgp'];

for (const kind of KINDS) {
  const missing = daemonMissing(kind);
  describe.skipIf(missing !== undefined)(
    missing ? `raw peer: skipped, ${missing}` : `raw peer <-> ${kind}`,
    () => {
      it('handshakes, announces a route the daemon shows, and gets 2/2 for a wrong AS', async () => {
        const me = allocateLoopbackAddress();
        const daemon = scope.add(
          await createDaemon(kind, {
            routerId: '10.254.0.1',
            asn: 65201,
            peers: [{ address: me, port: 1, asn: 65202, passive: true, holdTime: 45 }],
          }),
        );
        await daemon.start();
        const peer = scope.add({
          p: await RawPeer.connect({ host: daemon.address, port: daemon.port, localAddress: me }),
          async stop() {
            this.p.close();
          },
        }).p;
        const theirs = await peer.handshake({
          asn: 65202,
          bgpIdentifier: 0x0afe0002,
          holdTime: 30,
        });
        expect(theirs.holdTime).toBe(45);
        expect(theirs.bgpIdentifier).toBe(0x0afe0001);
        const status = await waitForEstablished(daemon, me);
        expect(status.holdTime).toBe(30);
        await peer.send(
          simpleUpdate({
            announce: ['10.201.0.0/24', '10.201.1.0/24'],
            asPath: [65202],
            nextHop: '192.0.2.50',
          }),
        );
        const routes = await waitForRoutes(daemon, ['10.201.0.0/24', '10.201.1.0/24'], {
          from: me,
        });
        expect(routes[0]).toMatchObject({ asPath: [65202], nextHop: '192.0.2.50' });
        await peer.send(simpleUpdate({ withdraw: ['10.201.0.0/24'] }));
        await waitForRoutes(daemon, ['10.201.1.0/24'], { from: me });
        peer.close();

        // A second connection claiming another AS: the daemon must refuse the OPEN with 2/2.
        // GoBGP closes connections that arrive during its idle hold time after a session went
        // down (1 s here), without a NOTIFICATION: retry until one is answered.
        await waitFor(async () => (await daemon.peer(me))?.state !== 'Established', {
          what: 'the first session to go down',
        });
        const n = await waitFor(
          async () => {
            const liar = await RawPeer.connect({
              host: daemon.address,
              port: daemon.port,
              localAddress: me,
            });
            scope.add({ stop: async () => liar.close() });
            await expect(
              liar.handshake({ asn: 65299, bgpIdentifier: 0x0afe0003, holdTime: 30 }),
            ).rejects.toThrow(/connection closed/);
            return liar.notifications[0];
          },
          { what: 'a NOTIFICATION answering the wrong AS', intervalMs: 500, timeoutMs: 15_000 },
        );
        expect(n, 'a NOTIFICATION for the wrong AS').toBeDefined();
        expect([n?.code, n?.subcode]).toEqual([2, 2]);
      }, 60_000);
    },
  );
}
