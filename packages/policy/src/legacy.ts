/**
 * The legacy CiliumBGPPeeringPolicy on one node (Cilium's bgpv1 agent code).
 *
 * A node matched by exactly one policy gets its virtual routers; matched by several it gets none.
 * Router ID and listening port come from the Node annotation
 * `cilium.io/bgp-virtual-router.<localASN>: "router-id=A.B.C.D,local-port=N"`, else the node's
 * IPv4. Each `advertisedPathAttributes` entry is an export policy that matches prefixes and
 * lets evaluation continue, so every matching entry adds its communities (bgpv1
 * `route_policy.go`, `pathAttributesToPolicy`).
 *
 * @module
 */

import { formatPrefix, parsePrefix, prefixContains } from '@bgp/wire';
import { POD_IP_POOL_NAME_LABEL } from './advertisements.js';
import type { Cluster } from './cluster.js';
import type { Warning } from './diagnostics.js';
import { type NodeView, nodeIPv4 } from './node-view.js';
import type { RenderedInstance, RenderedPeer } from './output.js';
import { NO_ATTRIBUTES } from './resources/common.js';
import type {
  AdvertisedPathAttributes,
  BgpPeeringPolicy,
  LegacyVirtualRouter,
} from './resources/peering-policy.js';
import { afiOf, RouteSet } from './routes.js';
import { matchesSelector, selects } from './selector.js';
import { type ServiceContext, serviceLabels, serviceRoutes } from './services.js';

/** Annotation prefix carrying per-ASN router ID and local port in the legacy API. */
export const VIRTUAL_ROUTER_ANNOTATION = 'cilium.io/bgp-virtual-router.';

/** What the legacy renderer reads beyond the policy. */
export interface LegacyContext extends ServiceContext {
  /** Give LoadBalancer IP routes ORIGIN INCOMPLETE. */
  readonly legacyOrigin: boolean;
  /** Namespace of auth Secrets. */
  readonly secretsNamespace: string;
}

/** The policies that select the node (sorted by name). */
export function policiesSelecting(cluster: Cluster, view: NodeView): BgpPeeringPolicy[] {
  return cluster.peeringPolicies
    .filter((p) => selects(p.nodeSelector, view.labels, 'all'))
    .sort((a, b) => a.meta.name.localeCompare(b.meta.name));
}

function parseAnnotation(text: string | undefined): { routerID?: string; localPort?: number } {
  const out: { routerID?: string; localPort?: number } = {};
  for (const part of (text ?? '').split(',')) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (k === 'router-id' && v) out.routerID = v;
    if (k === 'local-port' && v && /^\d+$/.test(v)) out.localPort = Number(v);
  }
  return out;
}

/** Renders the legacy policy's virtual routers on the node. */
export function renderLegacy(
  cluster: Cluster,
  policy: BgpPeeringPolicy,
  view: NodeView,
  ctx: LegacyContext,
  warnings: Warning[],
): RenderedInstance[] {
  const out: RenderedInstance[] = [];
  const obj = `CiliumBGPPeeringPolicy/${policy.meta.name}`;
  policy.virtualRouters.forEach((vr, vi) => {
    const ann = parseAnnotation(view.annotations[`${VIRTUAL_ROUTER_ANNOTATION}${vr.localASN}`]);
    let routerID = ann.routerID ?? nodeIPv4(view);
    let source = ann.routerID ? 'annotation' : 'node-ipv4';
    if (routerID === undefined && view.facts.ciliumHostMac) {
      routerID = view.facts.ciliumHostMac
        .split(':')
        .slice(-4)
        .map((h) => Number.parseInt(h, 16))
        .join('.');
      source = 'cilium-host-mac';
    }
    if (routerID === undefined) {
      warnings.push({
        object: obj,
        path: `spec.virtualRouters[${vi}]`,
        message: `no router ID for node ${view.name}; set annotation ${VIRTUAL_ROUTER_ANNOTATION}${vr.localASN}; virtual router not created`,
      });
      return;
    }
    const peers: RenderedPeer[] = vr.neighbors.map((n, ni) => {
      const ibgp = n.peerASN === vr.localASN;
      const families = n.families.map((f) => {
        const set =
          f.safi === 'unicast' && (f.afi === 'ipv4' || f.afi === 'ipv6')
            ? legacyRoutes(cluster, vr, vi, ni, policy, view, ctx)
            : new RouteSet();
        const routes = set.routes(ibgp).filter((r) => afiOf(r.prefix) === f.afi);
        return { afi: f.afi, safi: f.safi, routes };
      });
      return {
        name: n.peerAddress,
        peerAddress: n.peerAddress,
        peerASN: n.peerASN,
        session: ibgp ? 'ibgp' : 'ebgp',
        peerPort: n.peerPort,
        localAddress: null,
        sourceInterface: null,
        peerConfigRef: null,
        timers: n.timers,
        gracefulRestart: n.gracefulRestart,
        ebgpMultihop: ibgp ? null : n.eBGPMultihopTTL,
        auth: n.authSecretRef
          ? {
              secretRef: n.authSecretRef,
              passwordSet: cluster.secrets.some(
                (s) =>
                  s.meta.namespace === ctx.secretsNamespace &&
                  s.meta.name === n.authSecretRef &&
                  s.hasPassword,
              ),
            }
          : null,
        families,
      };
    });
    out.push({
      name: `${policy.meta.name}-${vr.localASN}`,
      localASN: vr.localASN,
      localPort: ann.localPort ?? null,
      routerID,
      routerIDSource: source,
      peers,
    });
  });
  return out;
}

