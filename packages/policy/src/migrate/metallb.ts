/**
 * MetalLB → Cilium: IPAddressPool → CiliumLoadBalancerIPPool; BGPPeer → CiliumBGPClusterConfig
 * (one per distinct node selector, one instance per `myASN`) + CiliumBGPPeerConfig;
 * BGPAdvertisement → CiliumBGPAdvertisement; Community aliases resolved; Service annotations
 * rewritten. Every field without an exact Cilium equivalent produces a warning (the list follows
 * the MetalLB API: `api/v1beta1`, `api/v1beta2`).
 *
 * @module
 */

import type { Cluster } from '../cluster.js';
import { parseLargeCommunity, parseStandardCommunity } from '../communities.js';
import type { Warning } from '../diagnostics.js';
import { FieldReader, type Rec } from '../fields.js';
import { objectRef, type RawObject } from '../meta.js';
import { isCidr, isIp } from '../resources/common.js';
import { type LabelSelector, parseSelector, selectorToObject, selects } from '../selector.js';
import { MigrationLabel, type MigrationResult } from './types.js';

const API = 'cilium.io/v2';

/** MetalLB service annotations (current prefix; `metallb.universe.tf/` is read too). */
export const METALLB_ANNOTATIONS = {
  LOAD_BALANCER_IPS: 'loadBalancerIPs',
  ALLOW_SHARED_IP: 'allow-shared-ip',
  ADDRESS_POOL: 'address-pool',
  IP_ALLOCATED_FROM_POOL: 'ip-allocated-from-pool',
} as const;

const PREFIXES = ['metallb.io/', 'metallb.universe.tf/'];

/** Parses a Go duration (`90s`, `1m30s`, `1h`) into whole seconds; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(h|m|s|ms)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    consumed += m[0].length;
    const n = Number(m[1]);
    total += m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : m[2] === 's' ? n : n / 1000;
  }
  return consumed === text.length && text.length > 0 ? Math.floor(total) : undefined;
}

interface Ctx {
  readonly warnings: Warning[];
  readonly objects: Record<string, unknown>[];
}

function reader(o: RawObject): {
  r: FieldReader;
  root: Rec | undefined;
  name: string;
  ns: string;
  kind: string;
} {
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  const name = typeof meta.name === 'string' ? meta.name : '(unnamed)';
  const ns = typeof meta.namespace === 'string' ? meta.namespace : 'metallb-system';
  const kind = String(o.kind);
  const r = new FieldReader(objectRef(kind, { name, namespace: ns }));
  return { r, root: r.record('', o), name, ns, kind };
}

function warn(ctx: Ctx, r: FieldReader, path: string, message: string): void {
  ctx.warnings.push({ object: r.object, path, message });
}

function selectorList(spec: Rec, key: string): LabelSelector[] {
  return spec.recList(key).map((s) => parseSelector(s));
}

/** Translates the MetalLB objects of the cluster (and the Services carrying MetalLB annotations). */
export function migrateMetalLB(cluster: Cluster): MigrationResult {
  const ctx: Ctx = { warnings: [], objects: [] };
  const of = (kind: string) =>
    cluster.metallb
      .filter((o) => o.kind === kind)
      .sort((a, b) => JSON.stringify(a.metadata).localeCompare(JSON.stringify(b.metadata)));

  // Community aliases.
  const aliases = new Map<string, string>();
  for (const o of of('Community')) {
    const { root } = reader(o);
    for (const c of root?.rec('spec')?.recList('communities') ?? []) {
      const n = c.str('name');
      const v = c.str('value');
      if (n !== undefined && v !== undefined) aliases.set(n, v);
    }
  }

  const poolLabels = new Map<string, Readonly<Record<string, string>>>();
  for (const o of of('IPAddressPool')) migratePool(o, ctx, poolLabels);
  const peers = of('BGPPeer')
    .map((o) => migratePeer(o, ctx))
    .filter((p) => p !== undefined);
  // ClusterConfigs: one per distinct node selector; instances by myASN.
  const groups = new Map<string, { selector: LabelSelector | undefined; peers: typeof peers }>();
  for (const p of peers) {
    const key = JSON.stringify(p.nodeSelector ? selectorToObject(p.nodeSelector) : null);
    const g = groups.get(key) ?? { selector: p.nodeSelector, peers: [] };
    g.peers.push(p);
    groups.set(key, g);
  }
  let gi = 0;
  for (const g of groups.values()) {
    const name = groups.size === 1 ? 'metallb-bgp' : `metallb-bgp-${gi++}`;
    const asns = [...new Set(g.peers.map((p) => p.myASN))].sort((a, b) => a - b);
    const spec: Record<string, unknown> = {
      bgpInstances: asns.map((asn) => ({
        name: `instance-${asn}`,
        localASN: asn,
        peers: g.peers.filter((p) => p.myASN === asn).map((p) => p.peer),
      })),
    };
    if (g.selector) spec.nodeSelector = selectorToObject(g.selector);
    ctx.objects.unshift({
      apiVersion: API,
      kind: 'CiliumBGPClusterConfig',
      metadata: { name },
      spec,
    });
  }
  if (groups.size > 1) {
    ctx.warnings.push({
      object: 'BGPPeer/*',
      path: 'spec.nodeSelectors',
      message: `peers use ${groups.size} different node selectors, giving ${groups.size} ClusterConfigs; a node selected by two of them gets ConflictingClusterConfig and no sessions`,
    });
  }
  const peerNames = peers.map((p) => p.name);
  for (const o of of('BGPAdvertisement'))
    migrateAdvertisement(o, ctx, aliases, peerNames, poolLabels);
  for (const o of of('L2Advertisement')) {
    const { r } = reader(o);
    warn(
      ctx,
      r,
      '',
      'L2 announcements are not BGP: translate to a CiliumL2AnnouncementPolicy by hand (not generated)',
    );
  }
  for (const o of cluster.metallb) {
    if (
      !['Community', 'IPAddressPool', 'BGPPeer', 'BGPAdvertisement', 'L2Advertisement'].includes(
        String(o.kind),
      )
    ) {
      warn(
        ctx,
        reader(o).r,
        '',
        `MetalLB kind ${String(o.kind)} has no Cilium equivalent; not migrated`,
      );
    }
  }
  migrateServices(cluster, ctx);
  return { objects: ctx.objects, warnings: ctx.warnings };
}

