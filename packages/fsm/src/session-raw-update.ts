/**
 * The session's side of an UPDATE in `updateDecoding: 'raw'` mode: the little it must know
 * without decoding the message into objects.
 *
 * ```
 *  0                   1                   2
 *  +-------------------+---------------------+---------------------------+------------------+
 *  | Withdrawn Routes  |  Withdrawn Routes   | Total Path Attribute      | Path Attributes  |
 *  | Length (2)        |  (variable)         | Length (2)                | (variable) | NLRI|
 *  +-------------------+---------------------+---------------------------+------------------+
 * ```
 *
 * Why a raw mode: a receiver that feeds the RIB with its own allocation-free walk (rib's
 * `ingestUpdate`) would otherwise pay for every UPDATE twice, once here into one object per
 * prefix and once there. The session checks only that the two length fields frame the body
 * (RFC 4271 §6.3; RFC 7606 §5 keeps that a session reset) and recognises End-of-RIB (RFC 4724
 * §2), which it needs for graceful restart. Everything else (attribute and NLRI syntax) is left
 * to the consumer, which reports a reset-worthy error back through `Session.fail`.
 *
 * @module
 */
import {
  AttributeType,
  type CodecContext,
  decodeUpdate,
  isEndOfRib,
  locateUpdateSections,
  type UpdateMessage,
} from '@bgp/wire';

/** The longest attribute list an End-of-RIB can have: one MP_UNREACH_NLRI of AFI + SAFI. */
const MAX_EOR_ATTRIBUTES = 4 + 3;

/**
 * Checks the framing of an UPDATE body and recognises End-of-RIB.
 *
 * @param body - the UPDATE body (after the 19-octet header)
 * @param ctx - the receive context (used only to decode End-of-RIB candidates)
 * @returns the decoded marker when the body is an End-of-RIB, else undefined (a plain UPDATE)
 * @throws UpdateMessageError 3/1 (Malformed Attribute List) when the length fields do not fit
 *   the body, or whatever the full decoder throws for a malformed End-of-RIB candidate
 */
export function checkRawUpdate(body: Uint8Array, ctx: CodecContext): UpdateMessage | undefined {
  const s = locateUpdateSections(body);
  const attributesLength = s.attributesEnd - s.attributesStart;
  // Only an UPDATE with no withdrawn routes, no NLRI and at most one short attribute can be an
  // End-of-RIB; those few (a handful per session) are decoded fully so that the marker is
  // recognised by exactly the wire package's definition.
  if (
    s.withdrawnEnd === s.withdrawnStart &&
    s.attributesEnd === body.length &&
    attributesLength <= MAX_EOR_ATTRIBUTES &&
    (attributesLength === 0 || body[s.attributesStart + 1] === AttributeType.MP_UNREACH_NLRI)
  ) {
    const update = decodeUpdate(body, ctx);
    if (isEndOfRib(update)) return update;
  }
  return undefined;
}
