/**
 * The cluster the end-to-end tests run bgp-agent on: node worker-1 with an eBGP ToR (AS 65100)
 * and an iBGP route reflector (AS 65001), pod CIDR and LoadBalancer advertisements with
 * communities, no-export, large communities and LOCAL_PREF; variants for edits, conflicts and a
 * malformed file.
 *
 * @module
 */

/** Options of {@link clusterYaml}. */
export interface ClusterYamlOptions {
  /** ToR address. */
  readonly tor: string;
  /** Route reflector address. */
  readonly rr: string;
  /** ToR port. */
  readonly torPort: number;
  /** Route reflector port. */
  readonly rrPort: number;
  /** Our source address (NodeConfigOverride localAddress). */
  readonly local: string;
  /** Advertise the pod CIDR to the ToR. */
  readonly podAdvert: boolean;
  /** Add a second LoadBalancer service. */
  readonly extraService: boolean;
  /** Add a second ClusterConfig selecting the node. */
  readonly conflict?: boolean;
  /** Return malformed YAML instead. */
  readonly broken?: boolean;
}

/** The YAML text. */
export function clusterYaml(o: {
  tor: string;
  rr: string;
  torPort: number;
  rrPort: number;
  local: string;
  podAdvert: boolean;
  extraService: boolean;
  conflict?: boolean;
  broken?: boolean;
}): string {
  if (o.broken) return 'apiVersion: v1\nkind: Node\nmetadata: [unclosed\n';
  const doc = (s: string) => s.trim();
  return [
    doc(`
apiVersion: v1
kind: Node
metadata: { name: worker-1, labels: { bgp: rack1 } }
spec: { podCIDRs: ["10.244.1.0/24"] }
status: { addresses: [{ type: InternalIP, address: 192.168.1.11 }] }`),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumNode
metadata: { name: worker-1, labels: { bgp: rack1 } }
spec: { addresses: [{ type: InternalIP, ip: 192.168.1.11 }], ipam: { podCIDRs: ["10.244.1.0/24"] } }`),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPClusterConfig
metadata: { name: rack1 }
spec:
  nodeSelector: { matchLabels: { bgp: rack1 } }
  bgpInstances:
    - name: rack1
      localASN: 65001
      peers:
        - { name: tor, peerASN: 65100, peerAddress: ${o.tor}, peerConfigRef: { name: tor } }
        - { name: rr, peerASN: 65001, peerAddress: ${o.rr}, peerConfigRef: { name: rr } }`),
    ...(o.conflict
      ? [
          doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPClusterConfig
metadata: { name: rack1-again }
spec:
  nodeSelector: { matchLabels: { bgp: rack1 } }
  bgpInstances: [{ name: other, localASN: 65009, peers: [] }]`),
        ]
      : []),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPNodeConfigOverride
metadata: { name: worker-1 }
spec:
  bgpInstances:
    - name: rack1
      peers: [{ name: tor, localAddress: ${o.local} }, { name: rr, localAddress: ${o.local} }]`),
    ...[
      ['tor', o.torPort],
      ['rr', o.rrPort],
    ].map(([name, port]) =>
      doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPPeerConfig
metadata: { name: ${name} }
spec:
  transport: { peerPort: ${port} }
  timers: { connectRetryTimeSeconds: 2, holdTimeSeconds: 90, keepAliveTimeSeconds: 30 }
  gracefulRestart: { enabled: true, restartTimeSeconds: 60 }
  families: [{ afi: ipv4, safi: unicast, advertisements: { matchLabels: { advertise: ${name} } } }]`),
    ),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPAdvertisement
metadata: { name: to-tor, labels: { advertise: tor } }
spec:
  advertisements:
${o.podAdvert ? '    - { advertisementType: PodCIDR, attributes: { communities: { standard: ["65001:100"] } } }\n' : ''}    - advertisementType: Service
      service: { addresses: [LoadBalancerIP] }
      selector: { matchLabels: { bgp-announce: "true" } }
      attributes:
        communities: { standard: ["65001:200"], wellKnown: [no-export], large: ["65001:1:1"] }`),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumBGPAdvertisement
metadata: { name: to-rr, labels: { advertise: rr } }
spec:
  advertisements:
    - advertisementType: PodCIDR
    - advertisementType: Service
      service: { addresses: [LoadBalancerIP] }
      selector: { matchLabels: { bgp-announce: "true" } }
      attributes: { localPreference: 200, communities: { large: ["65001:2:1"] } }`),
    doc(`
apiVersion: cilium.io/v2
kind: CiliumLoadBalancerIPPool
metadata: { name: public }
spec: { blocks: [{ cidr: 203.0.113.0/28 }], serviceSelector: { matchLabels: { bgp-announce: "true" } } }`),
    ...['web', ...(o.extraService ? ['api'] : [])].map((n, i) =>
      doc(`
apiVersion: v1
kind: Service
metadata: { name: ${n}, namespace: shop, labels: { bgp-announce: "true" } }
spec: { type: LoadBalancer, clusterIP: 10.96.10.${i + 1}, ports: [{ port: 80 }] }`),
    ),
  ].join('\n---\n');
}
