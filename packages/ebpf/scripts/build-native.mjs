#!/usr/bin/env node
// Builds the optional native parts of @bgp/ebpf: the libbpf N-API addon (node-gyp, in native/)
// and the XDP blackhole object (clang -target bpf). A machine without libbpf-dev or a toolchain
// still installs the package: this script then warns and exits 0, and the addon loader reports
// what is missing when the addon is first used.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const native = join(root, 'native');
const out = join(native, 'build');

function warn(message) {
  console.warn(`@bgp/ebpf: ${message}; the BPF features will be unavailable until it is fixed.`);
}

function have(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

function buildAddon() {
  if (!have('pkg-config', ['--exists', 'libbpf'])) {
    warn('libbpf not found by pkg-config (install libbpf-dev and pkg-config)');
    return false;
  }
  // Inside an npm lifecycle script npm names its own bundled node-gyp; else the devDependency.
  let gyp = process.env.npm_config_node_gyp;
  if (!gyp || !existsSync(gyp)) {
    try {
      gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
    } catch {
      warn('node-gyp is not installed (it is a devDependency of @bgp/ebpf)');
      return false;
    }
  }
  const args = [gyp, 'rebuild', `--directory=${native}`];
  // Distribution builds of Node ship their headers in <prefix>/include/node: use them instead of
  // downloading headers, which fails on machines without access to nodejs.org.
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    warn('node-gyp failed to build the addon (needs a C++ toolchain, python3, make, libbpf-dev)');
    return false;
  }
  return true;
}

function multiarchInclude() {
  try {
    const triple = execFileSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).trim();
    if (triple) return `/usr/include/${triple}`;
  } catch {}
  const m = { x64: 'x86_64', arm64: 'aarch64' }[arch()] ?? arch();
  return `/usr/include/${m}-linux-gnu`;
}

function buildBpf() {
  if (!have('clang', ['--version'])) {
    warn('clang not found (needed to compile bpf/blackhole.bpf.c)');
    return false;
  }
  mkdirSync(out, { recursive: true });
  const r = spawnSync(
    'clang',
    [
      '-O2',
      '-g',
      '-target',
      'bpf',
      // <asm/types.h> lives in the multiarch directory, which -target bpf does not search.
      `-I${multiarchInclude()}`,
      '-c',
      join(root, 'bpf', 'blackhole.bpf.c'),
      '-o',
      join(out, 'blackhole.bpf.o'),
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) {
    warn('clang failed to compile bpf/blackhole.bpf.c (needs libbpf-dev and linux-libc-dev)');
    return false;
  }
  return true;
}

const addon = buildAddon();
const bpf = buildBpf();
if (addon && bpf)
  console.log('@bgp/ebpf: built native/build/Release/bgp_ebpf.node and blackhole.bpf.o');
process.exit(0);
