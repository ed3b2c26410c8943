/**
 * The reference composition of the `@bgp` packages: a {@link Speaker} (several BGP instances,
 * peers changed at run time, originated routes, export and import hooks, datapath sinks,
 * graceful restart, typed events, status), the `bgp-agent` daemon driven by Cilium YAML, and the
 * `bgp` CLI that talks to it.
 *
 * @example
 * ```ts
 * import { Speaker } from '@bgp/speaker';
 *
 * const speaker = new Speaker();
 * await speaker.addInstance({ name: 'default', asn: 65001, routerId: '192.0.2.1' });
 * speaker.addPeer('default', { address: '127.0.0.2', port: 1179, asn: 65100 });
 * speaker.originate('default', '10.244.1.0/24', { communities: ['65001:100'] });
 * speaker.on('peer:up', ({ name }) => console.log(name, 'is up'));
 * await speaker.start();
 * ```
 *
 * @packageDocumentation
 * @module @bgp/speaker
 */

export * from './agent/agent.js';
export * from './agent/api.js';
export * from './agent/format.js';
export * from './agent/metrics.js';
export * from './agent/plan.js';
export * from './attributes.js';
export * from './cli/agent-main.js';
export * from './cli/bgp-main.js';
export * from './demo/run-demo.js';
export * from './peer.js';
export * from './rib-adapter.js';
export * from './speaker.js';
export * from './types.js';
