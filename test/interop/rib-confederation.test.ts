// BGP confederations (RFC 5065) with FRR: our Rib is member AS 65001 of confederation 100, FRR
// (bgpd) is member AS 65002, and a raw peer in AS 300 sits outside the confederation behind FRR.
// What our export rules send to FRR must be understood by FRR as a confederation path, and what
// FRR sends us must come out of our export rules the way FRR itself sends it outside.
import { AdjRibOut, exportRoute, ingestUpdate, Rib, routeAttributes } from '@bgp/rib';
import {
  type AsPathSegment,
  AsPathSegmentType,
  encodeMessage,
  formatPrefix,
  parseAddress,
  parsePrefix,
  type UpdateMessage,
} from '@bgp/wire';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allocateLoopbackAddress,
  createDaemon,
  daemonMissing,
  daemonScope,
  RawPeer,
  waitForEstablished,
} from './harness/index.js';
import { waitFor } from './harness/process.js';

const missing = daemonMissing('frr');
const CONFED_ID = 100;
const OUR_MEMBER_AS = 65001;
const FRR_MEMBER_AS = 65002;
const OUTSIDE_AS = 300;
const { AS_SEQUENCE: SEQ, AS_CONFED_SEQUENCE: CSEQ } = AsPathSegmentType;

/** The next UPDATE that announces `prefix`, with its AS_PATH (other messages skipped). */
async function nextAnnouncement(
  peer: RawPeer,
  prefix: string,
): Promise<{ update: UpdateMessage; asPath: readonly AsPathSegment[] }> {
  for (;;) {
    const update = await peer.expect('UPDATE', 30_000);
    if (!update.nlri.some((n) => formatPrefix(n.prefix) === prefix)) continue;
    const a = update.attributes.find((x) => x.typeCode === 2);
    if (a === undefined || a.raw) throw new Error('UPDATE without a decoded AS_PATH');
    return { update, asPath: a.value as readonly AsPathSegment[] };
  }
}

