import { readFileSync } from 'node:fs';
import { formatPrefix, parseAddress, parsePrefix, readMrtRecords } from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { dumpLocRibMrt, loadMrt } from '../src/mrt.js';
import { Rib } from '../src/rib.js';
import { asSequence, routeAttributes } from '../src/route-attributes.js';

const CORPUS = '/work/shared/corpus/mrtparse';

function table(rib: Rib): string[] {
  return [1, 2]
    .flatMap((afi) => [...rib.locRib(afi)])
    .map(
      ({ prefix, best }) =>
        `${formatPrefix(prefix)} ${best.peer.address.join('.')} ${Buffer.from(best.attributes.key).toString('hex')}`,
    )
    .sort();
}

describe('MRT TABLE_DUMP_V2 dump and load', () => {
  it('a dumped Loc-RIB loads back into the same best paths', () => {
    const rib = new Rib({ localAsn: 65000, routerId: 0x0a000001 });
    const a = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 1 });
    const b = rib.addPeer({ address: '2001:db8::2', asn: 4_200_000_000, bgpIdentifier: 2 });
    for (let i = 0; i < 300; i++) {
      const p = parsePrefix(`10.${i >> 8}.${i & 255}.0/24`);
      rib.announce(
        a,
        p,
        routeAttributes({
          asPath: asSequence(65001, i),
          med: i % 3,
          communities: [i],
          nextHop: parseAddress('192.0.2.1'),
        }),
      );
      if (i % 2)
        rib.announce(
          b,
          p,
          routeAttributes({
            asPath: asSequence(4_200_000_000),
            nextHop: parseAddress('192.0.2.2'),
          }),
        );
    }
    rib.announce(
      b,
      parsePrefix('2001:db8:5::/48'),
      routeAttributes({
        asPath: asSequence(4_200_000_000, 7),
        largeCommunities: [[1, 2, 3]],
        nextHop: parseAddress('2001:db8::2'),
      }),
    );
    rib.announce(
      0,
      parsePrefix('198.51.100.0/24'),
      routeAttributes({ localPref: 300, nextHop: parseAddress('0.0.0.0') }),
    );
    rib.flush();
    const bytes = dumpLocRibMrt(rib, { timestamp: 1_700_000_000 });
    const copy = new Rib({ localAsn: 65000, routerId: 0x0a000001 });
    const r = loadMrt(copy, bytes);
    expect(r.routes).toBe(302);
    expect(table(copy)).toEqual(table(rib));
    expect(copy.best(parsePrefix('198.51.100.0/24'))?.peer.kind).toBe('local');
  });

  for (const file of ['bird-mrtdump_rib', 'bird6-mrtdump_rib', 'openbgpd_rib_table-v2']) {
    it(`loads ${file} from the corpus (every unicast entry becomes a path)`, () => {
      const bytes = new Uint8Array(readFileSync(`${CORPUS}/${file}`));
      let want = 0;
      const keys = new Set<string>();
      let peers: string[] = [];
      for (const rec of readMrtRecords(bytes)) {
        if (rec.kind === 'PEER_INDEX_TABLE')
          peers = rec.peers.map((p) => `${p.address.join('.')}|${p.asn}|${p.bgpId}`);
        if (rec.kind === 'RIB' && rec.safi === 1 && rec.prefix) {
          for (const e of rec.entries) {
            // One path per (peer, prefix, path id); a repeated one replaces the earlier.
            keys.add(`${peers[e.peerIndex]}|${formatPrefix(rec.prefix)}|${e.pathId ?? 0}`);
            want++;
          }
        }
      }
      expect(want).toBeGreaterThan(0);
      const rib = new Rib({ localAsn: 64999, routerId: 1 });
      const r = loadMrt(rib, bytes);
      expect(r.routes).toBe(want);
      expect(rib.pathCount).toBe(keys.size);
      expect(rib.prefixCount(1) + rib.prefixCount(2)).toBeGreaterThan(0);
    });
  }
});
