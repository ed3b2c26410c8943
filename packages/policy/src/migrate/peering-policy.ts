/**
 * Legacy CiliumBGPPeeringPolicy → CiliumBGPClusterConfig, CiliumBGPPeerConfig,
 * CiliumBGPAdvertisement and CiliumBGPNodeConfigOverride (cilium.io/v2).
 *
 * Each legacy neighbor gets its own PeerConfig and Advertisement (labelled with the policy and
 * `vr<i>-n<j>`), because legacy path attributes are per neighbor while v2 attributes live on
 * advertisements. Every matching legacy attribute entry applies (communities accumulate), and so
 * does every overlapping v2 entry (union merge): each legacy entry becomes extra v2 entries whose
 * selectors name exactly the objects it matched. Router ID and port annotations become overrides.
 *
 * @module
 */

import { parsePrefix, prefixContains } from '@bgp/wire';
import { POD_IP_POOL_NAME_LABEL } from '../advertisements.js';
import type { Cluster } from '../cluster.js';
import { formatCommunity, formatLargeCommunity, WELL_KNOWN_COMMUNITIES } from '../communities.js';
import type { Warning } from '../diagnostics.js';
import { allocateLbIps } from '../lbipam/allocate.js';
import { VIRTUAL_ROUTER_ANNOTATION } from '../legacy.js';
import { nodeNames, nodeView } from '../node-view.js';
import type { PathAttributes } from '../resources/common.js';
import type {
  AdvertisedPathAttributes,
  BgpPeeringPolicy,
  LegacyVirtualRouter,
} from '../resources/peering-policy.js';
import { type LabelSelector, matchesSelector, selectorToObject, selects } from '../selector.js';
import { SERVICE_NAME_LABEL, SERVICE_NAMESPACE_LABEL, serviceLabels } from '../services.js';
import { MigrationLabel, type MigrationResult } from './types.js';

const API = 'cilium.io/v2';

