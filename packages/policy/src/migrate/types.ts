/**
 * Migration results.
 *
 * @module
 */
import type { Warning } from '../diagnostics.js';

/** Kubernetes objects produced by a migration, plus a warning per field without an exact equivalent. */
export interface MigrationResult {
  /** Plain objects ready to serialise as YAML (apiVersion, kind, metadata, spec). */
  readonly objects: readonly Record<string, unknown>[];
  /** One warning per source field that could not be translated exactly. */
  readonly warnings: readonly Warning[];
}

/** Label keys the migrations put on generated objects so that PeerConfig families can select them. */
export const MigrationLabel = {
  /** Legacy policy name an advertisement was generated from. */
  POLICY: 'migration.bgp.cilium.io/policy',
  /** `vr<i>-n<j>`: which legacy virtual router and neighbor it serves. */
  NEIGHBOR: 'migration.bgp.cilium.io/neighbor',
  /** Prefix of per-MetalLB-BGPPeer labels (`<prefix><peer>: "true"`). */
  METALLB_PEER_PREFIX: 'peer.migration.bgp.cilium.io/',
  /** MetalLB pool a migrated Service was allocated from. */
  METALLB_POOL: 'migration.bgp.cilium.io/metallb-pool',
} as const;
