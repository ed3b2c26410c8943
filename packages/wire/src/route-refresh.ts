/**
 * ROUTE-REFRESH message. RFC 2918 §3, subtypes of RFC 7313 §3.2, ORF entries of RFC 5291 §4.
 *
 * ```
 *  0       7      15      23      31
 * +-------+-------+-------+-------+
 * |      AFI      | Subtype| SAFI |
 * +-------+-------+-------+-------+
 * | When-to-refresh (1) | ORF type (1) | Length (2) | ORF entries ... |   RFC 5291 (optional)
 * +---------------------------------------------------------------------+
 * ```
 *
 * Subtype 0 is a normal request, 1 Beginning of Route Refresh (BoRR), 2 End of Route Refresh
 * (EoRR). RFC 7313 §5: a BoRR or EoRR whose length is not 23 is a ROUTE-REFRESH Message Error,
 * Invalid Message Length (7/1), with the whole message as data. Other subtypes are decoded; RFC
 * 7313 §5 tells the session to ignore them. What follows the SAFI (ORF, RFC 5291) is kept raw.
 *
 * @module
 */
import { RouteRefreshMessageError } from './errors.js';
import { badMessageLength, writeHeader } from './header.js';
import {
  HEADER_LENGTH,
  MessageType,
  RouteRefreshErrorSubcode,
  RouteRefreshSubtype,
} from './iana.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** A decoded ROUTE-REFRESH message. */
export interface RouteRefreshMessage {
  /** Message kind. */
  readonly type: 'ROUTE-REFRESH';
  /** Address family to refresh. */
  readonly afi: number;
  /** Subsequent address family to refresh. */
  readonly safi: number;
  /** A {@link RouteRefreshSubtype}: 0 normal, 1 BoRR, 2 EoRR (RFC 7313). */
  readonly subtype: number;
  /** Octets after the SAFI, raw: the RFC 5291 ORF part. Present only when non-empty. */
  readonly entries?: Uint8Array;
}

/** The whole message rebuilt from a body, for the 7/1 data field. */
function wholeMessage(body: Uint8Array): Uint8Array {
  const w = new Writer(HEADER_LENGTH + body.length);
  const at = writeHeader(w, MessageType.ROUTE_REFRESH);
  w.bytes(body);
  w.patch16(at, w.length);
  return w.finish();
}

/**
 * Decodes a ROUTE-REFRESH body (after the header).
 *
 * @param body - the octets after the header
 * @param message - the whole message, for the 7/1 error data (rebuilt from `body` if omitted)
 */
export function decodeRouteRefresh(body: Uint8Array, message?: Uint8Array): RouteRefreshMessage {
  const r = new Reader(body, () =>
    badMessageLength(HEADER_LENGTH + body.length, 'ROUTE-REFRESH shorter than 23 octets'),
  );
  const afi = r.u16('AFI');
  const subtype = r.u8('subtype');
  const safi = r.u8('SAFI');
  if (r.done) return { type: 'ROUTE-REFRESH', afi, safi, subtype };
  if (subtype === RouteRefreshSubtype.BORR || subtype === RouteRefreshSubtype.EORR) {
    // RFC 7313 §5: BoRR and EoRR are exactly 23 octets.
    throw new RouteRefreshMessageError(
      RouteRefreshErrorSubcode.INVALID_MESSAGE_LENGTH,
      `ROUTE-REFRESH subtype ${subtype} of ${HEADER_LENGTH + body.length} octets, not 23`,
      message ?? wholeMessage(body),
    );
  }
  return { type: 'ROUTE-REFRESH', afi, safi, subtype, entries: r.rest() };
}

/** Writes a ROUTE-REFRESH body. */
export function encodeRouteRefresh(m: RouteRefreshMessage, w: Writer): void {
  w.u16(m.afi).u8(m.subtype).u8(m.safi);
  if (m.entries !== undefined) w.bytes(m.entries);
}

/** Builds a ROUTE-REFRESH for a family (normal request unless `subtype` says BoRR/EoRR). */
export function createRouteRefresh(
  afi: number,
  safi: number,
  subtype: number = RouteRefreshSubtype.NORMAL,
): RouteRefreshMessage {
  return { type: 'ROUTE-REFRESH', afi, safi, subtype };
}
