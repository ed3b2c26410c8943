/**
 * LB-IPAM: allocating LoadBalancer addresses from CiliumLoadBalancerIPPools, as Cilium's
 * operator does (`operator/pkg/lbipam`), but as a pure, deterministic function.
 *
 * Determinism and stability: Services that already hold addresses (`status.loadBalancer.ingress`)
 * are revalidated first and keep every address that is still valid, so an address never moves
 * unless its pool range goes away; new allocations then proceed in (creationTimestamp,
 * namespace, name) order, pools in name order (Cilium iterates a Go map: no defined order),
 * ranges in spec order, lowest free address first. The result does not depend on input order.
 *
 * @module
 */
import type { Cluster } from '../cluster.js';
import type { Condition } from '../diagnostics.js';
import { isIp } from '../resources/common.js';
import type { KubeService } from '../resources/core.js';
import type { LoadBalancerIPPool } from '../resources/ip-pools.js';
import { selects } from '../selector.js';
import { BGP_LB_CLASS, serviceKey, serviceLabels } from '../services.js';
import {
  bigIntToIp,
  formatRange,
  type IpRange,
  ipToBigInt,
  overlaps,
  poolRanges,
  rangeSize,
} from './ranges.js';
import {
  IPAM_REQUEST_SATISFIED,
  type IpamReason,
  type LbAllocation,
  type LbIpamOptions,
  type LbIpamResult,
  type LbPoolStatus,
  PoolConditionType,
} from './types.js';

/** Annotations requesting addresses (comma-separated), newest name first. */
export const IPS_ANNOTATIONS = ['lbipam.cilium.io/ips', 'io.cilium/lb-ipam-ips'] as const;
/** Annotations carrying the sharing key. */
export const SHARING_KEY_ANNOTATIONS = [
  'lbipam.cilium.io/sharing-key',
  'io.cilium/lb-ipam-sharing-key',
] as const;
/** Annotations allowing sharing across namespaces (comma list or `*`). */
export const SHARING_CROSS_NAMESPACE_ANNOTATIONS = [
  'lbipam.cilium.io/sharing-cross-namespace',
  'io.cilium/lb-ipam-sharing-cross-namespace',
] as const;
/** The loadBalancerClass of Cilium's L2 announcer. */
export const L2_LB_CLASS = 'io.cilium/l2-announcer';

/** A Service as LB-IPAM sees it: its sharing annotations and requested addresses. */
export interface LbServiceInfo {
  /** The Service. */
  readonly svc: KubeService;
  /** `namespace/name`. */
  readonly key: string;
  /** Sharing key annotation, if any. */
  readonly sharingKey: string | undefined;
  /** Namespaces it agrees to share with (`*` for all). */
  readonly crossNamespace: readonly string[];
  /** Requested addresses (annotations and spec.loadBalancerIP), deduplicated. */
  readonly requested: readonly string[];
}

interface Holding {
  readonly range: IpRange;
  readonly ip: bigint;
  readonly services: LbServiceInfo[];
}

function annotation(svc: KubeService, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = svc.meta.annotations[n];
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return undefined;
}

