/**
 * Adj-RIB-In, Loc-RIB with explained best-path selection and Adj-RIB-Out with update packing;
 * and the {@link DatapathSink} interface through which routes reach a forwarding plane.
 *
 * Routes enter through {@link Rib.announce} / {@link ingestUpdate}, attribute sets are interned
 * once, the RFC 4271 §9.1 decision process picks (and can {@link Rib.explain | explain}) the best
 * path, and {@link Rib.flush} hands change batches to {@link AdjRibOut} (UPDATE generation) and
 * {@link DatapathFeeder} (forwarding plane).
 *
 * @example
 * ```ts
 * import { asSequence, MemorySink, Rib, routeAttributes, DatapathFeeder } from '@bgp/rib';
 * import { parseAddress, parsePrefix } from '@bgp/wire';
 *
 * const rib = new Rib({ localAsn: 65000, routerId: 0x0a000001 });
 * const peer = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 0xc0000201 });
 * const feeder = new DatapathFeeder(rib);
 * const sink = new MemorySink();
 * feeder.attach(sink);
 * rib.announce(peer, parsePrefix('10.0.0.0/8'),
 *   routeAttributes({ nextHop: parseAddress('192.0.2.1'), asPath: asSequence(65001) }));
 * rib.flush();
 * await feeder.idle();
 * console.log((await sink.snapshot()).size); // 1
 * console.log(rib.explain(parsePrefix('10.0.0.0/8')).candidates[0]?.best); // true
 * ```
 *
 * @packageDocumentation
 * @module @bgp/rib
 */
export * from './adj-rib-out.js';
export * from './attribute-codec.js';
export * from './attribute-store.js';
export * from './confederation.js';
export * from './datapath.js';
export * from './datapath-feeder.js';
export * from './decision.js';
export * from './export-rules.js';
export * from './key-table.js';
export * from './loc-rib-batch.js';
export * from './mrt.js';
export * from './peer.js';
export * from './prefix-key.js';
export * from './rib.js';
export * from './route-attributes.js';
export * from './update-packer.js';
export * from './wire-adapter.js';
