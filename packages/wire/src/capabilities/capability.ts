/**
 * The capability table: one {@link CapabilityDescriptor} per known code, and the TLV codec that
 * dispatches through it (RFC 5492 §4).
 *
 * ```
 * +------------------------------+
 * | Capability Code (1 octet)    |
 * +------------------------------+
 * | Capability Length (1 octet)  |
 * +------------------------------+
 * | Capability Value (variable)  |
 * +------------------------------+
 * ```
 *
 * Unknown codes decode to {@link UnknownCapability} with their raw value and re-encode
 * unchanged (RFC 5492 §3: a speaker ignores capabilities it does not understand).
 *
 * Malformed known capabilities. A known code whose length or content is invalid throws an
 * {@link OpenMessageError} 2/0 (RFC 4271 §6.2: a recognised but malformed optional parameter)
 * with the capability TLV as data. It is *not* kept raw: a session must not proceed believing
 * that, say, a truncated Graceful Restart capability was never sent, and a raw fallback would
 * give one code two shapes. Reserved bits in otherwise valid capabilities are kept, so every
 * capability that decodes re-encodes byte for byte.
 *
 * @module
 */
import { isBgpError } from '../errors.js';
import { CapabilityCodeName } from '../iana.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import { type AddPathCapability, addPathDescriptor } from './add-path.js';
import { type BgpRoleCapability, bgpRoleDescriptor } from './bgp-role.js';
import { type CapabilityDescriptor, capabilityReader, malformedCapability } from './descriptor.js';
import { type ExtendedNextHopCapability, extendedNextHopDescriptor } from './extended-next-hop.js';
import {
  type EnhancedRouteRefreshCapability,
  type ExtendedMessageCapability,
  enhancedRouteRefreshDescriptor,
  extendedMessageDescriptor,
  type RouteRefreshCapability,
  type RouteRefreshOldCapability,
  routeRefreshDescriptor,
  routeRefreshOldDescriptor,
} from './flags.js';
import { type FourOctetAsCapability, fourOctetAsDescriptor } from './four-octet-as.js';
import { type FqdnCapability, fqdnDescriptor } from './fqdn.js';
import { type GracefulRestartCapability, gracefulRestartDescriptor } from './graceful-restart.js';
import {
  type LongLivedGracefulRestartCapability,
  longLivedGracefulRestartDescriptor,
} from './long-lived-graceful-restart.js';
import { type MultiprotocolCapability, multiprotocolDescriptor } from './multiprotocol.js';

/** A capability this package does not decode, kept raw so that it round-trips. */
export interface UnknownCapability {
  /** Capability code. */
  readonly code: number;
  /** Always `'UNKNOWN'`; see {@link CapabilityCodeName} for a registry name if there is one. */
  readonly name: 'UNKNOWN';
  /** The value octets (a view into the decoded message). */
  readonly value: Uint8Array;
}

/** A capability with a typed decoder. */
export type KnownCapability =
  | MultiprotocolCapability
  | RouteRefreshCapability
  | RouteRefreshOldCapability
  | ExtendedNextHopCapability
  | ExtendedMessageCapability
  | BgpRoleCapability
  | GracefulRestartCapability
  | FourOctetAsCapability
  | AddPathCapability
  | EnhancedRouteRefreshCapability
  | LongLivedGracefulRestartCapability
  | FqdnCapability;

/** Any capability: narrow on `name` (unknown codes share `name: 'UNKNOWN'`). */
export type Capability = KnownCapability | UnknownCapability;

/** The capability descriptor table, keyed by capability code. */
export const CAPABILITY_DESCRIPTORS: ReadonlyMap<
  number,
  CapabilityDescriptor<KnownCapability>
> = new Map(
  (
    [
      multiprotocolDescriptor,
      routeRefreshDescriptor,
      routeRefreshOldDescriptor,
      extendedNextHopDescriptor,
      extendedMessageDescriptor,
      bgpRoleDescriptor,
      gracefulRestartDescriptor,
      fourOctetAsDescriptor,
      addPathDescriptor,
      enhancedRouteRefreshDescriptor,
      longLivedGracefulRestartDescriptor,
      fqdnDescriptor,
    ] as unknown as CapabilityDescriptor<KnownCapability>[]
  ).map((d) => [d.code, d]),
);

/**
 * Decodes one capability TLV at the reader's position and moves past it.
 *
 * @param r - reader over a Capabilities optional parameter (its short reads must be 2/0 errors)
 */
export function decodeCapability(r: Reader): Capability {
  const start = r.pos;
  const code = r.u8('capability code');
  const length = r.u8('capability length');
  const value = r.bytes(length, 'capability value');
  const d = CAPABILITY_DESCRIPTORS.get(code);
  if (d === undefined) return { code, name: 'UNKNOWN', value };
  const tlv = r.buf.subarray(start, r.pos);
  if (!d.validLength(length)) throw malformedCapability(`${d.name} with length ${length}`, tlv);
  const vr = capabilityReader(value);
  let c: KnownCapability;
  try {
    c = d.decode(vr);
  } catch (err) {
    // Re-throw with the TLV as data, keeping the decoder's reason; anything that is not a
    // codec error is a bug and propagates as is.
    if (!isBgpError(err)) throw err;
    const why = (err as Error).message.replace(/^malformed capability: /, '');
    throw malformedCapability(`${d.name}: ${why}`, tlv);
  }
  if (!vr.done) throw malformedCapability(`${d.name} has ${vr.remaining} trailing octets`, tlv);
  return c;
}

/**
 * Writes one capability TLV (code, length, value).
 * Throws a `RangeError` when the value does not fit the one-octet length.
 */
export function encodeCapability(c: Capability, w: Writer): void {
  w.u8(c.code);
  const at = w.reserve(1);
  if (c.name === 'UNKNOWN') {
    w.bytes(c.value);
  } else {
    const d = CAPABILITY_DESCRIPTORS.get(c.code);
    if (d === undefined) throw new RangeError(`no codec for capability ${c.code} (${c.name})`);
    d.encode(c, w);
  }
  const length = w.length - at - 1;
  if (length > 255)
    throw new RangeError(`capability ${c.code} value of ${length} octets exceeds 255`);
  w.patch8(at, length);
}

/** Registry name of a capability code (`CODE_<n>` for unassigned ones). */
export function capabilityName(code: number): string {
  return CapabilityCodeName.get(code) ?? `CODE_${code}`;
}

/** The first capability with the given code, typed by its name, or `undefined`. */
export function findCapability<N extends KnownCapability['name']>(
  capabilities: readonly Capability[],
  name: N,
): Extract<KnownCapability, { name: N }> | undefined {
  for (const c of capabilities)
    if (c.name === name) return c as Extract<KnownCapability, { name: N }>;
  return undefined;
}

/** Codes of the capabilities that have a typed decoder, for documentation and tests. */
export const KNOWN_CAPABILITY_CODES: readonly number[] = [...CAPABILITY_DESCRIPTORS.keys()];
