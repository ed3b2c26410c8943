/**
 * The Cilium BGP Control Plane model as pure functions over Kubernetes-shaped objects.
 *
 * Hand it a cluster's objects (CiliumBGPClusterConfig, CiliumBGPPeerConfig,
 * CiliumBGPAdvertisement, CiliumBGPNodeConfigOverride, the legacy CiliumBGPPeeringPolicy,
 * CiliumLoadBalancerIPPool, CiliumPodIPPool, Node, CiliumNode, Service, EndpointSlice, Secret)
 * and get back, per node, what Cilium would configure and advertise: instances, peers with
 * resolved timers and families, routes with their attributes, LB-IPAM allocations, status
 * conditions, validation errors and warnings. Nothing here does I/O.
 *
 * @example
 * ```ts
 * import { loadCluster, renderNode } from '@bgp/policy';
 *
 * const cluster = loadCluster(yamlText); // multi-document YAML
 * const node = renderNode(cluster, 'worker-01');
 * for (const i of node.instances) for (const p of i.peers) for (const f of p.families) {
 *   console.log(i.name, p.name, f.afi, f.routes.map((r) => r.prefix));
 * }
 * console.log(node.errors.map((e) => e.message));
 * ```
 *
 * @packageDocumentation
 * @module @bgp/policy
 */

/** API versions of the Cilium BGP resources this package reads. */
export const POLICY_API_VERSIONS = ['cilium.io/v2alpha1', 'cilium.io/v2'] as const;

export * from './advertisements.js';
export * from './cluster.js';
export * from './communities.js';
export * from './diagnostics.js';
export * from './fields.js';
export * from './lbipam/allocate.js';
export * from './lbipam/ranges.js';
export * from './lbipam/types.js';
export * from './legacy.js';
export * from './meta.js';
export * from './migrate/metallb.js';
export * from './migrate/peering-policy.js';
export * from './migrate/types.js';
export * from './node-config.js';
export * from './node-view.js';
export * from './output.js';
export * from './render.js';
export * from './resources/advertisement.js';
export * from './resources/cluster-config.js';
export * from './resources/common.js';
export * from './resources/core.js';
export * from './resources/ip-pools.js';
export * from './resources/node-config.js';
export * from './resources/node-config-override.js';
export * from './resources/peer-config.js';
export * from './resources/peering-policy.js';
export * from './routes.js';
export * from './selector.js';
export * from './services.js';
