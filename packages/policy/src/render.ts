/**
 * Rendering: everything Cilium would do on one node for a set of objects.
 *
 * Order of work: LB-IPAM runs cluster-wide first (its allocations are the LoadBalancer IPs BGP
 * advertises); then the node's configuration source is chosen (a legacy PeeringPolicy wins over
 * a v2 ClusterConfig, with a warning); then instances, peers and per-family routes are built.
 *
 * @module
 */
import { familyRoutes } from './advertisements.js';
import type { Cluster } from './cluster.js';
import type { Warning } from './diagnostics.js';
import { allocateLbIps, effectiveIngressIPs } from './lbipam/allocate.js';
import type { LbIpamOptions, LbIpamResult } from './lbipam/types.js';
import { policiesSelecting, renderLegacy } from './legacy.js';
import { operatorStatus, type RouterIdAllocation, resolveNodeConfig } from './node-config.js';
import { type NodeFacts, nodeView } from './node-view.js';
import type { RenderedInstance, RenderedNode, RenderedPeer } from './output.js';

/** Options of {@link renderNode}. All default to Cilium's defaults. */
export interface RenderOptions {
  /** Host facts per node name (interfaces, cilium_host MAC, default gateways). */
  readonly nodeFacts?: Readonly<Record<string, NodeFacts>>;
  /** Router ID allocation mode (default `{mode: 'default'}`). */
  readonly routerIDAllocation?: RouterIdAllocation;
  /** Namespace of BGP auth Secrets (`bgpControlPlane.secretsNamespace.name`, default `kube-system`). */
  readonly secretsNamespace?: string;
  /** `--enable-no-service-endpoints-routable` (default true: Services without endpoints are advertised). */
  readonly noServiceEndpointsRoutable?: boolean;
  /** `bgpControlPlane.legacyOriginAttribute.enabled` (default false). */
  readonly legacyOriginAttribute?: boolean;
  /** LB-IPAM settings. */
  readonly lbipam?: LbIpamOptions;
  /** A precomputed LB-IPAM result (to render many nodes without recomputing it). */
  readonly lbipamResult?: LbIpamResult;
}

/** Renders the BGP configuration and advertisements of `nodeName`. Never throws on bad input. */
export function renderNode(
  cluster: Cluster,
  nodeName: string,
  opts: RenderOptions = {},
): RenderedNode {
  const warnings: Warning[] = [...cluster.warnings];
  const secretsNamespace = opts.secretsNamespace ?? 'kube-system';
  const lbipam = opts.lbipamResult ?? allocateLbIps(cluster, opts.lbipam);
  const status = operatorStatus(cluster, secretsNamespace);
  const conditions = [...status.conditions, ...lbipam.conditions];
  const finish = (source: RenderedNode['source'], instances: RenderedInstance[]): RenderedNode => ({
    node: nodeName,
    source,
    instances,
    lbipam: { allocations: lbipam.allocations, pools: lbipam.pools },
    conditions,
    errors: cluster.errors,
    warnings,
  });
  const view = nodeView(cluster, nodeName, opts.nodeFacts?.[nodeName]);
  if (!view) {
    warnings.push({
      object: `Node/${nodeName}`,
      path: '',
      message: 'no Node or CiliumNode with this name',
    });
    return finish(null, []);
  }
  const ctx = {
    cluster,
    node: nodeName,
    view,
    ingressIPs: effectiveIngressIPs(cluster, lbipam, opts.lbipam),
    noEndpointsRoutable: opts.noServiceEndpointsRoutable ?? true,
    legacyOrigin: opts.legacyOriginAttribute ?? false,
    secretsNamespace,
  };

  const legacy = policiesSelecting(cluster, view);
  if (legacy.length > 0) {
    if (status.owners.has(nodeName) || status.conflicts.has(nodeName)) {
      warnings.push({
        object: `Node/${nodeName}`,
        path: '',
        message: `selected by CiliumBGPPeeringPolicy and CiliumBGPClusterConfig; the legacy PeeringPolicy takes precedence (unsupported combination)`,
      });
    }
    if (legacy.length > 1) {
      warnings.push({
        object: `Node/${nodeName}`,
        path: '',
        message: `selected by more than one CiliumBGPPeeringPolicy [${legacy.map((p) => p.meta.name).join(' ')}]; no policy is applied and all sessions are cleared`,
      });
      return finish(null, []);
    }
    const policy = legacy[0]!;
    return finish(
      { kind: 'CiliumBGPPeeringPolicy', name: policy.meta.name },
      renderLegacy(cluster, policy, view, ctx, warnings),
    );
  }

  const conflict = status.conflicts.get(nodeName);
  if (conflict) {
    warnings.push({
      object: `Node/${nodeName}`,
      path: '',
      message: `selected by several CiliumBGPClusterConfigs [${conflict.join(' ')}]; no BGP sessions on this node`,
    });
    return finish(null, []);
  }
  const resolved = resolveNodeConfig(cluster, view, status, warnings, {
    ...(opts.routerIDAllocation ? { routerIDAllocation: opts.routerIDAllocation } : {}),
    secretsNamespace,
  });
  if (!resolved) return finish(null, []);
  const instances: RenderedInstance[] = resolved.instances.map((inst) => ({
    name: inst.name,
    localASN: inst.localASN,
    localPort: inst.localPort ?? null,
    routerID: inst.routerID,
    routerIDSource: inst.routerIDSource,
    peers: inst.peers.map((p): RenderedPeer => {
      const ibgp = p.peerASN === inst.localASN;
      const spec = p.peerConfig;
      return {
        name: p.name,
        peerAddress: p.peerAddress ?? '',
        peerASN: p.peerASN,
        session: ibgp ? 'ibgp' : 'ebgp',
        peerPort: spec.transport.peerPort,
        localAddress: p.localAddress ?? null,
        sourceInterface: spec.transport.sourceInterface ?? null,
        peerConfigRef: p.peerConfigRef ?? null,
        timers: spec.timers,
        gracefulRestart: spec.gracefulRestart,
        ebgpMultihop: ibgp ? null : spec.ebgpMultihop,
        auth: p.auth ?? null,
        families: spec.families.map((f) => ({
          afi: f.afi,
          safi: f.safi,
          routes: familyRoutes(f, ctx).routes(ibgp),
        })),
      };
    }),
  }));
  return finish(
    { kind: 'CiliumBGPClusterConfig', name: resolved.clusterConfig.meta.name },
    instances,
  );
}
