/**
 * Allocation-free walk over the prefixes of an UPDATE body, for the RIB's hot path.
 *
 * {@link decodeUpdate} builds an object per prefix; a full table is millions of them. This walk
 * instead calls a visitor with primitives and a view of the body (the prefix octets start at
 * `offset`), so the RIB can hash or copy exactly what it keeps. It visits the IPv4 Withdrawn
 * Routes and NLRI fields and the NLRI of MP_REACH_NLRI / MP_UNREACH_NLRI for IPv4 and IPv6
 * unicast, in wire order, with ADD-PATH path identifiers where `ctx.addPath` says so.
 *
 * It checks the framing it relies on and throws {@link UpdateMessageError}: section lengths
 * (3/1), attribute lengths (3/5), prefix lengths and overruns in the UPDATE fields (3/10,
 * RFC 7606 §5.3) and in MP attributes (3/9). It does not validate attribute values: run
 * {@link decodeAttributes} (or {@link decodeUpdate}) for RFC 7606 outcomes.
 *
 * Indexing `body` directly instead of going through a Reader is deliberate: every index is
 * checked against the enclosing field's end before use, and avoiding a Reader per field keeps
 * the walk near 20 ns per prefix.
 *
 * @module
 */
import { type CodecContext, familyKey } from './context.js';
import { UpdateMessageError } from './errors.js';
import { AttributeFlag, AttributeType, UpdateMessageErrorSubcode } from './iana.js';

/** Whether the visited prefix is announced or withdrawn. */
export type PrefixWalkKind = 'announce' | 'withdraw';

/**
 * Where the visited prefix was: the UPDATE's own Withdrawn Routes or NLRI field (`field`, IPv4
 * only), or MP_REACH_NLRI / MP_UNREACH_NLRI (`mp`). IPv4 routes may come in both in one UPDATE,
 * with different next hops (NEXT_HOP for the field, the MP_REACH_NLRI next hop for the others).
 */
export type PrefixWalkSource = 'field' | 'mp';

/**
 * Receives one prefix.
 *
 * @param kind - announced (NLRI, MP_REACH_NLRI) or withdrawn (Withdrawn Routes, MP_UNREACH_NLRI)
 * @param afi - 1 (IPv4) or 2 (IPv6)
 * @param length - prefix length in bits
 * @param bytes - the UPDATE body (not a copy; valid only during the call unless copied)
 * @param offset - index in `bytes` of the first prefix octet; `ceil(length / 8)` octets follow,
 *   trailing bits as received (mask them if you need a canonical prefix)
 * @param pathId - ADD-PATH path identifier, or `undefined` when the family has none
 * @param source - the field it came from
 */
export type PrefixVisitor = (
  kind: PrefixWalkKind,
  afi: 1 | 2,
  length: number,
  bytes: Uint8Array,
  offset: number,
  pathId: number | undefined,
  source: PrefixWalkSource,
) => void;

const IPV4_UNICAST = familyKey(1, 1);
const IPV6_UNICAST = familyKey(2, 1);

function fail(subcode: number, message: string): never {
  throw new UpdateMessageError(subcode, message);
}

function walkField(
  buf: Uint8Array,
  start: number,
  end: number,
  afi: 1 | 2,
  addPath: boolean,
  kind: PrefixWalkKind,
  source: PrefixWalkSource,
  visitor: PrefixVisitor,
  subcode: number,
): number {
  const max = afi === 1 ? 32 : 128;
  let pos = start;
  let count = 0;
  while (pos < end) {
    let pathId: number | undefined;
    if (addPath) {
      if (end - pos < 5) fail(subcode, 'ADD-PATH NLRI shorter than path id + length');
      pathId =
        ((buf[pos]! << 24) | (buf[pos + 1]! << 16) | (buf[pos + 2]! << 8) | buf[pos + 3]!) >>> 0;
      pos += 4;
    }
    const length = buf[pos]!;
    if (length > max) fail(subcode, `prefix length ${length} exceeds ${max}`);
    const next = pos + 1 + ((length + 7) >> 3);
    if (next > end) fail(subcode, `prefix /${length} runs past the field`);
    visitor(kind, afi, length, buf, pos + 1, pathId, source);
    pos = next;
    count++;
  }
  return count;
}

/**
 * Walks the unicast prefixes of an UPDATE body and returns how many were visited.
 *
 * @param body - UPDATE body (after the 19-octet header)
 * @param ctx - receiving context (ADD-PATH families)
 * @param visitor - called once per prefix, in wire order
 * @throws UpdateMessageError when the sections, an attribute header or a prefix cannot be read
 */
export function walkUpdatePrefixes(
  body: Uint8Array,
  ctx: CodecContext,
  visitor: PrefixVisitor,
): number {
  const n = body.length;
  if (n < 4) fail(UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST, 'UPDATE body shorter than 4');
  const withdrawnEnd = 2 + ((body[0]! << 8) | body[1]!);
  if (withdrawnEnd + 2 > n) {
    fail(UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST, 'Withdrawn Routes Length overruns');
  }
  const attrStart = withdrawnEnd + 2;
  const attrEnd = attrStart + ((body[withdrawnEnd]! << 8) | body[withdrawnEnd + 1]!);
  if (attrEnd > n) {
    fail(
      UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST,
      'Total Path Attribute Length overruns',
    );
  }
  const addPath4 = ctx.addPath.has(IPV4_UNICAST);
  const netField = UpdateMessageErrorSubcode.INVALID_NETWORK_FIELD;
  let count = walkField(body, 2, withdrawnEnd, 1, addPath4, 'withdraw', 'field', visitor, netField);
  let pos = attrStart;
  while (pos < attrEnd) {
    const flags = body[pos]!;
    const header = (flags & AttributeFlag.EXTENDED_LENGTH) !== 0 ? 4 : 3;
    if (attrEnd - pos < header) {
      fail(UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST, 'truncated attribute header');
    }
    const type = body[pos + 1]!;
    const len = header === 4 ? (body[pos + 2]! << 8) | body[pos + 3]! : body[pos + 2]!;
    const vStart = pos + header;
    const vEnd = vStart + len;
    if (vEnd > attrEnd)
      fail(UpdateMessageErrorSubcode.ATTRIBUTE_LENGTH_ERROR, 'attribute overruns');
    pos = vEnd;
    if (type !== AttributeType.MP_REACH_NLRI && type !== AttributeType.MP_UNREACH_NLRI) continue;
    const optErr = UpdateMessageErrorSubcode.OPTIONAL_ATTRIBUTE_ERROR;
    if (len < 3) fail(optErr, 'MP attribute shorter than AFI + SAFI');
    const afi = (body[vStart]! << 8) | body[vStart + 1]!;
    const safi = body[vStart + 2]!;
    if ((afi !== 1 && afi !== 2) || safi !== 1) continue;
    const addPath = ctx.addPath.has(afi === 1 ? IPV4_UNICAST : IPV6_UNICAST);
    if (type === AttributeType.MP_UNREACH_NLRI) {
      count += walkField(body, vStart + 3, vEnd, afi, addPath, 'withdraw', 'mp', visitor, optErr);
      continue;
    }
    if (len < 4) fail(optErr, 'MP_REACH_NLRI without next hop length');
    const nlriStart = vStart + 5 + body[vStart + 3]!;
    if (nlriStart > vEnd) fail(optErr, 'MP_REACH_NLRI next hop overruns');
    count += walkField(body, nlriStart, vEnd, afi, addPath, 'announce', 'mp', visitor, optErr);
  }
  count += walkField(body, attrEnd, n, 1, addPath4, 'announce', 'field', visitor, netField);
  return count;
}
