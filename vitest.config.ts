import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string): string =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import the packages by name; the aliases point them at the sources so that
// `vitest` needs no build. Tests of the built artefacts (bins, addon) load dist/ themselves.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@bgp\/wire$/, replacement: src('wire') },
      { find: /^@bgp\/fsm$/, replacement: src('fsm') },
      { find: /^@bgp\/rib$/, replacement: src('rib') },
      { find: /^@bgp\/policy$/, replacement: src('policy') },
      { find: /^@bgp\/ebpf$/, replacement: src('ebpf') },
      { find: /^@bgp\/speaker$/, replacement: src('speaker') },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/fc-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
    pool: 'forks',
  },
});
