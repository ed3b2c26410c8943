/**
 * The Kubernetes object envelope shared by every resource this package reads.
 *
 * @module
 */

/** Labels or annotations: string keys to string values. */
export type StringMap = Readonly<Record<string, string>>;

/** The parts of `metadata` the model uses. */
export interface ObjectMeta {
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`; `''` for cluster-scoped objects. */
  readonly namespace: string;
  /** `metadata.labels` (empty when absent). */
  readonly labels: StringMap;
  /** `metadata.annotations` (empty when absent). */
  readonly annotations: StringMap;
  /** `metadata.creationTimestamp` as RFC 3339 text, `''` when absent (orders pools for conflicts). */
  readonly creationTimestamp: string;
}

/** A Kubernetes object as it comes out of YAML: nothing checked yet. */
export interface RawObject {
  /** `apiVersion`, e.g. `cilium.io/v2alpha1`. */
  readonly apiVersion?: unknown;
  /** `kind`, e.g. `CiliumBGPClusterConfig`. */
  readonly kind?: unknown;
  /** `metadata`. */
  readonly metadata?: unknown;
  /** `spec`. */
  readonly spec?: unknown;
  /** `status`. */
  readonly status?: unknown;
  /** Any other top-level field (`data`, `endpoints`, `addressType`, ...). */
  readonly [field: string]: unknown;
}

/** Names an object in messages: `Kind/name`, or `Kind/namespace/name` when namespaced. */
export function objectRef(kind: string, meta: Pick<ObjectMeta, 'name' | 'namespace'>): string {
  return meta.namespace === '' ? `${kind}/${meta.name}` : `${kind}/${meta.namespace}/${meta.name}`;
}
