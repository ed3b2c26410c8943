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
export * from './context.js';
export * from './errors.js';
export * from './iana.js';
export * from './prefix.js';
export * from './reader.js';
export * from './writer.js';
