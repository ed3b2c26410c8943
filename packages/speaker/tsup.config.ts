import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'cli/bgp-agent': 'src/cli/bgp-agent.ts',
    'cli/bgp': 'src/cli/bgp.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  // Interop workaround: @bgp/policy's package.json does not list @bgp/wire, so its own dist
  // bundles wire (and unbzip2-stream, whose `require('stream')` fails in ESM). Bundling policy
  // from its sources keeps @bgp/wire external here. Remove once policy declares the dependency.
  noExternal: ['@bgp/policy'],
  esbuildOptions(options) {
    options.alias = {
      '@bgp/policy': fileURLToPath(new URL('../policy/src/index.ts', import.meta.url)),
    };
  },
});
