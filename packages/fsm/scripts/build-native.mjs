#!/usr/bin/env node
// Builds the socket-option addon (native/) with node-gyp. The addon is optional: @bgp/fsm works
// without it and only TCP-MD5 / TTL / GTSM configuration fails (with an error that says why), so
// a missing toolchain is a warning and this script still exits 0.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nativeDir = resolve(here, '..', 'native');
const require = createRequire(import.meta.url);

function warn(message) {
  console.warn(`@bgp/fsm: native socket options not built: ${message}`);
  console.warn('@bgp/fsm: TCP-MD5, IP_TTL and IP_MINTTL will be unavailable (sockoptAvailable()).');
  process.exit(0);
}

if (process.platform !== 'linux') warn(`platform ${process.platform} is not supported`);

let gypBin;
try {
  const pkg = require.resolve('node-gyp/package.json');
  gypBin = join(dirname(pkg), 'bin', 'node-gyp.js');
} catch {
  warn('node-gyp is not installed');
}

const args = [gypBin, 'rebuild'];
// Distribution builds of node (Debian's /usr/bin/node) ship their headers next to the binary;
// pointing node-gyp there avoids a download that fails on offline machines.
const localHeaders = resolve(dirname(process.execPath), '..', 'include', 'node');
if (existsSync(join(localHeaders, 'common.gypi')) && existsSync(join(localHeaders, 'node_api.h'))) {
  args.push(`--nodedir=${resolve(localHeaders, '..', '..')}`);
}

const result = spawnSync(process.execPath, args, { cwd: nativeDir, stdio: 'inherit' });
if (result.error) warn(result.error.message);
if (result.status !== 0) warn(`node-gyp exited with status ${result.status}`);
console.log('@bgp/fsm: built native/build/Release/bgp_sockopt.node');