describe.skipIf(missing !== undefined)(
  `confederation export rules vs FRR${missing ? ` (${missing})` : ''}`,
  () => {
    const scope = daemonScope();
    afterEach(() => scope.stopAll());

    it('FRR reads our AS_CONFED_SEQUENCE, and we strip and prepend as FRR does', async () => {
      const us = allocateLoopbackAddress();
      const outside = allocateLoopbackAddress();
      const frr = scope.add(
        await createDaemon('frr', {
          routerId: '10.255.0.2',
          asn: FRR_MEMBER_AS,
          // Passive: no session may come up before the confederation is configured below.
          peers: [
            { address: us, port: 179, asn: OUR_MEMBER_AS, passive: true },
            { address: outside, port: 179, asn: OUTSIDE_AS, passive: true },
          ],
        }),
      );
      await frr.start();
      await frr.vtysh(
        'configure terminal',
        `router bgp ${FRR_MEMBER_AS}`,
        `bgp confederation identifier ${CONFED_ID}`,
        `bgp confederation peers ${OUR_MEMBER_AS}`,
      );

      const toFrr = await RawPeer.connect({ host: frr.address, port: frr.port, localAddress: us });
      const toOutside = await RawPeer.connect({
        host: frr.address,
        port: frr.port,
        localAddress: outside,
      });
      scope.add({
        stop: async () => {
          toFrr.close();
          toOutside.close();
        },
      });
      // RFC 5065 §4: the member AS inside the confederation, the identifier outside it.
      const openToUs = await toFrr.handshake({ asn: OUR_MEMBER_AS, bgpIdentifier: 0x0aff0001 });
      const openToOutside = await toOutside.handshake({
        asn: OUTSIDE_AS,
        bgpIdentifier: 0x0aff0003,
      });
      expect(openToUs.myAutonomousSystem).toBe(FRR_MEMBER_AS);
      expect(openToOutside.myAutonomousSystem).toBe(CONFED_ID);
      await waitForEstablished(frr, us);
      await waitForEstablished(frr, outside);

      // Our side: member AS 65001, FRR a confederation eBGP peer, AS 200 a peer of ours outside.
      const rib = new Rib({
        localAsn: OUR_MEMBER_AS,
        routerId: 0x0aff0001,
        confederation: { identifier: CONFED_ID, members: [OUR_MEMBER_AS, FRR_MEMBER_AS] },
      });
      const frrPeer = rib.addPeer({ address: frr.address, asn: FRR_MEMBER_AS, bgpIdentifier: 2 });
      const ext = rib.addPeer({ address: '192.0.2.200', asn: 200, bgpIdentifier: 0xc00002c8 });
      expect(rib.peer(frrPeer).kind).toBe('confed-ebgp');

      // 1. A route from our external peer, exported to FRR by the unchanged Adj-RIB-Out.
      const out = new AdjRibOut(rib, {
        peer: rib.peer(frrPeer),
        localAddress: { ipv4: parseAddress(us) },
        fourOctetAs: toFrr.ctx.fourOctetAs,
        families: [1],
      });
      rib.subscribe((c) => out.onChanges(c));
      const P1 = parsePrefix('10.1.0.0/24');
      rib.announce(
        ext,
        P1,
        routeAttributes({
          asPath: [{ type: SEQ, asns: [200, 7] }],
          nextHop: parseAddress('192.0.2.200'),
          med: 42,
          localPref: 250,
        }),
      );
      rib.flush();
      for (const m of out.generate()) await toFrr.sendBytes(m);

      type FrrPath = {
        path?: string;
        aspath?: { string?: string; segments?: Array<{ type: string; list: number[] }> };
        locPrf?: number;
        localpref?: number;
        metric?: number;
        med?: number;
        valid?: boolean;
      };
      const frrView = await waitFor(
        async () => {
          const r = JSON.parse(await frr.vtysh('show bgp ipv4 unicast 10.1.0.0/24 json')) as {
            paths?: FrrPath[];
          };
          return r.paths?.[0];
        },
        { what: 'FRR to hold 10.1.0.0/24', timeoutMs: 30_000 },
      );
      // FRR prints confederation segments in parentheses.
      expect(frrView.aspath?.string).toBe('(65001) 200 7');
      expect(frrView.localpref ?? frrView.locPrf).toBe(250);
      expect(frrView.med ?? frrView.metric).toBe(42);
      // FRR sends it outside with the confederation segments gone and the identifier first.
      const fromFrrOutside = await nextAnnouncement(toOutside, '10.1.0.0/24');
      expect(fromFrrOutside.asPath).toEqual([{ type: SEQ, asns: [CONFED_ID, 200, 7] }]);
      // Our own export of the same route to an outside peer agrees with FRR.
      const ours = exportRoute(
        rib.best(P1)!,
        1,
        {
          peer: rib.peer(rib.addPeer({ address: outside, asn: OUTSIDE_AS, bgpIdentifier: 3 })),
          localAddress: { ipv4: parseAddress(us) },
        },
        { localAsn: OUR_MEMBER_AS, clusterId: 1 },
      );
      expect(ours.send && ours.attributes.asPath).toEqual(fromFrrOutside.asPath);

      // 2. A route FRR originates: it reaches us in an AS_CONFED_SEQUENCE with LOCAL_PREF.
      await frr.announce({ prefix: '10.2.0.0/24' });
      const fromFrr = await nextAnnouncement(toFrr, '10.2.0.0/24');
      expect(fromFrr.asPath).toEqual([{ type: CSEQ, asns: [FRR_MEMBER_AS] }]);
      const body = encodeMessage(fromFrr.update, toFrr.ctx).subarray(19);
      ingestUpdate(rib, frrPeer, body, toFrr.ctx);
      const P2 = parsePrefix('10.2.0.0/24');
      const learned = rib.best(P2);
      expect(learned?.peer.id).toBe(frrPeer);
      expect(learned?.attributes.attributes.localPref).toBe(100);
      // What FRR sends outside for its own route is what our rules make of the route it sent us.
      const frrOwnOutside = await nextAnnouncement(toOutside, '10.2.0.0/24');
      expect(frrOwnOutside.asPath).toEqual([{ type: SEQ, asns: [CONFED_ID] }]);
      const ext2 = rib.addPeer({ address: '192.0.2.99', asn: 64999, bgpIdentifier: 99 });
      const oursOut = exportRoute(
        learned!,
        1,
        { peer: rib.peer(ext2), localAddress: { ipv4: parseAddress(us) } },
        { localAsn: OUR_MEMBER_AS, clusterId: 1 },
      );
      expect(oursOut.send && oursOut.attributes.asPath).toEqual(frrOwnOutside.asPath);
      expect(oursOut.send && oursOut.attributes.localPref).toBeUndefined();
    }, 90_000);
  },
);