function migratePool(
  o: RawObject,
  ctx: Ctx,
  poolLabels: Map<string, Readonly<Record<string, string>>>,
): void {
  const { r, root, name } = reader(o);
  const meta = root?.rec('metadata');
  poolLabels.set(name, meta?.stringMap('labels') ?? {});
  const spec = root?.rec('spec');
  if (!spec) return;
  const blocks: Record<string, string>[] = [];
  for (const [i, a] of spec.strList('addresses').entries()) {
    const dash = a.indexOf('-');
    if (isCidr(a)) blocks.push({ cidr: a });
    else if (dash > 0 && isIp(a.slice(0, dash).trim()) && isIp(a.slice(dash + 1).trim())) {
      blocks.push({ start: a.slice(0, dash).trim(), stop: a.slice(dash + 1).trim() });
    } else warn(ctx, r, `spec.addresses[${i}]`, `"${a}" is neither a CIDR nor a range; skipped`);
  }
  const out: Record<string, unknown> = { blocks };
  const expressions: Record<string, unknown>[] = [];
  let matchLabels: Record<string, string> = {};
  if (spec.bool('autoAssign') === false) {
    warn(
      ctx,
      r,
      'spec.autoAssign',
      `no Cilium equivalent; emulated with serviceSelector ${MigrationLabel.METALLB_POOL}=${name} (migrated Services that asked for this pool carry it)`,
    );
    matchLabels[MigrationLabel.METALLB_POOL] = name;
  }
  if (spec.bool('avoidBuggyIPs') === true) {
    warn(
      ctx,
      r,
      'spec.avoidBuggyIPs',
      'approximated by allowFirstLastIPs: No, which reserves only the first and last address of each CIDR block (MetalLB skips every .0 and .255)',
    );
    out.allowFirstLastIPs = 'No';
  }
  const sa = spec.rec('serviceAllocation');
  if (sa) {
    if (sa.has('priority'))
      warn(
        ctx,
        r,
        'spec.serviceAllocation.priority',
        'no Cilium equivalent (pools have no priority); dropped',
      );
    const namespaces = sa.strList('namespaces');
    if (namespaces.length > 0)
      expressions.push({
        key: 'io.kubernetes.service.namespace',
        operator: 'In',
        values: namespaces,
      });
    if (sa.list('namespaceSelectors').length > 0)
      warn(
        ctx,
        r,
        'spec.serviceAllocation.namespaceSelectors',
        'no Cilium equivalent (Services are selected by their own labels only); dropped',
      );
    const svcSel = selectorList(sa, 'serviceSelectors');
    if (svcSel.length > 1)
      warn(
        ctx,
        r,
        'spec.serviceAllocation.serviceSelectors',
        'several selectors are ORed in MetalLB; Cilium has one serviceSelector: only the first is used',
      );
    if (svcSel[0]) {
      matchLabels = { ...matchLabels, ...svcSel[0].matchLabels };
      expressions.push(
        ...((selectorToObject(svcSel[0]).matchExpressions as Record<string, unknown>[]) ?? []),
      );
    }
  }
  if (Object.keys(matchLabels).length > 0 || expressions.length > 0) {
    out.serviceSelector = {
      ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
      ...(expressions.length > 0 ? { matchExpressions: expressions } : {}),
    };
  }
  ctx.objects.push({
    apiVersion: API,
    kind: 'CiliumLoadBalancerIPPool',
    metadata: { name },
    spec: out,
  });
}

