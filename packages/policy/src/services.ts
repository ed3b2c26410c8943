/**
 * Which addresses of a Service a node advertises, following Cilium's service reconciler
 * (`pkg/bgp/manager/reconciler/service.go`: getLoadBalancerIPPaths, getExternalIPPaths,
 * getClusterIPPaths).
 *
 * - LoadBalancerIP: `type: LoadBalancer` only, and only when `loadBalancerClass` is unset or
 *   `io.cilium/bgp-control-plane`; the addresses are the ingress IPs (from LB-IPAM here).
 * - ExternalIP and LoadBalancerIP honour `externalTrafficPolicy`; ClusterIP honours
 *   `internalTrafficPolicy`. `Local` advertises only from a node with a ready local endpoint.
 * - Aggregation lengths apply except under `Local` (a Local VIP stays a host route).
 *
 * @module
 */
import { formatPrefix, parsePrefix } from '@bgp/wire';
import type { Cluster } from './cluster.js';
import type { StringMap } from './meta.js';
import type { ServiceAddressType, ServiceAdvertisementOptions } from './resources/advertisement.js';
import type { KubeService } from './resources/core.js';
import { afiOf, hostPrefix } from './routes.js';

/** The loadBalancerClass the BGP control plane owns. */
export const BGP_LB_CLASS = 'io.cilium/bgp-control-plane';

/** Implicit label carrying a Service's name (selectors may use it). */
export const SERVICE_NAME_LABEL = 'io.kubernetes.service.name';
/** Implicit label carrying a Service's namespace. */
export const SERVICE_NAMESPACE_LABEL = 'io.kubernetes.service.namespace';

/** A Service's labels plus the implicit name/namespace labels. */
export function serviceLabels(svc: KubeService): StringMap {
  return {
    ...svc.meta.labels,
    [SERVICE_NAME_LABEL]: svc.meta.name,
    [SERVICE_NAMESPACE_LABEL]: svc.meta.namespace,
  };
}

/** `namespace/name` key of a Service. */
export function serviceKey(svc: {
  readonly meta: { readonly namespace: string; readonly name: string };
}): string {
  return `${svc.meta.namespace}/${svc.meta.name}`;
}

/** Inputs of {@link serviceRoutes} beyond the Service itself. */
export interface ServiceContext {
  /** The cluster (for EndpointSlices). */
  readonly cluster: Cluster;
  /** The node advertising. */
  readonly node: string;
  /** Effective LoadBalancer ingress IPs by `namespace/name` (LB-IPAM result or status). */
  readonly ingressIPs: ReadonlyMap<string, readonly string[]>;
  /** Agent flag `--enable-no-service-endpoints-routable` (default true). */
  readonly noEndpointsRoutable: boolean;
}

/** True when the Service has at least one ready endpoint on `node`. */
export function hasLocalReadyEndpoint(cluster: Cluster, svc: KubeService, node: string): boolean {
  return cluster.endpointSlices.some(
    (s) =>
      s.meta.namespace === svc.meta.namespace &&
      s.serviceName === svc.meta.name &&
      s.endpoints.some((e) => e.ready && e.nodeName === node && e.addresses.length > 0),
  );
}

function hasAnyReadyEndpoint(cluster: Cluster, svc: KubeService): boolean {
  return cluster.endpointSlices.some(
    (s) =>
      s.meta.namespace === svc.meta.namespace &&
      s.serviceName === svc.meta.name &&
      s.endpoints.some((e) => e.ready),
  );
}

function aggregate(
  ip: string,
  opts: ServiceAdvertisementOptions | undefined,
  local: boolean,
): string {
  const len = afiOf(ip) === 'ipv4' ? opts?.aggregationLengthIPv4 : opts?.aggregationLengthIPv6;
  // Aggregation is ignored under a Local traffic policy: only this node has the backend.
  if (len === undefined || local) return hostPrefix(ip);
  return formatPrefix(parsePrefix(`${ip}/${len}`));
}

/** The prefixes `svc` contributes for one address type on the context's node (may be empty). */
export function serviceRoutes(
  svc: KubeService,
  addressType: ServiceAddressType,
  ctx: ServiceContext,
  opts?: ServiceAdvertisementOptions,
): string[] {
  if (svc.type === 'ExternalName') return [];
  if (!ctx.noEndpointsRoutable && !hasAnyReadyEndpoint(ctx.cluster, svc)) return [];
  let ips: readonly string[];
  let local: boolean;
  switch (addressType) {
    case 'LoadBalancerIP':
      if (svc.type !== 'LoadBalancer') return [];
      if (svc.loadBalancerClass !== undefined && svc.loadBalancerClass !== BGP_LB_CLASS) return [];
      ips = ctx.ingressIPs.get(serviceKey(svc)) ?? [];
      local = svc.externalTrafficPolicy === 'Local';
      break;
    case 'ExternalIP':
      ips = svc.externalIPs;
      local = svc.externalTrafficPolicy === 'Local';
      break;
    case 'ClusterIP':
      ips = svc.clusterIPs;
      local = svc.internalTrafficPolicy === 'Local';
      break;
  }
  if (ips.length === 0) return [];
  if (local && !hasLocalReadyEndpoint(ctx.cluster, svc, ctx.node)) return [];
  return [...new Set(ips.map((ip) => aggregate(ip, opts, local)))];
}
