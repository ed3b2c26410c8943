// Cross-check of the @bgp/rib decision process against GoBGP: the same routes, sent from three
// peers to gobgpd and fed to our Rib, must give the same best path for every prefix.
import { asSequence, packAnnouncements, Rib, routeAttributes } from '@bgp/rib';
import { parseAddress, parsePrefix } from '@bgp/wire';
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

const missing = daemonMissing('gobgp');
const LOCAL_AS = 65000;
const PREFIXES = 150;

interface Source {
  readonly address: string;
  readonly asn: number;
  readonly bgpIdentifier: number;
}

describe.skipIf(missing !== undefined)(
  `RIB best path vs gobgpd${missing ? ` (${missing})` : ''}`,
  () => {
    const scope = daemonScope();
    afterEach(() => scope.stopAll());

    it('selects the same best path per prefix as gobgpd for routes from three peers', async () => {
      // Every path starts with AS 65001, so MED is compared between all of them (as both
      // implementations agree it should be) and no MED cycle can make the answer order dependent.
      // GoBGP prefers the older of two eBGP paths (RFC 5004) before comparing router ids, a step
      // RFC 4271 does not have: a first run with the reverse order disagreed on exactly those
      // prefixes. So the peers send in router-id order, and the oldest eBGP path is also the one
      // with the lowest router id.
      const sources: Source[] = [
        { address: allocateLoopbackAddress(), asn: 65001, bgpIdentifier: 0x0a000001 },
        { address: allocateLoopbackAddress(), asn: 65001, bgpIdentifier: 0x0a000002 },
        { address: allocateLoopbackAddress(), asn: LOCAL_AS, bgpIdentifier: 0x0a000003 },
      ];
      const listeners = await Promise.all(sources.map((s) => RawPeer.listen({ host: s.address })));
      scope.add({
        stop: async () => {
          for (const l of listeners) l.close();
        },
      });
      const gobgp = scope.add(
        await createDaemon('gobgp', {
          routerId: '10.255.0.1',
          asn: LOCAL_AS,
          peers: sources.map((s, i) => ({
            address: s.address,
            port: listeners[i]!.port,
            asn: s.asn,
            connectRetry: 1,
          })),
        }),
      );
      await gobgp.start();
      const peers = await Promise.all(listeners.map((l) => l.accept(30_000)));
      await Promise.all(
        peers.map((p, i) =>
          p.handshake({ asn: sources[i]!.asn, bgpIdentifier: sources[i]!.bgpIdentifier }),
        ),
      );
      for (const s of sources) await waitForEstablished(gobgp, s.address);

      const rib = new Rib({ localAsn: LOCAL_AS, routerId: 0x0aff0001 });
      const ids = sources.map((s) => rib.addPeer(s));
      let seed = 7;
      const rnd = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 8) % n;
      };
      let total = 0;
      for (let i = 0; i < sources.length; i++) {
        const s = sources[i]!;
        const ibgp = s.asn === LOCAL_AS;
        for (let k = 0; k < PREFIXES; k++) {
          if (rnd(4) === 0) continue; // not every peer has every prefix
          const path = [65001, ...Array.from({ length: rnd(3) }, () => 100 + rnd(50))];
          const attrs = routeAttributes({
            origin: rnd(3) as 0 | 1 | 2,
            asPath: asSequence(...path),
            nextHop: parseAddress(`192.0.2.${10 + i}`),
            ...(rnd(2) === 0 ? { med: rnd(4) } : {}),
            ...(ibgp ? { localPref: rnd(3) === 0 ? 200 : 100 } : {}),
          });
          const prefix = parsePrefix(`10.${k >> 8}.${k & 255}.0/24`);
          const msgs = packAnnouncements(1, attrs, [{ prefix, pathId: 0 }], {
            extendedMessage: false,
            fourOctetAs: peers[i]!.ctx.fourOctetAs,
            addPathSend: new Set(),
          });
          for (const m of msgs) await peers[i]!.sendBytes(m);
          rib.announce(ids[i]!, prefix, attrs);
          total++;
        }
      }
      rib.flush();

      type Path = { best?: boolean; 'neighbor-ip'?: string };
      const gobgpRib = await waitFor(
        async () => {
          const r = JSON.parse(await gobgp.cli('global', 'rib', '-a', 'ipv4', '-j')) as Record<
            string,
            Path[]
          >;
          const n = Object.values(r).reduce((a, ps) => a + ps.length, 0);
          return n === total ? r : undefined;
        },
        { what: `gobgpd to hold ${total} paths`, timeoutMs: 30_000 },
      );
      let compared = 0;
      const disagreements: string[] = [];
      for (const [prefix, paths] of Object.entries(gobgpRib)) {
        const theirs = paths.find((p) => p.best)?.['neighbor-ip'];
        const ours = rib.best(parsePrefix(prefix));
        const oursAddr = ours ? sources[ours.peer.id - 1]!.address : undefined;
        compared++;
        if (theirs !== oursAddr) {
          const why = rib
            .explain(parsePrefix(prefix))
            .candidates.map((c) => `${c.route.peer.name}:${c.lostAt ?? 'best'}`);
          disagreements.push(`${prefix}: gobgp ${theirs}, ours ${oursAddr} (${why.join(' ')})`);
        }
      }
      expect(compared).toBeGreaterThan(PREFIXES * 0.9);
      expect(disagreements).toEqual([]);
      for (const p of peers) p.socket.destroy();
    }, 120_000);
  },
);
