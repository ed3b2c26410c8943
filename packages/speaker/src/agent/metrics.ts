/**
 * Prometheus metrics of the agent, named and labelled as Cilium's BGP Control Plane names them
 * (`pkg/bgp/metrics`): `cilium_bgp_control_plane_session_state` (1 Established, 0 not),
 * `_advertised_routes` and `_received_routes` per family, with the labels `vrouter` (local
 * ASN), `neighbor` (`address:port`), `neighbor_asn`, `afi`, `safi`; reconcile errors and
 * durations; and the process metrics of prom-client.
 *
 * @module
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Agent } from './agent.js';

const PREFIX = 'cilium_bgp_control_plane_';

/**
 * Builds the registry of an agent. Gauges are computed from the speaker's status at scrape time.
 *
 * @example
 * ```ts
 * const registry = agentMetrics(agent);
 * console.log(await registry.metrics());
 * ```
 */
export function agentMetrics(
  agent: Agent,
  options: { readonly processMetrics?: boolean } = {},
): Registry {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const peerLabels = ['vrouter', 'neighbor', 'neighbor_asn'] as const;
  const familyLabels = [...peerLabels, 'afi', 'safi'] as const;
  const base = (p: ReturnType<Agent['speaker']['peers']>[number]) => ({
    vrouter: String(p.localASN),
    neighbor: `${p.peerAddress}:${p.peerPort}`,
    neighbor_asn: String(p.peerASN),
  });
  // Computed at scrape time from the speaker's status, so that removed peers do not linger.
  new Gauge({
    name: `${PREFIX}session_state`,
    help: 'Current state of the BGP session with the peer, Up = 1 or Down = 0',
    labelNames: peerLabels,
    registers: [registry],
    collect() {
      this.reset();
      for (const p of agent.speaker.peers())
        this.set(base(p), p.sessionState === 'Established' ? 1 : 0);
    },
  });
  for (const [what, help] of [
    ['advertised', 'Number of routes advertised to the peer'],
    ['received', 'Number of routes received from the peer'],
  ] as const) {
    new Gauge({
      name: `${PREFIX}${what}_routes`,
      help,
      labelNames: familyLabels,
      registers: [registry],
      collect() {
        this.reset();
        for (const p of agent.speaker.peers())
          for (const f of p.families) this.set({ ...base(p), afi: f.afi, safi: f.safi }, f[what]);
      },
    });
  }
  const errors = new Counter({
    name: `${PREFIX}reconcile_errors_total`,
    help: 'Number of reconcile errors',
    labelNames: ['component'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${PREFIX}reconcile_run_duration_seconds`,
    help: 'Duration of reconcile runs',
    labelNames: ['component', 'outcome'],
    registers: [registry],
  });
  agent.onReconcile = (r, seconds) => {
    if (!r.applied) errors.inc({ component: 'agent' });
    duration.observe({ component: 'agent', outcome: r.applied ? 'success' : 'failure' }, seconds);
  };
  return registry;
}
