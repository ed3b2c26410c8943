/**
 * One node as the BGP model sees it: labels, addresses, pod CIDRs and multi-pool allocations,
 * merged from its Node and CiliumNode objects, plus host facts no Kubernetes object carries.
 *
 * @module
 */
import type { Cluster } from './cluster.js';
import type { StringMap } from './meta.js';

/** Facts about a node's host that Cilium reads from the kernel, supplied by the caller. */
export interface NodeFacts {
  /** Addresses of local interfaces by name (for `Interface` advertisements). */
  readonly interfaces?: Readonly<Record<string, readonly string[]>>;
  /** MAC address of `cilium_host` (`aa:bb:cc:dd:ee:ff`), used for the router ID of IPv6-only nodes. */
  readonly ciliumHostMac?: string;
  /** Default gateways by family (for `autoDiscovery.mode: DefaultGateway`). */
  readonly defaultGateways?: { readonly ipv4?: string; readonly ipv6?: string };
}

/** The merged view of a node. */
export interface NodeView {
  /** Node name. */
  readonly name: string;
  /** Labels (the CiliumNode's when present: the operator matches nodeSelectors against them). */
  readonly labels: StringMap;
  /** The Node's annotations (the legacy API reads `cilium.io/bgp-virtual-router.<asn>`). */
  readonly annotations: StringMap;
  /** Node addresses as `{type, address}` (CiliumNode first, then Node). */
  readonly addresses: readonly { readonly type: string; readonly address: string }[];
  /** Pod CIDRs (`CiliumNode.spec.ipam.podCIDRs`, else `Node.spec.podCIDRs`). */
  readonly podCIDRs: readonly string[];
  /** Multi-pool IPAM allocations. */
  readonly poolAllocations: readonly { readonly pool: string; readonly cidrs: readonly string[] }[];
  /** Host facts. */
  readonly facts: NodeFacts;
}

/** Every node name known to the cluster (from Nodes and CiliumNodes), sorted. */
export function nodeNames(cluster: Cluster): string[] {
  return [...new Set([...cluster.nodes, ...cluster.ciliumNodes].map((n) => n.meta.name))].sort();
}

/** Builds the view of `name`, or undefined when neither a Node nor a CiliumNode has that name. */
export function nodeView(
  cluster: Cluster,
  name: string,
  facts: NodeFacts = {},
): NodeView | undefined {
  const node = cluster.nodes.find((n) => n.meta.name === name);
  const cn = cluster.ciliumNodes.find((n) => n.meta.name === name);
  if (!node && !cn) return undefined;
  return {
    name,
    labels: cn ? { ...node?.meta.labels, ...cn.meta.labels } : (node?.meta.labels ?? {}),
    annotations: { ...cn?.meta.annotations, ...node?.meta.annotations },
    addresses: [...(cn?.addresses ?? []), ...(node?.addresses ?? [])],
    // Cilium reads CiliumNode.spec.ipam.podCIDRs; with Kubernetes IPAM it mirrors Node.spec.podCIDRs,
    // so a cluster given only Nodes falls back to those.
    podCIDRs: cn && cn.podCIDRs.length > 0 ? cn.podCIDRs : (node?.podCIDRs ?? []),
    poolAllocations: cn?.poolAllocations ?? [],
    facts,
  };
}

/** The node's primary IPv4 as `CiliumNode.GetIP(false)`: first InternalIP, else first ExternalIP. */
export function nodeIPv4(view: NodeView): string | undefined {
  const v4 = (type: string): string | undefined =>
    view.addresses.find((a) => a.type === type && !a.address.includes(':'))?.address;
  return v4('InternalIP') ?? v4('ExternalIP');
}
