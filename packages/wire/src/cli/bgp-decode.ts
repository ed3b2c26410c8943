#!/usr/bin/env node
/**
 * bgp-decode: decodes BGP messages (hex lines) and MRT files to JSON lines. The executable
 * wrapper around {@link main}; see `bgp-decode --help`.
 *
 * @module
 */
import { main } from './main.js';

// `bgp-decode … | head` closes stdout early; that is the reader's choice, not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `bgp-decode: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