interface MigratedPeer {
  readonly name: string;
  readonly myASN: number;
  readonly nodeSelector: LabelSelector | undefined;
  readonly peer: Record<string, unknown>;
}

function migratePeer(o: RawObject, ctx: Ctx): MigratedPeer | undefined {
  const { r, root, name } = reader(o);
  const spec = root?.rec('spec');
  if (!spec) return undefined;
  const myASN = spec.int('myASN');
  if (myASN === undefined) {
    warn(ctx, r, 'spec.myASN', 'required; peer not migrated');
    return undefined;
  }
  const peer: Record<string, unknown> = { name, peerConfigRef: { name } };
  const address = spec.str('peerAddress');
  if (address !== undefined) peer.peerAddress = address;
  const iface = spec.str('interface');
  if (iface !== undefined) {
    peer.autoDiscovery = { mode: 'Unnumbered', unnumbered: { interface: iface } };
    warn(
      ctx,
      r,
      'spec.interface',
      'unnumbered peering maps to autoDiscovery mode Unnumbered, only in Cilium main (not in released CRDs)',
    );
  }
  const dynamic = spec.str('dynamicASN');
  peer.peerASN = spec.int('peerASN') ?? 0;
  if (dynamic !== undefined)
    warn(
      ctx,
      r,
      'spec.dynamicASN',
      `mapped to peerASN 0 (accept any ASN); Cilium cannot restrict it to ${dynamic} sessions`,
    );
  if (spec.has('localASN'))
    warn(ctx, r, 'spec.localASN', 'local-as override has no Cilium equivalent; dropped');
  const pc: Record<string, unknown> = {};
  const port = spec.int('peerPort');
  if (port !== undefined) pc.transport = { peerPort: port };
  const holdText = spec.str('holdTime');
  const kaText = spec.str('keepaliveTime');
  let hold = holdText !== undefined ? parseGoDuration(holdText) : undefined;
  let ka = kaText !== undefined ? parseGoDuration(kaText) : undefined;
  // MetalLB derives the unset one: keepalive = hold/3, hold = 3 × keepalive.
  if (hold !== undefined && ka === undefined) ka = Math.floor(hold / 3);
  if (ka !== undefined && hold === undefined) hold = ka * 3;
  const timers: Record<string, number> = {};
  if (hold !== undefined) {
    if (hold === 0)
      warn(
        ctx,
        r,
        'spec.holdTime',
        'hold time 0 (no keepalives) is not allowed by Cilium (minimum 3); Cilium default 90 used',
      );
    else timers.holdTimeSeconds = hold;
  }
  if (ka !== undefined && hold !== 0) timers.keepAliveTimeSeconds = Math.max(1, ka);
  const connect = spec.str('connectTime');
  if (connect !== undefined) {
    const s = parseGoDuration(connect);
    if (s !== undefined) timers.connectRetryTimeSeconds = Math.max(1, s);
  }
  if (Object.keys(timers).length > 0) pc.timers = timers;
  if (spec.bool('enableGracefulRestart') === true)
    pc.gracefulRestart = { enabled: true, restartTimeSeconds: 120 };
  if (spec.bool('ebgpMultiHop') === true) pc.ebgpMultihop = 255;
  const secret = spec.rec('passwordSecret')?.str('name');
  if (secret !== undefined || spec.has('password')) {
    pc.authSecretRef = secret ?? `${name}-bgp-password`;
    warn(
      ctx,
      r,
      secret !== undefined ? 'spec.passwordSecret' : 'spec.password',
      `copy the password into Secret ${pc.authSecretRef as string} (key password) in Cilium's BGP secrets namespace (default kube-system)`,
    );
  }
  for (const f of ['routerID', 'sourceAddress']) {
    if (spec.has(f))
      warn(
        ctx,
        r,
        `spec.${f}`,
        `per-node in Cilium: set ${f === 'routerID' ? 'routerID' : 'peers[].localAddress'} in a CiliumBGPNodeConfigOverride for each node (not generated)`,
      );
  }
  if (spec.has('bfdProfile'))
    warn(ctx, r, 'spec.bfdProfile', 'BFD is not in released Cilium BGP CRDs; dropped');
  if (spec.has('vrf')) warn(ctx, r, 'spec.vrf', 'VRFs are not supported by Cilium BGP; dropped');
  if (spec.has('disableMP') || spec.has('dualStackAddressFamily'))
    warn(ctx, r, 'spec.disableMP', 'Cilium always negotiates each family separately; dropped');
  const sels = selectorList(spec, 'nodeSelectors');
  if (sels.length > 1)
    warn(
      ctx,
      r,
      'spec.nodeSelectors',
      'several selectors are ORed in MetalLB; a ClusterConfig has one nodeSelector: only the first is used',
    );
  const label = `${MigrationLabel.METALLB_PEER_PREFIX}${name}`;
  pc.families = ['ipv4', 'ipv6'].map((afi) => ({
    afi,
    safi: 'unicast',
    advertisements: { matchLabels: { [label]: 'true' } },
  }));
  ctx.objects.push({ apiVersion: API, kind: 'CiliumBGPPeerConfig', metadata: { name }, spec: pc });
  return { name, myASN, nodeSelector: sels[0], peer };
}