function legacyRoutes(
  cluster: Cluster,
  vr: LegacyVirtualRouter,
  vi: number,
  ni: number,
  policy: BgpPeeringPolicy,
  view: NodeView,
  ctx: LegacyContext,
): RouteSet {
  const set = new RouteSet();
  const base = `CiliumBGPPeeringPolicy/${policy.meta.name}.spec.virtualRouters[${vi}]`;
  if (vr.exportPodCIDR) {
    for (const c of view.podCIDRs) set.add(c, NO_ATTRIBUTES, `${base}.exportPodCIDR`);
  }
  if (vr.serviceSelector) {
    const services = [...cluster.services]
      .filter((s) => matchesSelector(vr.serviceSelector!, serviceLabels(s)))
      .sort(
        (a, b) =>
          a.meta.namespace.localeCompare(b.meta.namespace) ||
          a.meta.name.localeCompare(b.meta.name),
      );
    for (const svc of services) {
      for (const t of vr.serviceAdvertisements) {
        for (const prefix of serviceRoutes(svc, t, ctx)) {
          set.add(
            prefix,
            NO_ATTRIBUTES,
            `${base}.serviceSelector`,
            t === 'LoadBalancerIP' && ctx.legacyOrigin ? 'INCOMPLETE' : 'IGP',
          );
        }
      }
    }
  }
  if (vr.podIPPoolSelector) {
    for (const pool of cluster.podPools) {
      const labels = { ...pool.meta.labels, [POD_IP_POOL_NAME_LABEL]: pool.meta.name };
      if (!matchesSelector(vr.podIPPoolSelector, labels)) continue;
      for (const alloc of view.poolAllocations.filter((p) => p.pool === pool.meta.name)) {
        for (const c of alloc.cidrs) set.add(c, NO_ATTRIBUTES, `${base}.podIPPoolSelector`);
      }
    }
  }
  // Each advertisedPathAttributes entry is its own export policy whose statements match prefixes
  // and continue (route action "none"), so every matching entry applies: communities accumulate.
  // When several set LOCAL_PREF the order is Go-map order in Cilium (undefined); the highest is kept.
  vr.neighbors[ni]!.advertisedPathAttributes.forEach((pa, k) => {
    const src = `${base}.neighbors[${ni}].advertisedPathAttributes[${k}]`;
    for (const prefix of attributePrefixes(cluster, pa, view, set))
      set.add(prefix, pa.attributes, src);
  });
  return set;
}

/** The advertised prefixes one legacy attribute entry matches (Cilium's pathAttributesToPolicy). */
function attributePrefixes(
  cluster: Cluster,
  pa: AdvertisedPathAttributes,
  view: NodeView,
  set: RouteSet,
): string[] {
  const present = (c: string) => (set.has(c) ? [c] : []);
  switch (pa.selectorType) {
    case 'PodCIDR':
      // The selector is matched against the CiliumNode's labels.
      return selects(pa.selector, view.labels, 'all') ? view.podCIDRs.flatMap(present) : [];
    case 'CiliumPodIPPool': {
      // Pool labels only (no implicit name label), and only CIDRs of the pool's mask size.
      const out: string[] = [];
      for (const pool of cluster.podPools) {
        if (!selects(pa.selector, pool.meta.labels, 'all')) continue;
        for (const alloc of view.poolAllocations.filter((a) => a.pool === pool.meta.name)) {
          for (const c of alloc.cidrs) {
            const len = Number(c.slice(c.indexOf('/') + 1));
            if (len === (afiOf(c) === 'ipv4' ? pool.ipv4MaskSize : pool.ipv6MaskSize))
              out.push(...present(c));
          }
        }
      }
      return out;
    }
    case 'CiliumLoadBalancerIPPool': {
      // Any advertised host route inside a CIDR block of an enabled matching pool (not only LB
      // IPs). Cilium fails the whole reconcile on start/stop blocks; here they are skipped.
      const blocks = cluster.lbPools
        .filter((p) => !p.disabled && selects(pa.selector, p.meta.labels, 'all'))
        .flatMap((p) =>
          p.blocks.flatMap((b) => (b.cidr === undefined ? [] : [parsePrefix(b.cidr)])),
        );
      return set
        .prefixes()
        .filter(
          (p) => p.length === (p.afi === 1 ? 32 : 128) && blocks.some((b) => prefixContains(b, p)),
        )
        .map(formatPrefix);
    }
  }
}
