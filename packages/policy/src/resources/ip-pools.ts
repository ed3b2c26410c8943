/**
 * CiliumLoadBalancerIPPool (LB-IPAM address pools) and CiliumPodIPPool (multi-pool IPAM pools).
 *
 * Schema: Cilium `v2/lbipam_types.go` (blocks of `cidr` or `start`/`stop`, `serviceSelector`,
 * `allowFirstLastIPs`, `disabled`; deprecated `cidrs`) and `v2alpha1/ippool_types.go`.
 *
 * @module
 */
import { parseAddress } from '@bgp/wire';
import type { Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';
import type { LabelSelector } from '../selector.js';
import { isCidr, isIp, parseMeta } from './common.js';

/** One block of a pool: a CIDR, or an inclusive start..stop range. */
export interface PoolBlock {
  /** The CIDR, when the block was given as one. */
  readonly cidr: string | undefined;
  /** First address (the CIDR's network address for CIDR blocks). */
  readonly start: string;
  /** Last address (stop defaults to start). */
  readonly stop: string;
}

/** A validated CiliumLoadBalancerIPPool. */
export interface LoadBalancerIPPool {
  /** Discriminator. */
  readonly kind: 'CiliumLoadBalancerIPPool';
  /** API version. */
  readonly apiVersion: string;
  /** Metadata (creationTimestamp decides which of two overlapping pools conflicts). */
  readonly meta: ObjectMeta;
  /** Address blocks, in spec order. */
  readonly blocks: readonly PoolBlock[];
  /** Selects the Services the pool serves (nil ⇒ all). */
  readonly serviceSelector: LabelSelector | undefined;
  /** `No` reserves the first and last address of each CIDR block; unset allows them (Cilium 1.16+). */
  readonly allowFirstLastIPs: 'Yes' | 'No' | undefined;
  /** No new allocations (existing ones are kept). */
  readonly disabled: boolean;
}

/** A validated CiliumPodIPPool (only the parts the BGP model reads). */
export interface PodIPPool {
  /** Discriminator. */
  readonly kind: 'CiliumPodIPPool';
  /** API version. */
  readonly apiVersion: string;
  /** Metadata (labels are what selectors match). */
  readonly meta: ObjectMeta;
  /** IPv4 CIDRs of the pool. */
  readonly ipv4Cidrs: readonly string[];
  /** IPv6 CIDRs of the pool. */
  readonly ipv6Cidrs: readonly string[];
  /** Per-node block size for IPv4 (`ipv4.maskSize`). */
  readonly ipv4MaskSize: number | undefined;
  /** Per-node block size for IPv6 (`ipv6.maskSize`). */
  readonly ipv6MaskSize: number | undefined;
}

function parseBlock(b: Rec, out: PoolBlock[]): void {
  const cidr = b.str('cidr');
  const start = b.str('start');
  const stop = b.str('stop');
  b.end();
  if (cidr !== undefined) {
    if (start !== undefined || stop !== undefined)
      b.reader.error(b.path, 'cidr and start/stop are mutually exclusive');
    if (!isCidr(cidr)) b.reader.error(b.at('cidr'), `"${cidr}" is not a CIDR`);
    else
      out.push({
        cidr,
        start: cidr.slice(0, cidr.indexOf('/')),
        stop: cidr.slice(0, cidr.indexOf('/')),
      });
    return;
  }
  if (start === undefined) {
    b.reader.error(b.path, 'one of cidr or start is required');
    return;
  }
  if (!isIp(start)) b.reader.error(b.at('start'), `"${start}" is not an IP address`);
  else if (stop !== undefined && !isIp(stop))
    b.reader.error(b.at('stop'), `"${stop}" is not an IP address`);
  else if (stop !== undefined && parseAddress(start).length !== parseAddress(stop).length) {
    b.reader.error(b.at('stop'), 'must be of the same address family as start');
  } else out.push({ cidr: undefined, start, stop: stop ?? start });
}

/** Validates a CiliumLoadBalancerIPPool. */
export function parseLoadBalancerIPPool(root: Rec, apiVersion: string): LoadBalancerIPPool {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec', { required: true });
  const blocks: PoolBlock[] = [];
  for (const b of spec?.recList('blocks') ?? []) parseBlock(b, blocks);
  if (spec?.has('cidrs')) {
    spec.reader.warn(spec.at('cidrs'), 'deprecated (before Cilium 1.15); use blocks');
    for (const b of spec.recList('cidrs')) parseBlock(b, blocks);
  }
  const serviceSelector = spec?.selector('serviceSelector');
  const allowFirstLastIPs = spec?.enum('allowFirstLastIPs', ['Yes', 'No'] as const);
  const disabled = spec?.bool('disabled', { default: false }) ?? false;
  spec?.end();
  return {
    kind: 'CiliumLoadBalancerIPPool',
    apiVersion,
    meta,
    blocks,
    serviceSelector,
    allowFirstLastIPs,
    disabled,
  };
}

/** Validates a CiliumPodIPPool. */
export function parsePodIPPool(root: Rec, apiVersion: string): PodIPPool {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec', { required: true });
  const masks: Record<string, number | undefined> = {};
  const cidrs = (key: string): string[] => {
    const f = spec?.rec(key);
    if (!f) return [];
    const list = f.strList('cidrs', { required: true });
    masks[key] = f.int('maskSize', { required: true, min: 1, max: key === 'ipv4' ? 32 : 128 });
    f.end();
    return list.filter((c, i) => {
      if (isCidr(c)) return true;
      f.reader.error(`${f.at('cidrs')}[${i}]`, `"${c}" is not a CIDR`);
      return false;
    });
  };
  const ipv4Cidrs = cidrs('ipv4');
  const ipv6Cidrs = cidrs('ipv6');
  spec?.end();
  return {
    kind: 'CiliumPodIPPool',
    apiVersion,
    meta,
    ipv4Cidrs,
    ipv6Cidrs,
    ipv4MaskSize: masks.ipv4,
    ipv6MaskSize: masks.ipv6,
  };
}
