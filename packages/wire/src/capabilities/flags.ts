/**
 * Capabilities whose presence is the whole message: their value is empty.
 *
 * - Route Refresh (code 2), RFC 2918 §2, and its pre-standard twin (code 128) that older Cisco
 *   speakers still send beside it.
 * - Extended Message (code 6), RFC 8654 §3.
 * - Enhanced Route Refresh (code 70), RFC 7313 §3.1.
 *
 * ```
 * +------------------------------+
 * | Code | Length = 0            |   (no value)
 * +------------------------------+
 * ```
 *
 * A non-zero length is malformed: each of these RFCs defines the capability length as 0.
 *
 * @module
 */
import { CapabilityCode } from '../iana.js';
import type { CapabilityDescriptor } from './descriptor.js';

/** Route Refresh capability (RFC 2918 §2). */
export interface RouteRefreshCapability {
  /** {@link CapabilityCode.ROUTE_REFRESH}. */
  readonly code: typeof CapabilityCode.ROUTE_REFRESH;
  /** Registry name. */
  readonly name: 'ROUTE_REFRESH';
}

/** Pre-standard Route Refresh capability (code 128, Cisco). */
export interface RouteRefreshOldCapability {
  /** {@link CapabilityCode.ROUTE_REFRESH_OLD}. */
  readonly code: typeof CapabilityCode.ROUTE_REFRESH_OLD;
  /** Registry name. */
  readonly name: 'ROUTE_REFRESH_OLD';
}

/** Extended Message capability (RFC 8654 §3): messages up to 65535 octets. */
export interface ExtendedMessageCapability {
  /** {@link CapabilityCode.EXTENDED_MESSAGE}. */
  readonly code: typeof CapabilityCode.EXTENDED_MESSAGE;
  /** Registry name. */
  readonly name: 'EXTENDED_MESSAGE';
}

/** Enhanced Route Refresh capability (RFC 7313 §3.1): BoRR/EoRR demarcation. */
export interface EnhancedRouteRefreshCapability {
  /** {@link CapabilityCode.ENHANCED_ROUTE_REFRESH}. */
  readonly code: typeof CapabilityCode.ENHANCED_ROUTE_REFRESH;
  /** Registry name. */
  readonly name: 'ENHANCED_ROUTE_REFRESH';
}

/** Builds the descriptor of an empty-valued capability; decoding returns one shared frozen value. */
function emptyValued<C extends { readonly code: number; readonly name: string }>(
  value: C,
): CapabilityDescriptor<C> {
  const shared = Object.freeze(value);
  return {
    code: value.code,
    name: value.name,
    validLength: (n) => n === 0,
    decode: () => shared,
    encode: () => {},
  };
}

/** The Route Refresh capability value. */
export const ROUTE_REFRESH_CAPABILITY: RouteRefreshCapability = Object.freeze({
  code: CapabilityCode.ROUTE_REFRESH,
  name: 'ROUTE_REFRESH',
});
/** The pre-standard (Cisco, code 128) Route Refresh capability value. */
export const ROUTE_REFRESH_OLD_CAPABILITY: RouteRefreshOldCapability = Object.freeze({
  code: CapabilityCode.ROUTE_REFRESH_OLD,
  name: 'ROUTE_REFRESH_OLD',
});
/** The Extended Message capability value. */
export const EXTENDED_MESSAGE_CAPABILITY: ExtendedMessageCapability = Object.freeze({
  code: CapabilityCode.EXTENDED_MESSAGE,
  name: 'EXTENDED_MESSAGE',
});
/** The Enhanced Route Refresh capability value. */
export const ENHANCED_ROUTE_REFRESH_CAPABILITY: EnhancedRouteRefreshCapability = Object.freeze({
  code: CapabilityCode.ENHANCED_ROUTE_REFRESH,
  name: 'ENHANCED_ROUTE_REFRESH',
});

/** Descriptor of the Route Refresh capability. */
export const routeRefreshDescriptor = emptyValued(ROUTE_REFRESH_CAPABILITY);
/** Descriptor of the pre-standard Route Refresh capability. */
export const routeRefreshOldDescriptor = emptyValued(ROUTE_REFRESH_OLD_CAPABILITY);
/** Descriptor of the Extended Message capability. */
export const extendedMessageDescriptor = emptyValued(EXTENDED_MESSAGE_CAPABILITY);
/** Descriptor of the Enhanced Route Refresh capability. */
export const enhancedRouteRefreshDescriptor = emptyValued(ENHANCED_ROUTE_REFRESH_CAPABILITY);
