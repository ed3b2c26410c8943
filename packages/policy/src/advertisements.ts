/**
 * BGP v2 advertisements: the routes one peer receives in one family.
 *
 * A PeerConfig family selects CiliumBGPAdvertisement objects by their labels (nil selects
 * none); every entry of every selected object contributes routes, and routes for the same
 * prefix merge (see {@link RouteSet}). Mirrors Cilium's `peer_advertisements.go` and the
 * per-type reconcilers (PodCIDR, Service, PodIPPool, Interface).
 *
 * @module
 */
import type { Cluster } from './cluster.js';
import type { NodeView } from './node-view.js';
import type { AdvertisementEntry, BgpAdvertisement } from './resources/advertisement.js';
import type { PeerFamily } from './resources/peer-config.js';
import { afiOf, hostPrefix, RouteSet } from './routes.js';
import { selects } from './selector.js';
import { type ServiceContext, serviceLabels, serviceRoutes } from './services.js';

/** Implicit label carrying a CiliumPodIPPool's name. */
export const POD_IP_POOL_NAME_LABEL = 'io.cilium.podippool.name';
/** Implicit label carrying a CiliumPodIPPool's namespace (set only for namespaced pools). */
export const POD_IP_POOL_NAMESPACE_LABEL = 'io.cilium.podippool.namespace';

/** Everything the advertisement computation reads. */
export interface AdvertContext extends ServiceContext {
  /** The node. */
  readonly view: NodeView;
  /** Give LoadBalancer IP routes ORIGIN INCOMPLETE (`bgpControlPlane.legacyOriginAttribute.enabled`). */
  readonly legacyOrigin: boolean;
}

/** The CiliumBGPAdvertisements a family selects, in name order. */
export function selectedAdvertisements(cluster: Cluster, family: PeerFamily): BgpAdvertisement[] {
  return cluster.advertisements
    .filter((a) => selects(family.advertisements, a.meta.labels, 'none'))
    .sort((a, b) => a.meta.name.localeCompare(b.meta.name));
}

/** The prefixes one advertisement entry yields on the node, with their ORIGIN. */
export function entryPrefixes(
  entry: AdvertisementEntry,
  ctx: AdvertContext,
): { prefix: string; origin: 'IGP' | 'INCOMPLETE' }[] {
  const igp = (prefix: string) => ({ prefix, origin: 'IGP' as const });
  switch (entry.advertisementType) {
    case 'PodCIDR':
      return ctx.view.podCIDRs.map(igp);
    case 'CiliumPodIPPool': {
      const pools = ctx.cluster.podPools.filter((p) =>
        selects(
          entry.selector,
          {
            ...p.meta.labels,
            [POD_IP_POOL_NAME_LABEL]: p.meta.name,
            ...(p.meta.namespace ? { [POD_IP_POOL_NAMESPACE_LABEL]: p.meta.namespace } : {}),
          },
          'none',
        ),
      );
      const names = new Set(pools.map((p) => p.meta.name));
      return ctx.view.poolAllocations
        .filter((a) => names.has(a.pool))
        .flatMap((a) => a.cidrs.map(igp));
    }
    case 'Interface':
      return (ctx.view.facts.interfaces?.[entry.interfaceName ?? ''] ?? []).map((ip) =>
        igp(hostPrefix(ip)),
      );
    case 'Service': {
      const out: { prefix: string; origin: 'IGP' | 'INCOMPLETE' }[] = [];
      const services = [...ctx.cluster.services]
        .filter((s) => selects(entry.selector, serviceLabels(s), 'none'))
        .sort(
          (a, b) =>
            a.meta.namespace.localeCompare(b.meta.namespace) ||
            a.meta.name.localeCompare(b.meta.name),
        );
      for (const svc of services) {
        for (const addressType of entry.service?.addresses ?? []) {
          const origin =
            addressType === 'LoadBalancerIP' && ctx.legacyOrigin ? 'INCOMPLETE' : 'IGP';
          for (const prefix of serviceRoutes(svc, addressType, ctx, entry.service))
            out.push({ prefix, origin });
        }
      }
      return out;
    }
  }
}

/** The merged routes for one peer family (ipv4/ipv6 unicast; other families carry none). */
export function familyRoutes(family: PeerFamily, ctx: AdvertContext): RouteSet {
  const set = new RouteSet();
  if (family.safi !== 'unicast' || (family.afi !== 'ipv4' && family.afi !== 'ipv6')) return set;
  for (const advert of selectedAdvertisements(ctx.cluster, family)) {
    advert.advertisements.forEach((entry, i) => {
      for (const { prefix, origin } of entryPrefixes(entry, ctx)) {
        if (afiOf(prefix) !== family.afi) continue;
        set.add(
          prefix,
          entry.attributes,
          `CiliumBGPAdvertisement/${advert.meta.name}[${i}]`,
          origin,
        );
      }
    });
  }
  return set;
}
