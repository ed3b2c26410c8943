import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'cli/bgp-policy': 'src/cli/bgp-policy.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  splitting: false,
  // Resolved at run time from the workspace: bundling @bgp/wire would inline its CommonJS
  // dependencies (unbzip2-stream), which cannot be required from an ES module bundle.
  external: ['@bgp/wire'],
});
