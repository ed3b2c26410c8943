// What our Adj-RIB-Out sends with ADD-PATH (RFC 7911) and with IPv6 next hops for IPv4 routes
// (RFC 8950), read back by real daemons: FRR for ADD-PATH (it offers ADD-PATH receive on IPv4
// sessions) and ExaBGP for RFC 8950 (FRR 8.4 offers the extended next hop capability on IPv6
// sessions only, and our test sessions run over 127/8). The daemon is an iBGP neighbour, so next
// hops pass unchanged; the session is a raw peer of the harness driven by our AdjRibOut; what
// the daemon reports having received is the check.
import { AdjRibOut, Rib, routeAttributes } from '@bgp/rib';
import {
  type Capability,
  CapabilityCode,
  findCapability,
  fourOctetAs,
  multiprotocol,
  parseAddress,
  parsePrefix,
} from '@bgp/wire';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocateLoopbackAddress,
  createDaemon,
  type DaemonScope,
  daemonMissing,
  daemonScope,
  RawPeer,
  waitForEstablished,
} from './harness/index.js';
import { waitFor } from './harness/process.js';
import type { PeerConfig } from './harness/types.js';

const AS = 65000;

/** Our RIB with eBGP neighbours `a` and `b`, and an Adj-RIB-Out for the iBGP daemon. */
function ribFor(
  daemon: string,
  us: string,
  extra: { addPath?: boolean; extendedNextHop?: boolean },
) {
  const rib = new Rib({ localAsn: AS, routerId: 0x0aff0001 });
  const a = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 0xc0000201 });
  const b = rib.addPeer({ address: '192.0.2.2', asn: 65002, bgpIdentifier: 0xc0000202 });
  const ibgp = rib.addPeer({ address: daemon, asn: AS, bgpIdentifier: 0x0aff0002 });
  const out = new AdjRibOut(rib, {
    peer: rib.peer(ibgp),
    localAddress: { ipv4: parseAddress(us) },
    fourOctetAs: true,
    families: [1],
    ...(extra.addPath ? { addPathSend: { 1: 'all' as const } } : {}),
    ...(extra.extendedNextHop ? { extendedNextHop: true } : {}),
  });
  rib.subscribe((c) => out.onChanges(c));
  const announce = (peer: number, prefix: string, asns: number[], nextHop: string) =>
    rib.announce(
      peer,
      parsePrefix(prefix),
      routeAttributes({ asPath: [{ type: 2, asns }], nextHop: parseAddress(nextHop) }),
    );
  return { rib, a, b, out, announce };
}

/**
 * Starts a `kind` daemon in our AS with us as its passive neighbour, opens our raw session to it
 * offering multiprotocol IPv4 unicast, 4-octet ASNs and `extra`, and returns the daemon's OPEN.
 */
async function iBgpSession<K extends 'frr' | 'exabgp'>(
  scope: DaemonScope,
  kind: K,
  extra: Capability,
  peerOptions: Partial<PeerConfig> = {},
) {
  const us = allocateLoopbackAddress();
  const daemon = scope.add(
    await createDaemon(kind, {
      routerId: '10.255.0.2',
      asn: AS,
      peers: [{ address: us, port: 179, asn: AS, passive: true, ...peerOptions }],
    }),
  );
  await daemon.start();
  const peer = await RawPeer.connect({ host: daemon.address, port: daemon.port, localAddress: us });
  scope.add({ stop: async () => peer.close() });
  const capabilities = [multiprotocol(1, 1), fourOctetAs(AS), extra];
  const theirs = await peer.handshake({ asn: AS, bgpIdentifier: 0x0aff0001, capabilities });
  return { us, daemon, peer, theirs };
}

const missing = daemonMissing('frr');

interface FrrPath {
  readonly addpathRxId?: number;
  readonly aspath?: { readonly string?: string };
  readonly path?: string;
}

