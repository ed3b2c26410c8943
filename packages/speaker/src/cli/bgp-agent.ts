/**
 * Entry point of the `bgp-agent` bin.
 *
 * @module
 */
import { agentMain } from './agent-main.js';

agentMain(process.argv.slice(2)).then(
  (code) => {
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(
      `bgp-agent: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
