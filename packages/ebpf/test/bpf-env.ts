/**
 * Test environment for @bgp/ebpf: builds the native parts if needed, mounts bpffs, and says why
 * BPF tests must skip when this machine cannot run them. Also bpftool helpers, so that what the
 * addon wrote is checked by an independent reader.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  addonStatus,
  BpfMap,
  BpfMapType,
  ensureBpffs,
  isBpfError,
  nativePaths,
} from '../src/index.js';

const LOCK = '/tmp/bgp-ebpf-build.lock';

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function newer(out: string, src: string): boolean {
  return existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs;
}

// Test files run in parallel workers: one builds, the others wait on a lock directory.
function buildIfNeeded(): void {
  const obj = nativePaths.blackholeObject;
  const src = join(nativePaths.root, 'bpf', 'blackhole.bpf.c');
  if (existsSync(nativePaths.addon) && newer(obj, src)) return;
  for (let i = 0; ; i++) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // A lock left by a killed run (older than 5 minutes) is taken over.
      let age = 0;
      try {
        age = Date.now() - statSync(LOCK).mtimeMs;
      } catch {}
      if (age > 300_000) rmSync(LOCK, { recursive: true, force: true });
      if (i > 3000) throw new Error(`lock ${LOCK} held for 5 minutes`);
      sleepSync(100);
    }
  }
  try {
    if (existsSync(nativePaths.addon) && newer(obj, src)) return;
    execFileSync(process.execPath, [join(nativePaths.root, 'scripts', 'build-native.mjs')], {
      stdio: 'pipe',
    });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function probeBpf(): string | undefined {
  if (process.platform !== 'linux') return 'BPF needs Linux';
  buildIfNeeded();
  const status = addonStatus();
  if (!status.available) return `native addon unavailable: ${status.reason}`;
  try {
    ensureBpffs();
  } catch (e) {
    return `bpffs is not mounted at /sys/fs/bpf and mounting it failed (needs CAP_SYS_ADMIN): ${String(e)}`;
  }
  try {
    BpfMap.create({ type: BpfMapType.LPM_TRIE, keySize: 8, valueSize: 4, maxEntries: 1 }).close();
  } catch (e) {
    if (isBpfError(e) && e.code === 'EPERM') {
      return 'BPF map creation refused (EPERM): needs CAP_BPF or CAP_SYS_ADMIN';
    }
    return `BPF map creation failed: ${String(e)}`;
  }
  if (spawnSync('bpftool', ['version'], { stdio: 'ignore' }).status !== 0) {
    return 'bpftool is not installed (apt-get install bpftool)';
  }
  return undefined;
}

/** Why BPF tests skip here, or undefined when they run. */
export const bpfSkip: string | undefined = probeBpf();

/** Why the XDP end-to-end test skips here, or undefined when it runs. */
export const netnsSkip: string | undefined = (() => {
  if (bpfSkip) return bpfSkip;
  if (!existsSync(nativePaths.blackholeObject)) {
    return `XDP object not built (${nativePaths.blackholeObject}): needs clang`;
  }
  if (spawnSync('ip', ['-V'], { stdio: 'ignore' }).status !== 0)
    return 'iproute2 (ip) is not installed';
  const name = `bgpt-probe-${randomBytes(3).toString('hex')}`;
  const r = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (r.status !== 0)
    return `ip netns add failed (needs CAP_SYS_ADMIN and CAP_NET_ADMIN): ${r.stderr}`;
  spawnSync('ip', ['netns', 'del', name]);
  return undefined;
})();

if (bpfSkip) console.warn(`@bgp/ebpf BPF tests skipped: ${bpfSkip}`);

/** A fresh directory on bpffs for pins; remove it with {@link removePinDir}. */
export function makePinDir(): string {
  const dir = `/sys/fs/bpf/bgpt-${randomBytes(4).toString('hex')}`;
  mkdirSync(dir);
  return dir;
}

/** Removes a pin directory and every pin in it. */
export function removePinDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs bpftool with JSON output and parses it. */
export function bpftool(args: string[]): unknown {
  const out = execFileSync('bpftool', ['-j', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return JSON.parse(out);
}

const hexBytes = (a: string[]): Uint8Array => Uint8Array.from(a.map((h) => Number.parseInt(h, 16)));

/** A map's entries as bpftool sees them: key hex to value bytes (per-CPU: concatenated). */
export function bpftoolDump(id: number): Map<string, Uint8Array> {
  const rows = bpftool(['map', 'dump', 'id', String(id)]) as Array<{
    key: string[];
    value?: string[];
    values?: Array<{ cpu: number; value: string[] }>;
  }>;
  const out = new Map<string, Uint8Array>();
  for (const r of rows) {
    const value = r.value
      ? hexBytes(r.value)
      : Uint8Array.from((r.values ?? []).flatMap((v) => [...hexBytes(v.value)]));
    out.set(hex(hexBytes(r.key)), value);
  }
  return out;
}

/** Looks one key up with bpftool: the value bytes, or undefined when absent. */
export function bpftoolLookup(id: number, key: Uint8Array): Uint8Array | undefined {
  const r = spawnSync(
    'bpftool',
    [
      '-j',
      'map',
      'lookup',
      'id',
      String(id),
      'key',
      'hex',
      ...[...key].map((b) => b.toString(16).padStart(2, '0')),
    ],
    { encoding: 'utf8' },
  );
  // bpftool prints `null` for an absent key.
  const parsed = JSON.parse(r.stdout) as { value?: string[]; error?: string } | null;
  if (parsed === null) return undefined;
  if (parsed.error) {
    if (/No such file|not found/i.test(parsed.error)) return undefined;
    throw new Error(parsed.error);
  }
  return hexBytes(parsed.value ?? []);
}

/** Bytes as lowercase hex. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
