#!/usr/bin/env node
/**
 * bgp-decode: decodes BGP messages (hex lines) and MRT files to JSON lines.
 * @module
 */
process.stderr.write('bgp-decode: not built yet\n');
