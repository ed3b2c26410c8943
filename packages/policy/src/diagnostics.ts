/**
 * Diagnostics: validation errors, warnings and Kubernetes-style status conditions.
 *
 * Every problem names the object (`Kind/name` or `Kind/namespace/name`), the field path
 * (`spec.timers.keepAliveTimeSeconds`) and the reason, so that a user can find it in the YAML.
 *
 * @module
 */

/** A field that failed validation. The object carrying it is dropped, as the API server would reject it. */
export interface ValidationError {
  /** `Kind/name` or `Kind/namespace/name`; for unparsable YAML, `file#document`. */
  readonly object: string;
  /** Dotted field path, e.g. `spec.bgpInstances[0].peers[1].peerASN`. */
  readonly path: string;
  /** Why the value was refused. */
  readonly reason: string;
  /** `object: path: reason`, ready to print. */
  readonly message: string;
}

/** Something accepted but worth telling: a pruned unknown field, an ignored setting, a precedence rule. */
export interface Warning {
  /** The object concerned (same format as {@link ValidationError.object}). */
  readonly object: string;
  /** Field path, or `''` when the warning is about the whole object. */
  readonly path: string;
  /** What happened and why. */
  readonly message: string;
}

/** A status condition as Cilium's operator would set it on a resource. */
export interface Condition {
  /** The object carrying the condition (`Kind/name`, `Service/ns/name`). */
  readonly object: string;
  /** Condition type, e.g. `cilium.io/NoMatchingNode`. */
  readonly type: string;
  /** `True`, `False` or `Unknown`, as Kubernetes spells them. */
  readonly status: 'True' | 'False' | 'Unknown';
  /** Machine-readable reason, e.g. `ConflictingClusterConfigs`. */
  readonly reason: string;
  /** Human-readable detail. */
  readonly message: string;
}

/** Builds a {@link ValidationError} with its printable message. */
export function validationError(object: string, path: string, reason: string): ValidationError {
  return { object, path, reason, message: `${object}: ${path}: ${reason}` };
}

/** Formats a warning as one line. */
export function formatWarning(w: Warning): string {
  return w.path === '' ? `${w.object}: ${w.message}` : `${w.object}: ${w.path}: ${w.message}`;
}
