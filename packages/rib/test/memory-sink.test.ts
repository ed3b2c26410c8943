import { it } from 'vitest';
import { MemorySink } from '../src/index.js';
import { sinkComplianceSuite } from '../src/testing.js';

sinkComplianceSuite(it, async () => ({
  sink: new MemorySink(),
  drift: async (sink) => (sink as MemorySink).corrupt('203.0.113.0/24', new Uint8Array(21)),
}));

// The filtered variant checks the suite's "accepts" handling from the other side.
sinkComplianceSuite(it, async () => ({
  sink: new MemorySink({ name: 'even-route-ids', filter: (r) => r.routeId % 2 === 0 }),
  drift: async (sink) => (sink as MemorySink).corrupt('203.0.113.0/24', new Uint8Array(21)),
}));
