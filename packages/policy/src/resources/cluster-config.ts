/**
 * CiliumBGPClusterConfig: which nodes run BGP, their instances and the peers of each.
 *
 * Schema: Cilium `pkg/k8s/apis/cilium.io/v2/bgp_cluster_types.go` (v2alpha1 adds
 * `peerConfigRef.group/kind`).
 *
 * @module
 */
import type { FieldReader, Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';
import type { LabelSelector } from '../selector.js';
import { ipField, MAX_ASN, parseMeta } from './common.js';

/** How a peer's address is discovered when `peerAddress` is not given. */
export interface AutoDiscovery {
  /** `DefaultGateway` (peer = the node's default gateway) or `Unnumbered` (IPv6 link-local via ND). */
  readonly mode: 'DefaultGateway' | 'Unnumbered';
  /** Address family of the default gateway (mode DefaultGateway). */
  readonly addressFamily?: 'ipv4' | 'ipv6';
  /** Interface to discover the peer on (mode Unnumbered). */
  readonly interface?: string;
}

/** One peer of an instance. */
export interface ClusterPeer {
  /** Peer name, unique within its instance. */
  readonly name: string;
  /** Peer IP address (may carry an IPv6 `%zone`). */
  readonly peerAddress: string | undefined;
  /** Peer ASN; 0 means "accept whatever the peer announces". */
  readonly peerASN: number;
  /** Address discovery, when `peerAddress` is absent. */
  readonly autoDiscovery: AutoDiscovery | undefined;
  /** Name of the CiliumBGPPeerConfig; undefined means the defaulted empty PeerConfig. */
  readonly peerConfigRef: string | undefined;
}

/** One BGP instance (a GoBGP server) on each selected node. */
export interface ClusterInstance {
  /** Instance name, unique within the config. */
  readonly name: string;
  /** Local ASN. */
  readonly localASN: number | undefined;
  /** Listening port; undefined means do not listen (active-only sessions). */
  readonly localPort: number | undefined;
  /** The peers. */
  readonly peers: readonly ClusterPeer[];
}

/** A validated CiliumBGPClusterConfig. */
export interface BgpClusterConfig {
  /** Discriminator. */
  readonly kind: 'CiliumBGPClusterConfig';
  /** `cilium.io/v2alpha1` or `cilium.io/v2`. */
  readonly apiVersion: string;
  /** Metadata. */
  readonly meta: ObjectMeta;
  /** Node selector; undefined (nil) selects every node. */
  readonly nodeSelector: LabelSelector | undefined;
  /** Instances (1-16). */
  readonly bgpInstances: readonly ClusterInstance[];
}

/** Reports duplicate values of a list's map key, as the API server does for `x-kubernetes-list-map-keys`. */
export function checkUniqueNames(r: FieldReader, listPath: string, names: readonly string[]): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) r.error(`${listPath}[${i}].name`, `duplicate name "${n}"`);
    seen.add(n);
  });
}

/** Validates a CiliumBGPClusterConfig. */
export function parseClusterConfig(root: Rec, apiVersion: string): BgpClusterConfig {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec', { required: true });
  const nodeSelector = spec?.selector('nodeSelector');
  const bgpInstances: ClusterInstance[] = [];
  for (const inst of spec?.recList('bgpInstances', { required: true, minItems: 1, maxItems: 16 }) ??
    []) {
    const peers: ClusterPeer[] = [];
    for (const p of inst.recList('peers')) {
      const peerAddress = ipField(p, 'peerAddress', { zone: true });
      const ad = p.rec('autoDiscovery');
      let autoDiscovery: AutoDiscovery | undefined;
      if (ad) {
        const mode = ad.enum('mode', ['DefaultGateway', 'Unnumbered'] as const, { required: true });
        const dg = ad.rec('defaultGateway');
        const un = ad.rec('unnumbered');
        const addressFamily = dg?.enum('addressFamily', ['ipv4', 'ipv6'] as const, {
          required: true,
        });
        const iface = un?.str('interface', { required: true, minLength: 1, maxLength: 255 });
        dg?.end();
        un?.end();
        ad.end();
        // CEL rules on autoDiscovery: the block for the chosen mode must be present.
        if (mode === 'DefaultGateway' && !dg)
          ad.reader.error(ad.at('defaultGateway'), 'required when mode is DefaultGateway');
        if (mode === 'Unnumbered' && !un)
          ad.reader.error(ad.at('unnumbered'), 'required when mode is Unnumbered');
        if (mode) autoDiscovery = { mode, addressFamily, interface: iface };
      }
      const ref = p.rec('peerConfigRef');
      let peerConfigRef: string | undefined;
      if (ref) {
        peerConfigRef = ref.str('name', { required: true, minLength: 1 });
        if (apiVersion === 'cilium.io/v2alpha1') {
          // v2alpha1 carried group/kind with fixed defaults; any other value names nothing Cilium reads.
          const group = ref.str('group', { default: 'cilium.io' });
          const kind = ref.str('kind', { default: 'CiliumBGPPeerConfig' });
          if (group !== 'cilium.io') ref.reader.error(ref.at('group'), 'must be cilium.io');
          if (kind !== 'CiliumBGPPeerConfig')
            ref.reader.error(ref.at('kind'), 'must be CiliumBGPPeerConfig');
        }
        ref.end();
      }
      const name = p.str('name', { required: true, minLength: 1, maxLength: 255 }) ?? '';
      const peerASN = p.int('peerASN', { min: 0, max: MAX_ASN, default: 0 }) ?? 0;
      if (!p.has('peerAddress') && autoDiscovery === undefined && !p.has('autoDiscovery')) {
        // Cilium's NodeConfig CEL (main) requires one of them; without either no session can exist.
        p.reader.error(p.at('peerAddress'), 'one of peerAddress or autoDiscovery is required');
      }
      p.end();
      peers.push({ name, peerAddress, peerASN, autoDiscovery, peerConfigRef });
    }
    const name = inst.str('name', { required: true, minLength: 1, maxLength: 255 }) ?? '';
    const localASN = inst.int('localASN', { min: 1, max: MAX_ASN });
    const localPort = inst.int('localPort', { min: 1, max: 65535 });
    checkUniqueNames(
      inst.reader,
      inst.at('peers'),
      peers.map((p) => p.name),
    );
    inst.end();
    bgpInstances.push({ name, localASN, localPort, peers });
  }
  if (spec)
    checkUniqueNames(
      spec.reader,
      spec.at('bgpInstances'),
      bgpInstances.map((i) => i.name),
    );
  spec?.end();
  return { kind: 'CiliumBGPClusterConfig', apiVersion, meta, nodeSelector, bgpInstances };
}
