// Graceful restart (RFC 4724) between our @bgp/fsm Session and gobgpd, both roles:
// - we restart gracefully: gobgpd keeps our routes (stale) the whole time, takes our
//   End-of-RIB, and sweeps the route we did not re-advertise;
// - gobgpd restarts: we keep its routes as stale, then sweep what it did not re-advertise at its
//   End-of-RIB.
import type { SessionDownEvent } from '@bgp/fsm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocateLoopbackAddress,
  allocatePort,
  createDaemon,
  daemonMissing,
  daemonScope,
  type GobgpDaemon,
  OurSpeaker,
  waitFor,
  waitForEstablished,
  waitForRoutes,
} from './harness/index.js';

const scope = daemonScope();
afterEach(() => scope.stopAll());
const missing = daemonMissing('gobgp');

async function setup(): Promise<{
  gobgp: GobgpDaemon;
  make: (restarting: boolean) => Promise<OurSpeaker>;
  ourAddress: string;
}> {
  const ourAddress = allocateLoopbackAddress();
  const ourPort = await allocatePort(ourAddress);
  const gobgp = scope.add(
    await createDaemon('gobgp', {
      routerId: '10.0.30.1',
      asn: 65030,
      peers: [
        {
          address: ourAddress,
          port: ourPort,
          asn: 65031,
          holdTime: 30,
          connectRetry: 1,
          gracefulRestart: { restartTime: 60 },
        },
      ],
      routes: [{ prefix: '10.30.0.0/24' }, { prefix: '10.30.1.0/24' }],
    }),
  );
  const make = async (restarting: boolean): Promise<OurSpeaker> =>
    scope.add(
      await OurSpeaker.create({
        address: ourAddress,
        port: ourPort,
        asn: 65031,
        routerId: '10.0.31.1',
        mode: 'both',
        holdTime: 30,
        connectRetryTime: 1,
        gracefulRestart: { restartTime: 60, restarting, forwardingFamilies: [{ afi: 1, safi: 1 }] },
        peer: { address: gobgp.address, port: gobgp.port, asn: 65030 },
      }),
    );
  return { gobgp, make, ourAddress };
}

/** Polls `check` every 100 ms until `done` resolves; fails on the first violation. */
async function holdsThroughout(check: () => Promise<string | undefined>, done: Promise<unknown>) {
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let polls = 0;
  while (!finished) {
    const violation = await check();
    if (violation) throw new Error(`after ${polls} polls: ${violation}`);
    polls++;
    await new Promise((r) => setTimeout(r, 100));
  }
  await done;
  return polls;
}

describe.skipIf(missing !== undefined)(
  missing ? `graceful restart with gobgp: skipped, ${missing}` : 'graceful restart with gobgp',
  () => {
    it('we restart gracefully: gobgpd keeps our routes throughout and takes our End-of-RIB', async () => {
      const { gobgp, make, ourAddress } = await setup();
      await gobgp.start();
      const first = await make(false);
      await first.start();
      await first.waitForState('Established');
      expect(first.session.negotiated?.peerGracefulRestart?.restartTime).toBe(60);
      expect(first.announce(['10.31.0.0/24', '10.31.1.0/24'])).toBe(true);
      expect(first.session.sendEndOfRib(1, 1)).toBe(true);
      await waitForRoutes(gobgp, ['10.31.0.0/24', '10.31.1.0/24'], { from: ourAddress });

      // Graceful stop: TCP closes without a NOTIFICATION.
      first.session.stop({ graceful: true });
      expect(first.eventsNamed('notification:sent')).toEqual([]);
      await first.stop();
      await waitFor(async () => (await gobgp.receivedRoutes(ourAddress)).every((r) => r.stale), {
        what: 'gobgpd to mark our routes stale',
      });

      const restarted = (async () => {
        await new Promise((r) => setTimeout(r, 1500)); // "restart" time of our process
        const second = await make(true);
        await second.start();
        await second.waitForState('Established');
        // Re-advertise only one of the two routes, then End-of-RIB: the other must be swept.
        expect(second.announce(['10.31.0.0/24'])).toBe(true);
        expect(second.session.sendEndOfRib(1, 1)).toBe(true);
        await waitForRoutes(gobgp, ['10.31.0.0/24'], { from: ourAddress });
        return second;
      })();
      // Throughout: 10.31.0.0/24 never disappears from gobgpd.
      const polls = await holdsThroughout(async () => {
        const have = (await gobgp.receivedRoutes(ourAddress)).map((r) => r.prefix);
        return have.includes('10.31.0.0/24') ? undefined : `gobgpd lost 10.31.0.0/24 (has ${have})`;
      }, restarted);
      expect(polls).toBeGreaterThan(5);
      const fresh = await gobgp.receivedRoutes(ourAddress);
      expect(fresh.map((r) => [r.prefix, r.stale])).toEqual([['10.31.0.0/24', false]]);
      const status = await waitForEstablished(gobgp, ourAddress);
      expect(status.state).toBe('Established');
      expect(gobgp.log()).toMatch(
        new RegExp(`EOR received.*Key=${ourAddress.replaceAll('.', '\\.')}`),
      );
    }, 90_000);

    it('gobgpd restarts: we keep its routes as stale, then sweep at its End-of-RIB', async () => {
      const { gobgp, make } = await setup();
      await gobgp.start();
      const us = await make(false);
      await us.start();
      await us.waitForState('Established');
      us.session.sendEndOfRib(1, 1);
      await waitFor(() => us.routes.size === 2, { what: 'both gobgp routes at our side' });

      await gobgp.kill(); // no NOTIFICATION: a crash / graceful restart of the peer
      const down = await us.waitForEvent<SessionDownEvent>('session:down');
      expect(down.retainRoutes).toBe(true);
      await us.waitForEvent('peer:gr-start');
      expect([...us.routes.values()].every((r) => r.stale)).toBe(true);

      // It comes back with the R bit and only one of its two routes.
      await gobgp.withdraw('10.30.1.0/24').catch(() => {}); // the daemon is down: only our record changes
      const back = (async () => {
        await gobgp.start({ restarting: true });
        await waitFor(() => us.eventsNamed('established').length === 2, {
          what: 'the session to come back',
        });
        us.session.sendEndOfRib(1, 1);
        await waitFor(() => us.eventsNamed('eor:received').length >= 2, {
          what: "gobgpd's End-of-RIB after its restart",
        });
      })();
      const polls = await holdsThroughout(async () => {
        return us.routes.has('10.30.0.0/24')
          ? undefined
          : 'we lost 10.30.0.0/24 during the restart';
      }, back);
      expect(polls).toBeGreaterThan(3);
      await waitFor(() => us.routes.size === 1, { what: 'the stale 10.30.1.0/24 to be swept' });
      expect([...us.routes.values()]).toEqual([
        expect.objectContaining({ prefix: '10.30.0.0/24', stale: false, asPath: [65030] }),
      ]);
      expect(us.eventsNamed('peer:gr-flush')).toEqual([]);
    }, 90_000);
  },
);