function migrateAdvertisement(
  o: RawObject,
  ctx: Ctx,
  aliases: ReadonlyMap<string, string>,
  peerNames: readonly string[],
  poolLabels: ReadonlyMap<string, Readonly<Record<string, string>>>,
): void {
  const { r, root, name } = reader(o);
  const spec = root?.rec('spec') ?? r.record('spec', {});
  if (!spec) return;
  const service: Record<string, unknown> = { addresses: ['LoadBalancerIP'] };
  const agg4 = spec.int('aggregationLength');
  const agg6 = spec.int('aggregationLengthV6');
  if (agg4 !== undefined && agg4 < 32) service.aggregationLengthIPv4 = agg4;
  if (agg6 !== undefined && agg6 < 128) service.aggregationLengthIPv6 = agg6;
  const standard: string[] = [];
  const large: string[] = [];
  for (const [i, c] of spec.strList('communities').entries()) {
    const value = aliases.get(c) ?? c;
    if (value.startsWith('large:') && parseLargeCommunity(value.slice(6)))
      large.push(value.slice(6));
    else if (parseStandardCommunity(value) !== undefined) standard.push(value);
    else
      warn(
        ctx,
        r,
        `spec.communities[${i}]`,
        `"${c}" is neither a community nor a known Community alias; dropped`,
      );
  }
  const attributes: Record<string, unknown> = {};
  if (standard.length > 0 || large.length > 0) {
    attributes.communities = {
      ...(standard.length > 0 ? { standard } : {}),
      ...(large.length > 0 ? { large } : {}),
    };
  }
  const lp = spec.int('localPref');
  if (lp !== undefined) attributes.localPreference = lp;
  // Pools: named + selected; none of either means all pools.
  const named = spec.strList('ipAddressPools');
  const poolSels = selectorList(spec, 'ipAddressPoolSelectors');
  const pools = [
    ...new Set([
      ...named,
      ...[...poolLabels]
        .filter(([, l]) => poolSels.some((s) => selects(s, l, 'none')))
        .map(([n]) => n),
    ]),
  ].sort();
  const restrictPools = named.length > 0 || poolSels.length > 0;
  if (restrictPools)
    warn(
      ctx,
      r,
      'spec.ipAddressPools',
      `Cilium selects Services, not pools: translated to a selector on label ${MigrationLabel.METALLB_POOL}, which migrated Services carry`,
    );
  const poolExpr = restrictPools
    ? [
        {
          key: MigrationLabel.METALLB_POOL,
          operator: 'In',
          values: pools.length > 0 ? pools : ['none'],
        },
      ]
    : [];
  const svcSels = selectorList(spec, 'serviceSelectors');
  // Select-all trick for "every Service": a NotIn on a key nobody uses.
  const everything = {
    key: MigrationLabel.METALLB_POOL,
    operator: 'NotIn',
    values: ['never-used-value'],
  };
  const selectors =
    svcSels.length === 0
      ? [{ matchExpressions: poolExpr.length > 0 ? poolExpr : [everything] }]
      : svcSels.map((s) => {
          const obj = selectorToObject(s);
          const exprs = [...((obj.matchExpressions as unknown[]) ?? []), ...poolExpr];
          return {
            ...obj,
            ...(exprs.length > 0 ? { matchExpressions: exprs } : {}),
            ...(Object.keys(obj).length === 0 && exprs.length === 0
              ? { matchExpressions: [everything] }
              : {}),
          };
        });
  if (spec.list('nodeSelectors').length > 0)
    warn(
      ctx,
      r,
      'spec.nodeSelectors',
      'Cilium has no per-advertisement node filter; use a separate ClusterConfig/PeerConfig for those nodes (dropped)',
    );
  const targets = spec.strList('peers');
  const labels: Record<string, string> = {};
  for (const p of targets.length > 0 ? targets : peerNames)
    labels[`${MigrationLabel.METALLB_PEER_PREFIX}${p}`] = 'true';
  ctx.objects.push({
    apiVersion: API,
    kind: 'CiliumBGPAdvertisement',
    metadata: { name, labels },
    spec: {
      advertisements: selectors.map((selector) => ({
        advertisementType: 'Service',
        service,
        selector,
        ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
      })),
    },
  });
}

