/**
 * Codecs for BGP messages, capabilities, path attributes and NLRI; stream framing; typed errors
 * that carry the NOTIFICATION code and subcode; RFC 7606 error handling; MRT reading.
 *
 * The package is sans-IO: it never touches a socket. Feed bytes to a framer, decode what it
 * yields with an explicit {@link CodecContext}, and turn any {@link BgpError} into the
 * NOTIFICATION it names.
 *
 * @example
 * ```ts
 * import { BgpError, Reader, UpdateMessageErrorSubcode, UpdateMessageError } from '@bgp/wire';
 *
 * const r = new Reader(Uint8Array.of(0x00, 0x10), (what) =>
 *   new UpdateMessageError(UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST, `short ${what}`));
 * console.log(r.u16()); // 16
 * try { r.u8('origin'); } catch (err) { console.log((err as BgpError).toNotification().code); } // 3
 * ```
 *
 * @packageDocumentation
 * @module @bgp/wire
 */

export * from './as4.js';
export * from './attributes/aggregator.js';
export * from './attributes/as-path.js';
export * from './attributes/atomic-aggregate.js';
export * from './attributes/cluster-list.js';
export * from './attributes/codec.js';
export * from './attributes/communities.js';
export * from './attributes/descriptor.js';
export * from './attributes/extended-communities.js';
export * from './attributes/large-communities.js';
export * from './attributes/local-pref.js';
export * from './attributes/mp-reach.js';
export * from './attributes/mp-unreach.js';
export * from './attributes/multi-exit-disc.js';
export * from './attributes/next-hop.js';
export * from './attributes/origin.js';
export * from './attributes/originator-id.js';
export * from './attributes/otc.js';
export * from './attributes/registry.js';
export * from './attributes/types.js';
export * from './capabilities/add-path.js';
export * from './capabilities/bgp-role.js';
export * from './capabilities/capability.js';
export * from './capabilities/descriptor.js';
export * from './capabilities/extended-next-hop.js';
export * from './capabilities/flags.js';
export * from './capabilities/four-octet-as.js';
export * from './capabilities/fqdn.js';
export * from './capabilities/graceful-restart.js';
export * from './capabilities/long-lived-graceful-restart.js';
export * from './capabilities/multiprotocol.js';
export * from './context.js';
export * from './errors.js';
export * from './framer.js';
export * from './header.js';
export * from './iana.js';
export * from './keepalive.js';
export * from './message.js';
export * from './mrt/bgp4mp.js';
export * from './mrt/context.js';
export * from './mrt/decode.js';
export * from './mrt/encode.js';
export * from './mrt/record.js';
export * from './mrt/stream.js';
export * from './mrt/table-dump.js';
export * from './mrt/table-dump-v2.js';
export * from './mrt/types.js';
export * from './nlri/ip-unicast.js';
export * from './notification.js';
export * from './open.js';
export * from './prefix.js';
export * from './prefix-walk.js';
export * from './reader.js';
export * from './route-refresh.js';
export * from './update.js';
export * from './writer.js';
