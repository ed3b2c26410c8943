#!/usr/bin/env node
// Committed shim so that npm links the bin at install time, before dist/ exists.
import('../dist/cli/bgp-agent.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('bgp-agent: @bgp/speaker is not built yet; run `npm run build` first.');
    process.exit(1);
  }
  throw err;
});
