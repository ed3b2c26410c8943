/**
 * The RFC 4271 BGP session: the finite state machine as a pure transition function, timers
 * driven by an injected clock, capability negotiation, collision detection and graceful restart,
 * run over TCP or an in-memory transport.
 *
 * @example
 * ```ts
 * import { FSM_STATES } from '@bgp/fsm';
 * console.log(FSM_STATES.join(' -> '));
 * ```
 *
 * @packageDocumentation
 * @module @bgp/fsm
 */

/** The six session states of RFC 4271 §8.2.2, in the order a session comes up. */
export const FSM_STATES = [
  'Idle',
  'Connect',
  'Active',
  'OpenSent',
  'OpenConfirm',
  'Established',
] as const;

/** A session state. */
export type SessionState = (typeof FSM_STATES)[number];
