/**
 * LB-IPAM inputs and results.
 *
 * @module
 */
import type { Condition } from '../diagnostics.js';

/** Cluster-wide LB-IPAM settings (Cilium agent/operator flags). */
export interface LbIpamOptions {
  /** IPv4 enabled in the cluster (default true). */
  readonly ipv4Enabled?: boolean;
  /** IPv6 enabled in the cluster (default true). */
  readonly ipv6Enabled?: boolean;
  /** Who serves Services without loadBalancerClass (`--default-lb-service-ipam`, default `lbipam`). */
  readonly defaultLBServiceIPAM?: 'lbipam' | 'nodeipam' | 'none';
  /** BGP control plane enabled: class `io.cilium/bgp-control-plane` is served (default true). */
  readonly bgpControlPlaneEnabled?: boolean;
  /** L2 announcements enabled: class `io.cilium/l2-announcer` is served (default false). */
  readonly l2AnnouncementsEnabled?: boolean;
}

/** The addresses LB-IPAM gave one Service. */
export interface LbAllocation {
  /** Service namespace. */
  readonly namespace: string;
  /** Service name. */
  readonly service: string;
  /** Allocated addresses (IPv4 first), what `status.loadBalancer.ingress` receives. */
  readonly ips: readonly string[];
  /** The pool each address came from, parallel to `ips`. */
  readonly pools: readonly string[];
  /** Sharing key, when the Service has one. */
  readonly sharingKey: string | null;
}

/** A pool's status. Counts are decimal strings: an IPv6 pool can exceed 2^53 addresses. */
export interface LbPoolStatus {
  /** Pool name. */
  readonly name: string;
  /** Marked conflicting (all its ranges disabled). */
  readonly conflicting: boolean;
  /** Disabled by spec. */
  readonly disabled: boolean;
  /** Usable addresses. */
  readonly ipsTotal: string;
  /** Usable addresses not allocated. */
  readonly ipsAvailable: string;
  /** Allocated addresses. */
  readonly ipsUsed: string;
}

/** What LB-IPAM computed for the cluster. */
export interface LbIpamResult {
  /** Allocations of every Service LB-IPAM serves, sorted by namespace and name. */
  readonly allocations: readonly LbAllocation[];
  /** Pool status, sorted by name. */
  readonly pools: readonly LbPoolStatus[];
  /** Service and pool conditions with Cilium's types and reasons. */
  readonly conditions: readonly Condition[];
}

/** Service condition type set by LB-IPAM. */
export const IPAM_REQUEST_SATISFIED = 'cilium.io/IPAMRequestSatisfied';

/** Pool condition types. */
export const PoolConditionType = {
  IPS_TOTAL: 'cilium.io/IPsTotal',
  IPS_AVAILABLE: 'cilium.io/IPsAvailable',
  IPS_USED: 'cilium.io/IPsUsed',
  POOL_CONFLICT: 'cilium.io/PoolConflict',
} as const;

/** Reasons of {@link IPAM_REQUEST_SATISFIED}. */
export type IpamReason =
  | 'satisfied'
  | 'no_pool'
  | 'pool_selector_mismatch'
  | 'out_of_ips'
  | 'already_allocated'
  | 'already_allocated_incompatible_service';
