/**
 * The Cilium BGP Control Plane model as pure functions over Kubernetes-shaped objects.
 *
 * @example
 * ```ts
 * import { POLICY_API_VERSIONS } from '@bgp/policy';
 * console.log(POLICY_API_VERSIONS);
 * ```
 *
 * @packageDocumentation
 * @module @bgp/policy
 */

/** API versions of the Cilium BGP resources this package reads. */
export const POLICY_API_VERSIONS = ['cilium.io/v2alpha1', 'cilium.io/v2'] as const;
