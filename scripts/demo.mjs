// `npm start` (after the build): bgp-agent for node worker-1 of examples/demo/cluster.yaml,
// peered with two top-of-rack speakers built from the same library on 127.0.0.2 and 127.0.0.3
// (port 11179). Prints the `bgp peers` table and what each ToR received, then exits:
// 0 on success, 1 with the reason otherwise.
//
//   node scripts/demo.mjs [--peer ours|gobgpd|bird] [--tor ADDR] [--rr ADDR] [--port N] [--keep [HOST:PORT]]
// --keep leaves the agent running with its API (default 127.0.0.1:9965) for `npx bgp ...`.
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const peer = flag('--peer') ?? 'ours';
if (!['ours', 'gobgpd', 'bird'].includes(peer)) {
  console.error(`demo: --peer must be ours, gobgpd or bird (not ${peer})`);
  process.exit(2);
}
const options = {
  file: here('../examples/demo/cluster.yaml'),
  ...(flag('--tor') ? { torAddress: flag('--tor') } : {}),
  ...(flag('--rr') ? { rrAddress: flag('--rr') } : {}),
  ...(flag('--port') ? { port: Number(flag('--port')) } : {}),
  ...(peer !== 'ours' ? { daemon: peer } : {}),
  ...(args.includes('--keep')
    ? {
        keep: flag('--keep')?.includes(':')
          ? flag('--keep')
          : (process.env.BGP_API ?? '127.0.0.1:9965'),
      }
    : {}),
};

let speaker;
try {
  speaker = await import('../packages/speaker/dist/index.js');
} catch (err) {
  console.error(`demo: @bgp/speaker is not built (${err.message}); run \`npm run build\` first.`);
  process.exit(1);
}
const timer = setTimeout(() => {
  if (options.keep) return;
  console.error('demo failed: did not finish within 20 s');
  process.exit(1);
}, 20_000);
timer.unref();
const result = await speaker.runDemo(options);
process.exit(result.exitCode);
