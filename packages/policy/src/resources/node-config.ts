/**
 * CiliumBGPNodeConfig: the per-node object Cilium's operator generates from a ClusterConfig and
 * the node's override (`v2/bgp_node_types.go`). This package computes it ({@link nodeConfigObject});
 * one found in the input is validated and kept, but never trusted over the recomputation.
 *
 * @module
 */
import type { Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';
import { ipField, isIpv4, MAX_ASN, parseMeta } from './common.js';

/** A peer of a generated node configuration. */
export interface NodeConfigPeer {
  /** Peer name. */
  readonly name: string;
  /** Peer address. */
  readonly peerAddress: string | undefined;
  /** Peer ASN. */
  readonly peerASN: number | undefined;
  /** Source address (from the override). */
  readonly localAddress: string | undefined;
  /** PeerConfig name. */
  readonly peerConfigRef: string | undefined;
}

/** An instance of a generated node configuration. */
export interface NodeConfigInstance {
  /** Instance name. */
  readonly name: string;
  /** Local ASN. */
  readonly localASN: number | undefined;
  /** Router ID (from the override or the ip-pool allocator). */
  readonly routerID: string | undefined;
  /** Listening port. */
  readonly localPort: number | undefined;
  /** Peers. */
  readonly peers: readonly NodeConfigPeer[];
}

/** A validated CiliumBGPNodeConfig. */
export interface BgpNodeConfig {
  /** Discriminator. */
  readonly kind: 'CiliumBGPNodeConfig';
  /** API version. */
  readonly apiVersion: string;
  /** Metadata; the name is the node's. */
  readonly meta: ObjectMeta;
  /** Instances (1-16). */
  readonly bgpInstances: readonly NodeConfigInstance[];
}

/** Validates a CiliumBGPNodeConfig (status is the agent's and is not read). */
export function parseNodeConfig(root: Rec, apiVersion: string): BgpNodeConfig {
  const meta = parseMeta(root, false);
  root.raw('status');
  const spec = root.rec('spec', { required: true });
  const bgpInstances: NodeConfigInstance[] = [];
  for (const inst of spec?.recList('bgpInstances', { required: true, minItems: 1, maxItems: 16 }) ??
    []) {
    const routerID = inst.str('routerID');
    if (routerID !== undefined && !isIpv4(routerID))
      inst.reader.error(inst.at('routerID'), `"${routerID}" is not an IPv4 address`);
    const peers = inst.recList('peers').map((p) => {
      const peer: NodeConfigPeer = {
        name: p.str('name', { required: true, minLength: 1, maxLength: 255 }) ?? '',
        peerAddress: ipField(p, 'peerAddress', { zone: true }),
        peerASN: p.int('peerASN', { min: 0, max: MAX_ASN }),
        localAddress: ipField(p, 'localAddress'),
        peerConfigRef: p.rec('peerConfigRef')?.str('name'),
      };
      p.raw('autoDiscovery');
      p.raw('peerInterface');
      p.end();
      return peer;
    });
    bgpInstances.push({
      name: inst.str('name', { required: true, minLength: 1, maxLength: 255 }) ?? '',
      localASN: inst.int('localASN', { min: 1, max: MAX_ASN }),
      routerID,
      localPort: inst.int('localPort', { min: 1, max: 65535 }),
      peers,
    });
    inst.end();
  }
  spec?.end();
  return { kind: 'CiliumBGPNodeConfig', apiVersion, meta, bgpInstances };
}
