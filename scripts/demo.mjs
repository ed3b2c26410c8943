// `npm start`: the main job on an embedded default. Until bgp-agent exists (issue 8), that is
// decoding the bundled sample session and MRT dump with bgp-decode.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const bin = here('../packages/wire/bin/bgp-decode.js');
const hex = here('../packages/wire/samples/session.hex');
const mrt = here('../packages/wire/samples/table.mrt.gz');

console.log(`# bgp-decode --hex < packages/wire/samples/session.hex`);
const a = spawnSync(process.execPath, [bin, '--hex'], {
  input: readFileSync(hex),
  stdio: ['pipe', 'inherit', 'inherit'],
});
console.log(`\n# bgp-decode packages/wire/samples/table.mrt.gz`);
const b = spawnSync(process.execPath, [bin, mrt], { stdio: 'inherit' });
process.exit(a.status || b.status || 0);
