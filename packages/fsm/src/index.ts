/**
 * The RFC 4271 BGP session: the finite state machine as a pure transition function, timers
 * driven by an injected clock, OPEN validation and capability negotiation, collision detection,
 * graceful restart hooks, and a thin runtime over TCP or an in-memory transport.
 *
 * @example
 * ```ts
 * import { createMemoryTransportPair, ManualClock, Session } from '@bgp/fsm';
 *
 * const clock = new ManualClock();
 * const [a, b] = createMemoryTransportPair();
 * const left = new Session(
 *   { peerAddress: '127.0.0.2', localAs: 65001, peerAs: 65002, bgpIdentifier: 0x01010101 },
 *   { clock, connector: async () => a },
 * );
 * const right = new Session(
 *   { peerAddress: '127.0.0.1', localAs: 65002, peerAs: 0, bgpIdentifier: 0x02020202 },
 *   { clock },
 * );
 * right.on('established', ({ negotiated }) => console.log('peer AS', negotiated.peerAs)); // 65001
 * right.start();
 * left.start();
 * right.accept(b);
 * ```
 *
 * @packageDocumentation
 * @module @bgp/fsm
 */
export * from './clock.js';
export * from './events.js';
export * from './fsm.js';
export * from './listener.js';
export * from './memory-transport.js';
export * from './negotiate.js';
export * from './send-queue.js';
export * from './session.js';
export * from './session-events.js';
export * from './session-options.js';
export * from './sockopt.js';
export * from './tcp-transport.js';
export * from './timers.js';
export * from './transport.js';
