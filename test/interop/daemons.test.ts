// Proves the interop harness without our own speaker: pairs of real daemons peer with each other
// on loopback, exchange routes (configured and injected at runtime), and the harness reads
// state, negotiated hold time, capabilities and routes back from each of them.
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocateLoopbackAddress,
  allocatePort,
  type BgpDaemon,
  createDaemon,
  type DaemonKind,
  daemonMissing,
  daemonScope,
  waitForEstablished,
  waitForRoutes,
} from './harness/index.js';

const scope = daemonScope();
afterEach(() => scope.stopAll());

interface Side {
  readonly kind: DaemonKind;
  readonly holdTime: number;
}

async function pair(a: Side, b: Side, options: { password?: string; bPassword?: string } = {}) {
  const [addrA, addrB] = [allocateLoopbackAddress(), allocateLoopbackAddress()];
  const [portA, portB] = [await allocatePort(addrA), await allocatePort(addrB)];
  const da = scope.add(
    await createDaemon(a.kind, {
      routerId: '10.255.0.1',
      asn: 65101,
      address: addrA,
      port: portA,
      peers: [
        {
          address: addrB,
          port: portB,
          asn: 65102,
          holdTime: a.holdTime,
          password: options.password,
          connectRetry: 2,
        },
      ],
      routes: [{ prefix: '10.101.0.0/24' }, { prefix: '10.101.1.0/24' }],
    }),
  );
  const db = scope.add(
    await createDaemon(b.kind, {
      routerId: '10.255.0.2',
      asn: 65102,
      address: addrB,
      port: portB,
      peers: [
        {
          address: addrA,
          port: portA,
          asn: 65101,
          holdTime: b.holdTime,
          password: options.bPassword ?? options.password,
          connectRetry: 2,
        },
      ],
      routes: [{ prefix: '10.102.0.0/24' }],
    }),
  );
  await Promise.all([da.start(), db.start()]);
  return { da, db, addrA, addrB };
}

/** What both sides must agree on once the session is up. */
async function checkSession(da: BgpDaemon, db: BgpDaemon, addrA: string, addrB: string) {
  const [sa, sb] = await Promise.all([
    waitForEstablished(da, addrB),
    waitForEstablished(db, addrA),
  ]);
  for (const [s, peerAsn, peerId] of [
    [sa, 65102, '10.255.0.2'],
    [sb, 65101, '10.255.0.1'],
  ] as const) {
    expect(s.asn).toBe(peerAsn);
    expect(s.routerId).toBe(peerId);
    expect(s.holdTime).toBe(30);
    expect(s.remoteCapabilities).toEqual(
      expect.arrayContaining(['multiprotocol:ipv4-unicast', 'four-octet-as', 'route-refresh']),
    );
  }
  const atB = await waitForRoutes(db, ['10.101.0.0/24', '10.101.1.0/24'], { from: addrA });
  expect(atB.every((r) => r.asPath[0] === 65101 && r.nextHop === '192.0.2.1')).toBe(true);
  const atA = await waitForRoutes(da, ['10.102.0.0/24'], { from: addrB });
  expect(atA[0]).toMatchObject({ asPath: [65102], nextHop: '192.0.2.2' });

  // Runtime injection and withdrawal, both directions.
  await da.announce({ prefix: '10.101.7.0/24', nextHop: '192.0.2.77' });
  const injected = await waitForRoutes(db, ['10.101.0.0/24', '10.101.1.0/24', '10.101.7.0/24'], {
    from: addrA,
  });
  expect(injected.find((r) => r.prefix === '10.101.7.0/24')?.nextHop).toBe('192.0.2.77');
  await da.withdraw('10.101.0.0/24');
  await waitForRoutes(db, ['10.101.1.0/24', '10.101.7.0/24'], { from: addrA });
  await db.withdraw('10.102.0.0/24');
  await waitForRoutes(da, [], { from: addrB });
}

const PAIRS: ReadonlyArray<readonly [DaemonKind, DaemonKind]> = [
  ['gobgp', 'bird'],
  ['bird', 'frr'],
  ['frr', 'gobgp'],
  ['exabgp', 'gobgp'],
  ['gobgp', 'exabgp'],
];

for (const [ka, kb] of PAIRS) {
  const missing = daemonMissing(ka) ?? daemonMissing(kb);
  describe.skipIf(missing !== undefined)(
    missing ? `${ka} <-> ${kb}: skipped, ${missing}` : `${ka} <-> ${kb}`,
    () => {
      it('establish, agree on hold time and capabilities, exchange and withdraw routes', async () => {
        const { da, db, addrA, addrB } = await pair(
          { kind: ka, holdTime: 30 },
          { kind: kb, holdTime: 60 },
        );
        try {
          await checkSession(da, db, addrA, addrB);
        } catch (err) {
          throw new Error(
            `${(err as Error).message}\n--- ${ka} log ---\n${da.log().slice(-2500)}\n--- ${kb} log ---\n${db.log().slice(-2500)}`,
          );
        }
      }, 90_000);
    },
  );
}

describe.skipIf(daemonMissing('bird') !== undefined || daemonMissing('frr') !== undefined)(
  'TCP-MD5 between bird and frr',
  () => {
    it('the same password establishes', async () => {
      const { da, db, addrA, addrB } = await pair(
        { kind: 'bird', holdTime: 30 },
        { kind: 'frr', holdTime: 30 },
        { password: 'interop-md5' },
      );
      await Promise.all([waitForEstablished(da, addrB), waitForEstablished(db, addrA)]);
    }, 60_000);

    it('different passwords never establish', async () => {
      const { da, db, addrA, addrB } = await pair(
        { kind: 'bird', holdTime: 30 },
        { kind: 'frr', holdTime: 30 },
        { password: 'interop-md5', bPassword: 'other-md5' },
      );
      // Both sides retry every 2 s: 5 s covers at least two attempts from each side.
      const until = Date.now() + 5000;
      while (Date.now() < until) {
        const [a, b] = await Promise.all([da.peer(addrB), db.peer(addrA)]);
        expect(a?.state).not.toBe('Established');
        expect(b?.state).not.toBe('Established');
        await new Promise((r) => setTimeout(r, 500));
      }
      const [a, b] = await Promise.all([da.peer(addrB), db.peer(addrA)]);
      expect(a?.state).not.toBe('Established');
      expect(b?.state).not.toBe('Established');
    }, 60_000);
  },
);
