/**
 * Dumping the Loc-RIB as an MRT TABLE_DUMP_V2 file and loading one (RFC 6396 §4.3, RFC 8050).
 *
 * A dump is a PEER_INDEX_TABLE naming every peer, then one RIB_IPV4_UNICAST or RIB_IPV6_UNICAST
 * record per prefix holding its best path (the Loc-RIB). Entry attributes are bare path
 * attributes with 4-octet ASNs; for IPv6 the next hop travels in the abbreviated MP_REACH_NLRI
 * of §4.3.4 (next-hop length and next hop only). Loading registers the file's peers and
 * announces every entry of a unicast RIB record (ADD-PATH subtypes keep their path ids), through
 * the same path as learned routes. An entry without a next hop gets the unspecified address.
 *
 * @module
 */
import {
  AttributeFlag,
  AttributeType,
  decodeRibEntryAttributes,
  encodeMrtRecord,
  type MrtPeer,
  readMrtRecords,
  Writer,
} from '@bgp/wire';
import { writeRouteAttributes } from './attribute-codec.js';
import type { Rib } from './rib.js';
import { routeAttributesFrom } from './wire-adapter.js';

/** Options of {@link dumpLocRibMrt}. */
export interface MrtDumpOptions {
  /** Record timestamps, seconds since the epoch (default: now). */
  readonly timestamp?: number;
  /** View name in the PEER_INDEX_TABLE (default empty). */
  readonly viewName?: string;
}

/** Writes the Loc-RIB (best paths of IPv4 and IPv6 unicast) as one TABLE_DUMP_V2 byte stream. */
export function dumpLocRibMrt(rib: Rib, options: MrtDumpOptions = {}): Uint8Array {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const peers = rib.allPeers();
  const index = new Map(peers.map((p, i) => [p.id, i]));
  const out = new Writer(1 << 16);
  const mrtPeers: MrtPeer[] = peers.map((p) => ({
    bgpId: p.bgpIdentifier,
    address: p.address,
    asn: p.asn,
    as4: true,
  }));
  encodeMrtRecord(
    {
      kind: 'PEER_INDEX_TABLE',
      timestamp,
      collectorBgpId: rib.options.routerId >>> 0,
      viewName: options.viewName ?? '',
      peers: mrtPeers,
    },
    out,
  );
  const attrW = new Writer(256);
  let sequence = 0;
  for (const afi of [1, 2] as const) {
    for (const { prefix, best } of rib.locRib(afi)) {
      attrW.length = 0;
      const a = best.attributes.attributes;
      writeRouteAttributes(
        a,
        { fourOctetAs: true, nextHop: afi === 1 ? 'attribute' : 'omit' },
        attrW,
      );
      if (afi === 2) {
        // RFC 6396 §4.3.4: only the next-hop length and the next hop.
        attrW
          .u8(AttributeFlag.OPTIONAL)
          .u8(AttributeType.MP_REACH_NLRI)
          .u8(1 + a.nextHop.length);
        attrW.u8(a.nextHop.length).bytes(a.nextHop);
      }
      encodeMrtRecord(
        {
          kind: 'RIB',
          timestamp,
          afi,
          safi: 1,
          addPath: false,
          sequence: sequence++,
          prefix,
          entries: [
            {
              peerIndex: index.get(best.peer.id)!,
              originatedTime: timestamp,
              attributes: attrW.finish(),
            },
          ],
        },
        out,
      );
    }
  }
  return out.finish();
}

/** What {@link loadMrt} did. */
export interface MrtLoadResult {
  /** RIB peer id per PEER_INDEX_TABLE index (of the last table read). */
  readonly peers: readonly number[];
  /** Routes announced. */
  readonly routes: number;
  /** RIB records skipped (not IPv4/IPv6 unicast). */
  readonly skipped: number;
}

/**
 * Loads a TABLE_DUMP_V2 stream: registers its peers (reusing a registered peer with the same
 * address, AS and BGP Identifier; the local pseudo-peer when the address is all zeros and the AS
 * is ours, as in our own dumps) and announces every unicast entry.
 */
export function loadMrt(rib: Rib, bytes: Uint8Array): MrtLoadResult {
  let peers: number[] = [];
  let routes = 0;
  let skipped = 0;
  const local = rib.peer(0);
  const known = new Map<string, number>();
  for (const p of rib.allPeers()) {
    if (p.id !== 0) known.set(`${p.address.join('.')}|${p.asn}|${p.bgpIdentifier}`, p.id);
  }
  for (const rec of readMrtRecords(bytes)) {
    if (rec.kind === 'ERROR') throw rec.error;
    if (rec.kind === 'PEER_INDEX_TABLE') {
      peers = rec.peers.map((p) => {
        if (p.asn === local.asn && p.address.every((b) => b === 0)) return 0;
        // A file may hold several dumps of the same peers: reuse a peer seen before.
        const key = `${p.address.join('.')}|${p.asn}|${p.bgpId}`;
        let id = known.get(key);
        if (id === undefined) {
          id = rib.addPeer({
            address: p.address,
            asn: p.asn,
            bgpIdentifier: p.bgpId,
            addPathReceive: [1, 2],
          });
          known.set(key, id);
        }
        return id;
      });
      continue;
    }
    if (rec.kind !== 'RIB') continue;
    if (rec.safi !== 1 || (rec.afi !== 1 && rec.afi !== 2) || rec.prefix === undefined) {
      skipped++;
      continue;
    }
    for (const e of rec.entries) {
      const peer = peers[e.peerIndex];
      if (peer === undefined) continue;
      const { attributes } = decodeRibEntryAttributes(e);
      let nextHop: Uint8Array | undefined;
      for (const a of attributes) {
        if (a.raw) continue;
        if (a.typeCode === AttributeType.MP_REACH_NLRI) {
          const v = a.value;
          nextHop = v.nextHop;
          if (v.linkLocalNextHop) {
            nextHop = new Uint8Array(32);
            nextHop.set(v.nextHop, 0);
            nextHop.set(v.linkLocalNextHop, 16);
          }
        } else if (a.typeCode === AttributeType.NEXT_HOP && rec.afi === 1) nextHop ??= a.value;
      }
      // Some writers (BIRD's IPv6 dumps) leave the next hop out: load it as unspecified (zeros).
      nextHop ??= new Uint8Array(rec.afi === 1 ? 4 : 16);
      const attrs = routeAttributesFrom(attributes, nextHop, {
        fourOctetAs: true,
        peerKind: rib.peer(peer).kind,
      });
      rib.announce(peer, rec.prefix, attrs, e.pathId ?? 0);
      routes++;
    }
  }
  return { peers, routes, skipped };
}
