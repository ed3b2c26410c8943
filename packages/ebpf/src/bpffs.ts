/**
 * bpffs: where maps are pinned so that they outlive the process and other programs find them.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, statfsSync } from 'node:fs';
import { bpfError } from './errors.js';

/** `BPF_FS_MAGIC` from include/uapi/linux/magic.h: the statfs type of a bpffs mount. */
export const BPF_FS_MAGIC = 0xcafe4a11;

/** Where bpffs is conventionally mounted. */
export const DEFAULT_BPFFS = '/sys/fs/bpf';

/** True when `path` exists and lies on a bpffs mount. */
export function isBpffs(path: string): boolean {
  try {
    return statfsSync(path).type === BPF_FS_MAGIC;
  } catch {
    return false;
  }
}

/**
 * Mounts bpffs at `path` unless it is already there (needs CAP_SYS_ADMIN). Returns true when it
 * mounted it.
 *
 * @throws BpfError naming the failure when `mount -t bpf` fails
 */
export function ensureBpffs(path: string = DEFAULT_BPFFS): boolean {
  if (isBpffs(path)) return false;
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'bpf', 'bpf', path], { stdio: 'pipe' });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? String(e);
    throw bpfError('EPERM', `mount -t bpf bpf ${path}`, `${stderr}; needs CAP_SYS_ADMIN`);
  }
  return true;
}

/**
 * Makes `dir` (a directory on bpffs) for pins, checking that it is on bpffs.
 *
 * @throws BpfError ENOTDIR-style EINVAL when `dir` is not under a bpffs mount
 */
export function preparePinDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  if (!isBpffs(dir)) {
    throw bpfError(
      'EINVAL',
      `pin directory ${dir}`,
      'not on a bpffs mount (mount -t bpf bpf /sys/fs/bpf)',
    );
  }
}
