#!/usr/bin/env node
// Committed shim so that npm links the bin at install time, before dist/ exists.
import('../dist/cli/bgp.js').catch((err) => {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('bgp: @bgp/speaker is not built yet; run `npm run build` first.');
    process.exit(1);
  }
  throw err;
});
