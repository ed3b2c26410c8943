/**
 * The reference composition of the `@bgp` packages: a Speaker, the bgp-agent daemon and the bgp CLI.
 *
 * @example
 * ```ts
 * import { SPEAKER_PACKAGES } from '@bgp/speaker';
 * console.log(SPEAKER_PACKAGES);
 * ```
 *
 * @packageDocumentation
 * @module @bgp/speaker
 */

/** The packages a speaker composes, in dependency order. */
export const SPEAKER_PACKAGES = ['@bgp/wire', '@bgp/fsm', '@bgp/rib', '@bgp/policy'] as const;
