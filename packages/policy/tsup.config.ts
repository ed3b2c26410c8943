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
  // A dependency, so tsup keeps it external anyway; said explicitly because bundling @bgp/wire
  // would inline its CommonJS dependency (unbzip2-stream), which an ES module bundle cannot require.
  external: ['@bgp/wire'],
});
