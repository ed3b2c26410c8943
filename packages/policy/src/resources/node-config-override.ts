/**
 * CiliumBGPNodeConfigOverride: per-node router ID, local port, local ASN and per-peer source
 * address. Matched to a node by `metadata.name` (`v2/bgp_node_override_types.go`).
 *
 * @module
 */
import type { Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';
import { checkUniqueNames } from './cluster-config.js';
import { ipField, isIpv4, MAX_ASN, parseMeta } from './common.js';

/** A per-peer override. */
export interface PeerOverride {
  /** Peer name, as in the ClusterConfig. */
  readonly name: string;
  /** Source address for the session. */
  readonly localAddress: string | undefined;
  /** Source port (deprecated in Cilium: the kernel picks an ephemeral port). */
  readonly localPort: number | undefined;
}

/** A per-instance override. */
export interface InstanceOverride {
  /** Instance name, as in the ClusterConfig. */
  readonly name: string;
  /** Router ID (IPv4). */
  readonly routerID: string | undefined;
  /** Listening port. */
  readonly localPort: number | undefined;
  /** Local ASN. */
  readonly localASN: number | undefined;
  /** Peer overrides. */
  readonly peers: readonly PeerOverride[];
}

/** A validated CiliumBGPNodeConfigOverride. */
export interface BgpNodeConfigOverride {
  /** Discriminator. */
  readonly kind: 'CiliumBGPNodeConfigOverride';
  /** API version. */
  readonly apiVersion: string;
  /** Metadata; the name is the node's. */
  readonly meta: ObjectMeta;
  /** Instance overrides. */
  readonly bgpInstances: readonly InstanceOverride[];
}

/** Validates a CiliumBGPNodeConfigOverride. */
export function parseNodeConfigOverride(root: Rec, apiVersion: string): BgpNodeConfigOverride {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec', { required: true });
  const bgpInstances: InstanceOverride[] = [];
  for (const inst of spec?.recList('bgpInstances', { required: true, minItems: 1 }) ?? []) {
    const name = inst.str('name', { required: true, minLength: 1, maxLength: 255 }) ?? '';
    const routerID = inst.str('routerID');
    if (routerID !== undefined && !isIpv4(routerID)) {
      inst.reader.error(inst.at('routerID'), `"${routerID}" is not an IPv4 address`);
    }
    const localPort = inst.int('localPort', { min: 1, max: 65535 });
    const localASN = inst.int('localASN', { min: 1, max: MAX_ASN });
    const peers: PeerOverride[] = [];
    for (const p of inst.recList('peers')) {
      const peerName = p.str('name', { required: true, minLength: 1, maxLength: 255 }) ?? '';
      const localAddress = ipField(p, 'localAddress');
      const peerPort = p.int('localPort', { min: 1, max: 65535 });
      if (peerPort !== undefined) {
        p.reader.warn(
          p.at('localPort'),
          'deprecated and has no effect: the kernel picks an ephemeral source port',
        );
      }
      p.end();
      peers.push({ name: peerName, localAddress, localPort: peerPort });
    }
    checkUniqueNames(
      inst.reader,
      inst.at('peers'),
      peers.map((p) => p.name),
    );
    inst.end();
    bgpInstances.push({ name, routerID, localPort, localASN, peers });
  }
  if (spec)
    checkUniqueNames(
      spec.reader,
      spec.at('bgpInstances'),
      bgpInstances.map((i) => i.name),
    );
  spec?.end();
  return { kind: 'CiliumBGPNodeConfigOverride', apiVersion, meta, bgpInstances };
}