/** Reads a Service's LB-IPAM annotations. */
export function lbServiceInfo(svc: KubeService): LbServiceInfo {
  const requested = [
    ...(annotation(svc, IPS_ANNOTATIONS)?.split(',') ?? []),
    ...(svc.loadBalancerIP ? [svc.loadBalancerIP] : []),
  ]
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return {
    svc,
    key: serviceKey(svc),
    sharingKey: annotation(svc, SHARING_KEY_ANNOTATIONS),
    crossNamespace: (annotation(svc, SHARING_CROSS_NAMESPACE_ANNOTATIONS) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    requested: [...new Set(requested)],
  };
}

/** True when LB-IPAM is responsible for the Service (type and loadBalancerClass rules). */
export function lbIpamServes(svc: KubeService, opts: LbIpamOptions = {}): boolean {
  if (svc.type !== 'LoadBalancer') return false;
  const cls = svc.loadBalancerClass;
  if (cls === undefined) return (opts.defaultLBServiceIPAM ?? 'lbipam') === 'lbipam';
  if (cls === BGP_LB_CLASS) return opts.bgpControlPlaneEnabled ?? true;
  if (cls === L2_LB_CLASS) return opts.l2AnnouncementsEnabled ?? false;
  return false;
}

function allowsNamespace(s: LbServiceInfo, ns: string): boolean {
  return s.crossNamespace.includes('*') || s.crossNamespace.includes(ns);
}

/**
 * Whether two Services may share one address: same sharing key; same namespace or each allows
 * the other's namespace; no common port number (protocol ignored, as without LB protocol
 * differentiation); equal externalTrafficPolicy; and when both are Local, identical non-empty
 * pod selectors (so both resolve to the same backends).
 */
export function canShare(a: LbServiceInfo, b: LbServiceInfo): boolean {
  if (a.sharingKey === undefined || a.sharingKey !== b.sharingKey) return false;
  const ns =
    a.svc.meta.namespace === b.svc.meta.namespace ||
    (allowsNamespace(a, b.svc.meta.namespace) && allowsNamespace(b, a.svc.meta.namespace));
  if (!ns) return false;
  const ports = new Set(a.svc.ports.map((p) => p.port));
  if (b.svc.ports.some((p) => ports.has(p.port))) return false;
  if (a.svc.externalTrafficPolicy !== b.svc.externalTrafficPolicy) return false;
  if (a.svc.externalTrafficPolicy === 'Local') {
    const sa = Object.entries(a.svc.podSelector).sort();
    const sb = Object.entries(b.svc.podSelector).sort();
    if (sa.length === 0 || JSON.stringify(sa) !== JSON.stringify(sb)) return false;
  }
  return true;
}

/** Families a Service wants, by ipFamilyPolicy. `null` marks RequireDualStack in a single-stack cluster. */
function wantedFamilies(svc: KubeService, v4: boolean, v6: boolean): ('IPv4' | 'IPv6')[] | null {
  const enabled = (f: 'IPv4' | 'IPv6'): boolean => (f === 'IPv4' ? v4 : v6);
  const policy = svc.ipFamilyPolicy ?? 'SingleStack';
  if (policy === 'SingleStack') {
    const f = svc.ipFamilies[0] ?? (v4 ? 'IPv4' : 'IPv6');
    return enabled(f) ? [f] : [];
  }
  if (policy === 'RequireDualStack') return v4 && v6 ? ['IPv4', 'IPv6'] : null;
  const listed: ('IPv4' | 'IPv6')[] =
    svc.ipFamilies.length > 0 ? [...svc.ipFamilies] : ['IPv4', 'IPv6'];
  return [...new Set(listed)].filter(enabled);
}

const MESSAGES: Record<IpamReason, string> = {
  satisfied: '',
  no_pool: 'There are no enabled CiliumLoadBalancerIPPools that match this service',
  pool_selector_mismatch: "The pool containing the requested IP doesn't select this service",
  out_of_ips:
    'All enabled CiliumLoadBalancerIPPools that match this service ran out of allocatable IPs',
  already_allocated: 'The requested IP is already allocated to another service',
  already_allocated_incompatible_service:
    'The requested IP is allocated to a service with the same sharing key that cannot share it',
};

function byPoolAge(a: LoadBalancerIPPool, b: LoadBalancerIPPool): number {
  return (
    a.meta.creationTimestamp.localeCompare(b.meta.creationTimestamp) ||
    a.meta.name.localeCompare(b.meta.name)
  );
}

/** Runs LB-IPAM over the cluster. With no pool at all LB-IPAM is dormant and returns nothing. */
export function allocateLbIps(cluster: Cluster, opts: LbIpamOptions = {}): LbIpamResult {
  if (cluster.lbPools.length === 0) return { allocations: [], pools: [], conditions: [] };
  const v4 = opts.ipv4Enabled ?? true;
  const v6 = opts.ipv6Enabled ?? true;
  const conditions: Condition[] = [];

  // Conflicts: the newer of two overlapping pools (creationTimestamp) is disabled entirely.
  const conflictMsg = new Map<string, string>();
  const live: IpRange[] = [];
  const rangesByPool = new Map<string, IpRange[]>();
  for (const pool of [...cluster.lbPools].sort(byPoolAge)) {
    const ranges = poolRanges(pool);
    rangesByPool.set(pool.meta.name, ranges);
    let msg: string | undefined;
    ranges.forEach((r, i) => {
      if (msg !== undefined) return;
      const hit = [...live, ...ranges.slice(0, i)].find((o) => overlaps(o, r));
      if (hit)
        msg = `Pool conflicts since range '${formatRange(r)}' overlaps range '${formatRange(hit)}' from IP Pool '${hit.pool.meta.name}'`;
    });
    if (msg !== undefined) conflictMsg.set(pool.meta.name, msg);
    else live.push(...ranges);
  }
  const pools = [...cluster.lbPools].sort((a, b) => a.meta.name.localeCompare(b.meta.name));
  const usable = (p: LoadBalancerIPPool): boolean => !conflictMsg.has(p.meta.name);

  const services = cluster.services.filter((s) => lbIpamServes(s, opts)).map(lbServiceInfo);
  const holdings = new Map<string, Holding>();
  const hkey = (isV6: boolean, ip: bigint): string => `${isV6 ? 6 : 4}:${ip}`;
  const held = new Map<string, Holding[]>();
  const take = (s: LbServiceInfo, range: IpRange, ip: bigint): void => {
    const k = hkey(range.v6, ip);
    const h = holdings.get(k) ?? { range, ip, services: [] };
    h.services.push(s);
    holdings.set(k, h);
    held.set(s.key, [...(held.get(s.key) ?? []), h]);
  };
  const containing = (isV6: boolean, ip: bigint): IpRange[] =>
    pools
      .filter(usable)
      .flatMap((p) =>
        rangesByPool
          .get(p.meta.name)!
          .filter((r) => r.v6 === isV6 && r.first <= ip && ip <= r.last),
      );
  const selectsSvc = (p: LoadBalancerIPPool, s: LbServiceInfo): boolean =>
    selects(p.serviceSelector, serviceLabels(s.svc), 'all');
  const shareable = (s: LbServiceInfo, h: Holding): boolean =>
    h.services.every((o) => canShare(s, o));

  // Pass 1: keep still-valid addresses the Services already hold (stability).
  for (const s of [...services].sort((a, b) => a.key.localeCompare(b.key))) {
    const families = wantedFamilies(s.svc, v4, v6) ?? [];
    const kept = new Set<boolean>();
    for (const text of s.svc.ingressIPs) {
      const isV6 = text.includes(':');
      if (
        s.requested.length > 0
          ? !s.requested.includes(text)
          : !families.includes(isV6 ? 'IPv6' : 'IPv4') || kept.has(isV6)
      )
        continue;
      const ip = ipToBigInt(text);
      // A disabled pool keeps its existing allocations; a conflicting or removed range does not.
      const range = containing(isV6, ip).find((r) => selectsSvc(r.pool, s));
      if (!range) continue;
      const h = holdings.get(hkey(isV6, ip));
      if (h && !shareable(s, h)) continue;
      if (h?.services.includes(s)) continue;
      take(s, range, ip);
      kept.add(isV6);
    }
  }

  // Pass 2: allocate what is missing.
  const failures = new Map<string, { reason: IpamReason; message: string }>();
  const order = [...services].sort(
    (a, b) =>
      a.svc.meta.creationTimestamp.localeCompare(b.svc.meta.creationTimestamp) ||
      a.key.localeCompare(b.key),
  );
  for (const s of order) {
    const fail = (reason: IpamReason, message = MESSAGES[reason]): void => {
      if (!failures.has(s.key)) failures.set(s.key, { reason, message });
    };
    const mine = (): Holding[] => held.get(s.key) ?? [];
    if (s.requested.length > 0) {
      for (const text of s.requested) {
        if (!isIp(text)) {
          fail('no_pool', `No pool exists with a CIDR containing '${text}'`);
          continue;
        }
        const isV6 = text.includes(':');
        const ip = ipToBigInt(text);
        if (mine().some((h) => h.range.v6 === isV6 && h.ip === ip)) continue;
        const ranges = containing(isV6, ip);
        if (ranges.length === 0) {
          fail('no_pool', `No pool exists with a CIDR containing '${text}'`);
          continue;
        }
        const enabled = ranges.filter((r) => !r.pool.disabled);
        if (enabled.length === 0) {
          fail('no_pool');
          continue;
        }
        const range = enabled.find((r) => selectsSvc(r.pool, s));
        if (!range) {
          fail('pool_selector_mismatch');
          continue;
        }
        const h = holdings.get(hkey(isV6, ip));
        if (h && !shareable(s, h)) {
          fail(
            h.services.some((o) => o.sharingKey !== undefined && o.sharingKey === s.sharingKey)
              ? 'already_allocated_incompatible_service'
              : 'already_allocated',
          );
          continue;
        }
        take(s, range, ip);
      }
    } else {
      const families = wantedFamilies(s.svc, v4, v6);
      if (families === null) {
        fail(
          'no_pool',
          'Service requires dual stack but the cluster does not have both IPv4 and IPv6 enabled',
        );
        continue;
      }
      for (const f of families) {
        const isV6 = f === 'IPv6';
        if (mine().some((h) => h.range.v6 === isV6)) continue;
        // With a sharing key, first reuse an address of the same key.
        if (s.sharingKey !== undefined) {
          const reuse = [...holdings.values()]
            .filter(
              (h) => h.range.v6 === isV6 && h.services.some((o) => o.sharingKey === s.sharingKey),
            )
            .sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0))
            .find((h) => usable(h.range.pool) && selectsSvc(h.range.pool, s) && shareable(s, h));
          if (reuse) {
            take(s, reuse.range, reuse.ip);
            continue;
          }
        }
        let eligible = false;
        let done = false;
        for (const p of pools) {
          if (done || !usable(p) || p.disabled || !selectsSvc(p, s)) continue;
          for (const r of rangesByPool.get(p.meta.name)!) {
            if (r.v6 !== isV6 || rangeSize(r) === 0n) continue;
            eligible = true;
            let ip = r.first;
            while (ip <= r.last && holdings.has(hkey(isV6, ip))) ip++;
            if (ip <= r.last) {
              take(s, r, ip);
              done = true;
              break;
            }
          }
        }
        if (!done) fail(eligible ? 'out_of_ips' : 'no_pool');
      }
    }
  }

  const allocations: LbAllocation[] = [...services]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((s) => {
      const hs = [...(held.get(s.key) ?? [])].sort(
        (a, b) =>
          Number(a.range.v6) - Number(b.range.v6) || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0),
      );
      const f = failures.get(s.key);
      const ok = f === undefined && hs.length > 0;
      const reason = f ?? { reason: 'no_pool' as const, message: MESSAGES.no_pool };
      conditions.push({
        object: `Service/${s.key}`,
        type: IPAM_REQUEST_SATISFIED,
        status: ok ? 'True' : 'False',
        reason: ok ? 'satisfied' : reason.reason,
        message: ok ? '' : reason.message,
      });
      return {
        namespace: s.svc.meta.namespace,
        service: s.svc.meta.name,
        ips: hs.map((h) => bigIntToIp(h.ip, h.range.v6)),
        pools: hs.map((h) => h.range.pool.meta.name),
        sharingKey: s.sharingKey ?? null,
      };
    });

  const poolStatus: LbPoolStatus[] = pools.map((p) => {
    const conflicting = conflictMsg.has(p.meta.name);
    const total = rangesByPool.get(p.meta.name)!.reduce((n, r) => n + rangeSize(r), 0n);
    const used = BigInt([...holdings.values()].filter((h) => h.range.pool === p).length);
    const available = conflicting ? 0n : total - used;
    const obj = `CiliumLoadBalancerIPPool/${p.meta.name}`;
    for (const [type, n] of [
      [PoolConditionType.IPS_TOTAL, total],
      [PoolConditionType.IPS_AVAILABLE, available],
      [PoolConditionType.IPS_USED, used],
    ] as const) {
      conditions.push({
        object: obj,
        type,
        status: 'Unknown',
        reason: 'noreason',
        message: String(n),
      });
    }
    conditions.push(
      conflicting
        ? {
            object: obj,
            type: PoolConditionType.POOL_CONFLICT,
            status: 'True',
            reason: 'cidr_overlap',
            message: conflictMsg.get(p.meta.name)!,
          }
        : {
            object: obj,
            type: PoolConditionType.POOL_CONFLICT,
            status: 'False',
            reason: 'resolved',
            message: '',
          },
    );
    return {
      name: p.meta.name,
      conflicting,
      disabled: p.disabled,
      ipsTotal: String(total),
      ipsAvailable: String(available),
      ipsUsed: String(used),
    };
  });
  return { allocations, pools: poolStatus, conditions };
}

/**
 * The LoadBalancer ingress addresses BGP advertises, by `namespace/name`: LB-IPAM's allocation
 * for Services it serves (when it is active), otherwise the Service's own status.
 */
export function effectiveIngressIPs(
  cluster: Cluster,
  result: LbIpamResult,
  opts: LbIpamOptions = {},
): Map<string, readonly string[]> {
  const out = new Map<string, readonly string[]>();
  const active = cluster.lbPools.length > 0;
  const alloc = new Map(result.allocations.map((a) => [`${a.namespace}/${a.service}`, a.ips]));
  for (const svc of cluster.services) {
    const key = serviceKey(svc);
    out.set(key, active && lbIpamServes(svc, opts) ? (alloc.get(key) ?? []) : svc.ingressIPs);
  }
  return out;
}
