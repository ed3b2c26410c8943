/**
 * Entry point of the `bgp` bin.
 *
 * @module
 */
import { bgpMain } from './bgp-main.js';

bgpMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bgp: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