/** Converts parsed attributes back to the CRD's `attributes` shape (undefined when empty). */
export function attributesToObject(a: PathAttributes): Record<string, unknown> | undefined {
  const names = new Map(Object.entries(WELL_KNOWN_COMMUNITIES).map(([k, v]) => [v, k]));
  const standard = a.communities.filter((c) => !names.has(c)).map(formatCommunity);
  const wellKnown = a.communities.filter((c) => names.has(c)).map((c) => names.get(c)!);
  const large = a.largeCommunities.map(formatLargeCommunity);
  const communities: Record<string, unknown> = {};
  if (standard.length > 0) communities.standard = standard;
  if (wellKnown.length > 0) communities.wellKnown = wellKnown;
  if (large.length > 0) communities.large = large;
  const out: Record<string, unknown> = {};
  if (Object.keys(communities).length > 0) out.communities = communities;
  if (a.localPreference !== undefined) out.localPreference = a.localPreference;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** ANDs a selector with extra requirements. */
function andSelector(
  base: LabelSelector,
  extra: Record<string, unknown>[],
): Record<string, unknown> {
  const obj = selectorToObject(base);
  return { ...obj, matchExpressions: [...((obj.matchExpressions as unknown[]) ?? []), ...extra] };
}

function peerName(address: string): string {
  return `peer-${address.replace(/[.:%]/g, '-')}`;
}

/** Translates every legacy policy in the cluster. */
export function migratePeeringPolicies(cluster: Cluster): MigrationResult {
  const objects: Record<string, unknown>[] = [];
  const warnings: Warning[] = [];
  const overrides = new Map<string, Record<string, unknown>[]>();
  const lbipam = allocateLbIps(cluster);
  for (const policy of [...cluster.peeringPolicies].sort((a, b) =>
    a.meta.name.localeCompare(b.meta.name),
  )) {
    const obj = `CiliumBGPPeeringPolicy/${policy.meta.name}`;
    warnings.push({
      object: obj,
      path: 'spec.nodeSelector',
      message:
        'copied to the ClusterConfig; while the PeeringPolicy still selects a node it takes precedence, so move nodes over one at a time (unlabel, then relabel) and delete the policy last',
    });
    const instances: Record<string, unknown>[] = [];
    const usedNames = new Set<string>();
    policy.virtualRouters.forEach((vr, vi) => {
      let instName = `instance-${vr.localASN}`;
      if (usedNames.has(instName)) instName = `instance-${vr.localASN}-${vi}`;
      usedNames.add(instName);
      if (vr.localASN === 0)
        warnings.push({
          object: obj,
          path: `spec.virtualRouters[${vi}].localASN`,
          message: 'localASN 0 is not valid in v2 (minimum 1)',
        });
      const peers: Record<string, unknown>[] = [];
      vr.neighbors.forEach((n, ni) => {
        const tag = `vr${vi}-n${ni}`;
        const pcName = `${policy.meta.name}-${tag}`;
        const labels = {
          [MigrationLabel.POLICY]: policy.meta.name,
          [MigrationLabel.NEIGHBOR]: tag,
        };
        if (policy.meta.name.length > 63)
          warnings.push({
            object: obj,
            path: 'metadata.name',
            message:
              'longer than 63 characters: not usable as a label value; shorten the generated labels',
          });
        peers.push({
          name: peerName(n.peerAddress),
          peerAddress: n.peerAddress,
          peerASN: n.peerASN,
          peerConfigRef: { name: pcName },
        });
        const spec: Record<string, unknown> = {
          transport: { peerPort: n.peerPort },
          timers: { ...n.timers },
          gracefulRestart: { ...n.gracefulRestart },
          ebgpMultihop: n.eBGPMultihopTTL,
          families: n.families.map((f) => ({
            afi: f.afi,
            safi: f.safi,
            advertisements: { matchLabels: labels },
          })),
        };
        if (n.authSecretRef) spec.authSecretRef = n.authSecretRef;
        objects.push({
          apiVersion: API,
          kind: 'CiliumBGPPeerConfig',
          metadata: { name: pcName },
          spec,
        });
        objects.push({
          apiVersion: API,
          kind: 'CiliumBGPAdvertisement',
          metadata: { name: pcName, labels },
          spec: {
            advertisements: advertisementEntries(
              cluster,
              policy,
              vr,
              vi,
              n.advertisedPathAttributes,
              ni,
              lbipam,
              warnings,
            ),
          },
        });
      });
      instances.push({ name: instName, localASN: vr.localASN, peers });
      // Router ID / local port annotations become per-node overrides.
      for (const node of nodeNames(cluster)) {
        const view = nodeView(cluster, node)!;
        if (!selects(policy.nodeSelector, view.labels, 'all')) continue;
        const ann = view.annotations[`${VIRTUAL_ROUTER_ANNOTATION}${vr.localASN}`];
        if (ann === undefined) continue;
        const o: Record<string, unknown> = { name: instName };
        for (const part of ann.split(',')) {
          const [k, v] = part.split('=').map((s) => s.trim());
          if (k === 'router-id' && v) o.routerID = v;
          if (k === 'local-port' && v && /^\d+$/.test(v)) o.localPort = Number(v);
        }
        overrides.set(node, [...(overrides.get(node) ?? []), o]);
      }
    });
    const ccSpec: Record<string, unknown> = { bgpInstances: instances };
    if (policy.nodeSelector) ccSpec.nodeSelector = selectorToObject(policy.nodeSelector);
    objects.unshift({
      apiVersion: API,
      kind: 'CiliumBGPClusterConfig',
      metadata: { name: policy.meta.name },
      spec: ccSpec,
    });
  }
  for (const [node, insts] of [...overrides].sort(([a], [b]) => a.localeCompare(b))) {
    objects.push({
      apiVersion: API,
      kind: 'CiliumBGPNodeConfigOverride',
      metadata: { name: node },
      spec: { bgpInstances: insts },
    });
  }
  return { objects, warnings };
}

function advertisementEntries(
  cluster: Cluster,
  policy: BgpPeeringPolicy,
  vr: LegacyVirtualRouter,
  vi: number,
  attrs: readonly AdvertisedPathAttributes[],
  ni: number,
  lbipam: ReturnType<typeof allocateLbIps>,
  warnings: Warning[],
): Record<string, unknown>[] {
  const obj = `CiliumBGPPeeringPolicy/${policy.meta.name}`;
  const path = `spec.virtualRouters[${vi}].neighbors[${ni}].advertisedPathAttributes`;
  const entries: Record<string, unknown>[] = [];
  const withAttrs = (e: Record<string, unknown>, a: PathAttributes): Record<string, unknown> => {
    const o = attributesToObject(a);
    return o ? { ...e, attributes: o } : e;
  };
  // Legacy attribute entries all apply (communities accumulate), which is what v2's merge of
  // overlapping entries does too: each legacy entry becomes extra v2 entries naming exactly the
  // objects it matched, on top of attribute-less base entries.
  if (vr.exportPodCIDR) {
    entries.push({ advertisementType: 'PodCIDR' });
    attrs.forEach((a, k) => {
      if (a.selectorType !== 'PodCIDR') return;
      if (a.selector !== undefined) {
        warnings.push({
          object: obj,
          path: `${path}[${k}].selector`,
          message:
            'a PodCIDR entry with a node selector has no v2 equivalent (PodCIDR advertisements take no selector); its attributes are applied on every node',
        });
      }
      entries.push(withAttrs({ advertisementType: 'PodCIDR' }, a.attributes));
    });
  }
  if (vr.serviceSelector && vr.serviceAdvertisements.length === 0) {
    warnings.push({
      object: obj,
      path: `spec.virtualRouters[${vi}].serviceAdvertisements`,
      message:
        'empty: no Service is advertised (v2 requires at least one address type, so no Service entry is generated)',
    });
  }
  if (vr.serviceSelector && vr.serviceAdvertisements.length > 0) {
    const serviceSelector = vr.serviceSelector;
    entries.push({
      advertisementType: 'Service',
      service: { addresses: [...vr.serviceAdvertisements] },
      selector: selectorToObject(serviceSelector),
    });
    attrs.forEach((a, k) => {
      if (a.selectorType !== 'CiliumLoadBalancerIPPool') return;
      warnings.push({
        object: obj,
        path: `${path}[${k}]`,
        message:
          'CiliumLoadBalancerIPPool attributes have no v2 equivalent (v2 selects Services, not pools); translated to the Services whose addresses are in the matching pools now, which new Services will not inherit',
      });
      const blocks = cluster.lbPools
        .filter((p) => !p.disabled && selects(a.selector, p.meta.labels, 'all'))
        .flatMap((p) =>
          p.blocks.flatMap((b) => (b.cidr === undefined ? [] : [parsePrefix(b.cidr)])),
        );
      const inPool = (ip: string) => blocks.some((b) => prefixContains(b, parsePrefix(ip)));
      // (address type, namespace) → service names whose addresses of that type lie in a matching pool.
      const groups = new Map<string, string[]>();
      for (const svc of cluster.services.filter((s) =>
        matchesSelector(serviceSelector, serviceLabels(s)),
      )) {
        const alloc = lbipam.allocations.find(
          (x) => x.namespace === svc.meta.namespace && x.service === svc.meta.name,
        );
        const byType: Record<string, readonly string[]> = {
          LoadBalancerIP: alloc?.ips ?? svc.ingressIPs,
          ClusterIP: svc.clusterIPs,
          ExternalIP: svc.externalIPs,
        };
        for (const t of vr.serviceAdvertisements) {
          const ips = byType[t] ?? [];
          if (!ips.some(inPool)) continue;
          if (!ips.every(inPool)) {
            warnings.push({
              object: obj,
              path: `${path}[${k}]`,
              message: `Service ${svc.meta.namespace}/${svc.meta.name} has ${t} addresses both inside and outside the pools; v2 attributes apply to all of them`,
            });
          }
          const key = `${t}\u0000${svc.meta.namespace}`;
          groups.set(key, [...(groups.get(key) ?? []), svc.meta.name]);
        }
      }
      for (const [key, names] of [...groups].sort(([x], [y]) => x.localeCompare(y))) {
        const [t, ns] = key.split('\u0000') as [string, string];
        entries.push(
          withAttrs(
            {
              advertisementType: 'Service',
              service: { addresses: [t] },
              selector: andSelector(serviceSelector, [
                { key: SERVICE_NAMESPACE_LABEL, operator: 'In', values: [ns] },
                { key: SERVICE_NAME_LABEL, operator: 'In', values: [...new Set(names)].sort() },
              ]),
            },
            a.attributes,
          ),
        );
      }
    });
  }
  if (vr.podIPPoolSelector) {
    const poolSelector = vr.podIPPoolSelector;
    entries.push({
      advertisementType: 'CiliumPodIPPool',
      selector: selectorToObject(poolSelector),
    });
    attrs.forEach((a, k) => {
      if (a.selectorType !== 'CiliumPodIPPool') return;
      const names = cluster.podPools
        .filter((pool) =>
          matchesSelector(poolSelector, {
            ...pool.meta.labels,
            [POD_IP_POOL_NAME_LABEL]: pool.meta.name,
          }),
        )
        .filter((pool) => selects(a.selector, pool.meta.labels, 'all'))
        .map((pool) => pool.meta.name)
        .sort();
      if (names.length === 0) return;
      warnings.push({
        object: obj,
        path: `${path}[${k}]`,
        message:
          "legacy pool attributes match only CIDRs of the pool's mask size; v2 applies them to every CIDR of the pool",
      });
      entries.push(
        withAttrs(
          {
            advertisementType: 'CiliumPodIPPool',
            selector: andSelector(poolSelector, [
              { key: POD_IP_POOL_NAME_LABEL, operator: 'In', values: names },
            ]),
          },
          a.attributes,
        ),
      );
    });
  }
  return entries;
}
