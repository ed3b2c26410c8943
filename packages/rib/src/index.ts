/**
 * Adj-RIB-In, Loc-RIB with explained best-path selection and Adj-RIB-Out with update packing;
 * and the {@link DatapathSink} interface through which routes reach a forwarding plane.
 *
 * @example
 * ```ts
 * import { MemorySink } from '@bgp/rib';
 * import { parseAddress, parsePrefix } from '@bgp/wire';
 *
 * const sink = new MemorySink();
 * await sink.apply([{ op: 'upsert', route: { prefix: parsePrefix('10.0.0.0/24'),
 *   nextHops: [parseAddress('192.0.2.1')], routeId: 1, communities: [] } }]);
 * console.log((await sink.snapshot()).size); // 1
 * ```
 *
 * @packageDocumentation
 * @module @bgp/rib
 */
export * from './datapath.js';
