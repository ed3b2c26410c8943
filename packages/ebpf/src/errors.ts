/**
 * Typed errors of `@bgp/ebpf`.
 *
 * Callers test errors by `name` and `code` (as across the repo), not only by `instanceof`, so
 * that an error that crossed a module boundary or a worker still identifies itself.
 *
 * @module
 */
import { constants } from 'node:os';

/**
 * A failed BPF operation: the kernel (or libbpf) answered with an errno.
 *
 * @example
 * ```ts
 * try {
 *   BpfMap.openPinned('/sys/fs/bpf/absent');
 * } catch (e) {
 *   if (isBpfError(e) && e.code === 'ENOENT') console.log('not pinned yet');
 * }
 * ```
 */
export class BpfError extends Error {
  override readonly name = 'BpfError';
  /** The errno name, such as `EPERM`, `ENOENT`, `E2BIG`, `ENOSPC` or `ENOTSUPP`. */
  readonly code: string;
  /** The numeric errno (positive). */
  readonly errno: number;
  /** What was being done, such as `bpf_map_update_elem` or `bpf_obj_get /sys/fs/bpf/x`. */
  readonly op: string;

  /**
   * @param code - errno name
   * @param errno - errno number
   * @param op - the operation that failed
   * @param detail - extra text for the message
   */
  constructor(code: string, errno: number, op: string, detail?: string) {
    super(`${op}: ${code}${detail ? ` (${detail})` : ''}${hint(code, op)}`);
    this.code = code;
    this.errno = errno;
    this.op = op;
  }
}

function hint(code: string, op: string): string {
  // The failures people meet first deserve a word on the cause.
  if (code === 'EPERM' && op.startsWith('bpf_obj_pin')) return ': pins must be on a bpffs mount';
  if (code === 'EPERM') {
    return ': needs CAP_BPF (or CAP_SYS_ADMIN), and CAP_NET_ADMIN for XDP; unprivileged BPF is off';
  }
  if (code === 'ENOTSUPP' || code === 'EOPNOTSUPP') return ': not supported by this kernel';
  return '';
}

/** Builds a {@link BpfError} from an errno name, looking the number up in `os.constants`. */
export function bpfError(code: string, op: string, detail?: string): BpfError {
  const errno = (constants.errno as Record<string, number>)[code] ?? 0;
  return new BpfError(code, errno, op, detail);
}

/** True for a {@link BpfError}, tested by name so that it works across module copies. */
export function isBpfError(e: unknown): e is BpfError {
  return e instanceof Error && e.name === 'BpfError' && typeof (e as BpfError).errno === 'number';
}

/**
 * Thrown when the native addon cannot be used: not built, libbpf missing, or built for another
 * Node. The message says which, and what to install or run.
 */
export class AddonUnavailableError extends Error {
  override readonly name = 'AddonUnavailableError';
  /** Stable code for programmatic checks. */
  readonly code = 'ERR_BGP_EBPF_ADDON_UNAVAILABLE';
  /** Where the addon was looked for. */
  readonly path: string;

  /**
   * @param message - what is missing and how to fix it
   * @param path - the path that was tried
   * @param cause - the loader's error
   */
  constructor(message: string, path: string, cause?: unknown) {
    super(message, { cause });
    this.path = path;
  }
}

/** Converts the plain error object thrown by the addon into a {@link BpfError}; others pass. */
export function fromNative(e: unknown): unknown {
  if (e instanceof Error && e.name === 'BpfError' && !(e instanceof BpfError)) {
    const n = e as Error & { code?: string; errno?: number; op?: string };
    // The addon's message ends with strerror text in parentheses: keep it as the detail.
    const detail = /\(([^()]*)\)$/.exec(n.message)?.[1];
    const out = new BpfError(n.code ?? 'EUNKNOWN', n.errno ?? 0, n.op ?? 'bpf', detail);
    out.stack = n.stack;
    return out;
  }
  return e;
}
