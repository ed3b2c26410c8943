// `npm start` (after the build): bgp-agent for node worker-1 of examples/demo/cluster.yaml,
// peered with two top-of-rack speakers built from the same library on 127.0.0.2 and 127.0.0.3
// (port 11179). Prints the `bgp peers` table and what each ToR received, then exits:
// 0 on success, 1 with the reason otherwise.
//
//   node scripts/demo.mjs [--peer ours|gobgpd|bird]
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = process.argv.slice(2);
const peerIndex = args.indexOf('--peer');
const peer = peerIndex >= 0 ? args[peerIndex + 1] : 'ours';

let speaker;
try {
  speaker = await import('../packages/speaker/dist/index.js');
} catch (err) {
  console.error(`demo: @bgp/speaker is not built (${err.message}); run \`npm run build\` first.`);
  process.exit(1);
}
const timer = setTimeout(() => {
  console.error('demo failed: did not finish within 20 s');
  process.exit(1);
}, 20_000);
timer.unref();
const result =
  peer === 'ours'
    ? await speaker.runDemo({ file: here('../examples/demo/cluster.yaml') })
    : await speaker.runDemo({ file: here('../examples/demo/cluster.yaml'), daemon: peer });
process.exit(result.exitCode);