function metallbAnnotation(
  annotations: Readonly<Record<string, string>>,
  key: string,
): string | undefined {
  for (const p of PREFIXES)
    if (annotations[`${p}${key}`] !== undefined) return annotations[`${p}${key}`];
  return undefined;
}

function migrateServices(cluster: Cluster, ctx: Ctx): void {
  for (const svc of [...cluster.services].sort((a, b) =>
    `${a.meta.namespace}/${a.meta.name}`.localeCompare(`${b.meta.namespace}/${b.meta.name}`),
  )) {
    const a = svc.meta.annotations;
    if (!Object.keys(a).some((k) => PREFIXES.some((p) => k.startsWith(p)))) continue;
    const annotations: Record<string, string> = Object.fromEntries(
      Object.entries(a).filter(([k]) => !PREFIXES.some((p) => k.startsWith(p))),
    );
    const labels: Record<string, string> = { ...svc.meta.labels };
    const obj = `Service/${svc.meta.namespace}/${svc.meta.name}`;
    const ips = metallbAnnotation(a, METALLB_ANNOTATIONS.LOAD_BALANCER_IPS);
    if (ips !== undefined) annotations['lbipam.cilium.io/ips'] = ips;
    const shared = metallbAnnotation(a, METALLB_ANNOTATIONS.ALLOW_SHARED_IP);
    if (shared !== undefined) {
      annotations['lbipam.cilium.io/sharing-key'] = shared;
      ctx.warnings.push({
        object: obj,
        path: 'metadata.annotations',
        message:
          "sharing: Cilium checks ports, namespace and traffic policy but not MetalLB's backend-key rule for Cluster services",
      });
    }
    const pool =
      metallbAnnotation(a, METALLB_ANNOTATIONS.ADDRESS_POOL) ??
      metallbAnnotation(a, METALLB_ANNOTATIONS.IP_ALLOCATED_FROM_POOL);
    if (pool !== undefined) labels[MigrationLabel.METALLB_POOL] = pool;
    ctx.objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: svc.meta.name, namespace: svc.meta.namespace, labels, annotations },
      spec: {
        type: svc.type,
        ...(svc.externalTrafficPolicy === 'Local' ? { externalTrafficPolicy: 'Local' } : {}),
        ...(svc.loadBalancerClass !== undefined
          ? { loadBalancerClass: svc.loadBalancerClass }
          : {}),
        ports: svc.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
        ...(Object.keys(svc.podSelector).length > 0 ? { selector: { ...svc.podSelector } } : {}),
      },
    });
  }
  ctx.warnings.push({
    object: 'MetalLB',
    path: '',
    message:
      'MetalLB sends LoadBalancer routes with ORIGIN INCOMPLETE; set bgpControlPlane.legacyOriginAttribute.enabled for the same ORIGIN',
  });
}