describe.skipIf(missing !== undefined)(
  `ADD-PATH send vs FRR${missing ? ` (${missing})` : ''}`,
  () => {
    const scope = daemonScope();
    afterEach(() => scope.stopAll());

    it('FRR receives every path of a prefix, each with its own path id', async () => {
      const send: Capability = {
        code: CapabilityCode.ADD_PATH,
        name: 'ADD_PATH',
        families: [{ afi: 1, safi: 1, mode: 2 }], // send
      };
      const { us, daemon: frr, peer, theirs } = await iBgpSession(scope, 'frr', send);
      // FRR offers ADD-PATH receive for IPv4 unicast (mode 1 or 3): we may send path ids.
      const addPath = findCapability(theirs.capabilities, 'ADD_PATH');
      const rx = addPath?.families.find((f) => f.afi === 1 && f.safi === 1);
      expect(rx && rx.mode & 1).toBe(1);
      await waitForEstablished(frr, us);

      // Two eBGP neighbours with a path each for 10.1.0.0/24; every path goes to FRR.
      const { rib, a, b, out, announce } = ribFor(frr.address, us, { addPath: true });
      announce(a, '10.1.0.0/24', [65001], '192.0.2.1');
      announce(b, '10.1.0.0/24', [65002, 7], '192.0.2.2');
      rib.flush();
      // Encoded as negotiated: path ids on IPv4 unicast.
      for (const m of out.generate()) await peer.sendBytes(m);

      const show = async (prefix: string): Promise<readonly FrrPath[]> => {
        const r = JSON.parse(await frr.vtysh(`show bgp ipv4 unicast ${prefix} json`)) as {
          paths?: FrrPath[];
        };
        return r.paths ?? [];
      };
      const both = await waitFor(
        async () => {
          const paths = await show('10.1.0.0/24');
          return paths.length === 2 ? paths : undefined;
        },
        { what: 'FRR to hold both paths of 10.1.0.0/24', timeoutMs: 30_000 },
      );
      const asPaths = both.map((p) => p.aspath?.string ?? p.path).sort();
      expect(asPaths).toEqual(['65001', '65002 7']);
      // Two paths from one neighbour can only be told apart by their path ids (FRR leaves a zero
      // id out of its JSON).
      const ids = both.map((p) => p.addpathRxId ?? 0);
      expect(new Set(ids).size).toBe(2);
    });
  },
);

const exabgpMissing = daemonMissing('exabgp');

describe.skipIf(exabgpMissing !== undefined)(
  `RFC 8950 next hops vs ExaBGP${exabgpMissing ? ` (${exabgpMissing})` : ''}`,
  () => {
    const scope = daemonScope();
    afterEach(() => scope.stopAll());

    it('ExaBGP receives an IPv4 route with an IPv6 next hop in MP_REACH_NLRI', async () => {
      const enh: Capability = {
        code: CapabilityCode.EXTENDED_NEXT_HOP,
        name: 'EXTENDED_NEXT_HOP',
        entries: [{ afi: 1, safi: 1, nextHopAfi: 2 }],
      };
      const session = await iBgpSession(scope, 'exabgp', enh, { extendedNextHop: true });
      const { us, daemon: exa, peer, theirs } = session;
      expect(findCapability(theirs.capabilities, 'EXTENDED_NEXT_HOP')?.entries).toContainEqual({
        afi: 1,
        safi: 1,
        nextHopAfi: 2,
      });
      await waitForEstablished(exa, us);

      // One route with an IPv6 next hop, one with an IPv4 next hop (NLRI field as before).
      const { rib, a, b, out, announce } = ribFor(exa.address, us, { extendedNextHop: true });
      announce(a, '10.2.0.0/24', [65001], '2001:db8::1');
      announce(b, '10.3.0.0/24', [65002], '192.0.2.2');
      rib.flush();
      for (const m of out.generate()) await peer.sendBytes(m);
      const routes = await waitFor(
        async () => {
          const r = await exa.receivedRoutes(us);
          return r.length === 2 ? r : undefined;
        },
        { what: 'ExaBGP to report both routes', timeoutMs: 30_000 },
      );
      const byPrefix = new Map(routes.map((r) => [r.prefix, r]));
      expect(byPrefix.get('10.2.0.0/24')?.nextHop).toBe('2001:db8::1');
      expect(byPrefix.get('10.2.0.0/24')?.asPath).toEqual([65001]);
      expect(byPrefix.get('10.3.0.0/24')?.nextHop).toBe('192.0.2.2');
    });
  },
);
