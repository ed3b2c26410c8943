/**
 * The UPDATE message body. RFC 4271 §4.3.
 *
 * ```
 * +-----------------------------------------------------+
 * |   Withdrawn Routes Length (2 octets)                |
 * +-----------------------------------------------------+
 * |   Withdrawn Routes (variable)                       |
 * +-----------------------------------------------------+
 * |   Total Path Attribute Length (2 octets)            |
 * +-----------------------------------------------------+
 * |   Path Attributes (variable)                        |
 * +-----------------------------------------------------+
 * |   Network Layer Reachability Information (variable) |
 * +-----------------------------------------------------+
 * ```
 *
 * Decoding is two-phase, as in BIRD: first the three sections are located from the two length
 * fields (a mismatch there is the only framing error, and it resets the session), then each is
 * decoded. Problems in the attributes follow RFC 7606: the decoder records each with its outcome,
 * keeps the strongest in `action`, and throws only when that outcome is a session reset.
 *
 * Decode then encode reproduces a well-formed body byte for byte: attribute order, flags
 * (Extended Length on short values, Partial), unknown attributes, families not parsed, and
 * prefixes sent with host bits set.
 *
 * @module
 */
import { decodeAttributeList, encodeAttributes } from './attributes/codec.js';
import type { PathAttribute } from './attributes/types.js';
import { type CodecContext, familyKey } from './context.js';
import {
  type AttributeProblem,
  type ErrorAction,
  strongerAction,
  UpdateMessageError,
} from './errors.js';
import { Afi, AttributeFlag, AttributeType, Safi, UpdateMessageErrorSubcode } from './iana.js';
import { decodeIpPrefixes, encodeIpPrefixes, type NlriEntry } from './nlri/ip-unicast.js';
import { Reader } from './reader.js';
import type { Writer } from './writer.js';

/** A decoded UPDATE message. */
export interface UpdateMessage {
  /** Message type. */
  readonly type: 'UPDATE';
  /** IPv4 unicast routes in the Withdrawn Routes field. */
  readonly withdrawn: readonly NlriEntry[];
  /** Path attributes in wire order (lossless: unknown and malformed ones raw). */
  readonly attributes: readonly PathAttribute[];
  /** IPv4 unicast routes in the NLRI field. */
  readonly nlri: readonly NlriEntry[];
  /** RFC 7606 findings (attribute discard / treat-as-withdraw); absent when there were none. */
  readonly problems?: readonly AttributeProblem[];
  /** Strongest outcome among `problems`; `reset` is never returned, it is thrown. */
  readonly action?: ErrorAction;
}

const IPV4_UNICAST = familyKey(Afi.IPV4, Safi.UNICAST);

const malformedList = (what: string, needed: number, available: number): UpdateMessageError =>
  new UpdateMessageError(
    UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST,
    `UPDATE too short for ${what} (${needed} needed, ${available} left)`,
  );

const badNetworkField = (what: string): UpdateMessageError =>
  new UpdateMessageError(UpdateMessageErrorSubcode.INVALID_NETWORK_FIELD, `${what} overruns`);

/** The three sections of an UPDATE body, located but not decoded (phase one). */
export interface UpdateSections {
  /** Start of the Withdrawn Routes field. */
  readonly withdrawnStart: number;
  /** End (exclusive) of the Withdrawn Routes field. */
  readonly withdrawnEnd: number;
  /** Start of the Path Attributes field. */
  readonly attributesStart: number;
  /** End (exclusive) of the Path Attributes field; the NLRI field runs from here to the end. */
  readonly attributesEnd: number;
}

/**
 * Locates the sections of an UPDATE body. RFC 4271 §6.3 / RFC 7606 §4: when the Withdrawn
 * Routes Length or Total Path Attribute Length do not fit the message, nothing can be located
 * and the session is reset with Malformed Attribute List (3/1), which this throws.
 */
export function locateUpdateSections(body: Uint8Array): UpdateSections {
  const r = new Reader(body, malformedList);
  const withdrawnLength = r.u16('Withdrawn Routes Length');
  const withdrawnStart = r.pos;
  r.skip(withdrawnLength, 'Withdrawn Routes');
  const withdrawnEnd = r.pos;
  const attributesLength = r.u16('Total Path Attribute Length');
  const attributesStart = r.pos;
  r.skip(attributesLength, 'Path Attributes');
  return { withdrawnStart, withdrawnEnd, attributesStart, attributesEnd: r.pos };
}

/**
 * Decodes an UPDATE body (the bytes after the 19-octet header).
 *
 * @param body - message body
 * @param ctx - the receiving direction's context (AS width, ADD-PATH families)
 * @returns the message, with `problems` and `action` when RFC 7606 applied
 * @throws UpdateMessageError when the outcome is a session reset (the error names the NOTIFICATION)
 */
export function decodeUpdate(body: Uint8Array, ctx: CodecContext): UpdateMessage {
  const s = locateUpdateSections(body);
  const addPath = ctx.addPath.has(IPV4_UNICAST);
  // RFC 7606 §5.3: a Withdrawn Routes or NLRI field that cannot be parsed leaves no way to know
  // which routes were meant; that is a session reset (Invalid Network Field).
  const withdrawn: NlriEntry[] = [];
  decodeIpPrefixes(
    new Reader(body, badNetworkField, s.withdrawnStart, s.withdrawnEnd),
    Afi.IPV4,
    addPath,
    withdrawn,
  );
  const nlri: NlriEntry[] = [];
  decodeIpPrefixes(
    new Reader(body, badNetworkField, s.attributesEnd, body.length),
    Afi.IPV4,
    addPath,
    nlri,
  );
  const { attributes, problems } = decodeAttributeList(
    body,
    s.attributesStart,
    s.attributesEnd,
    ctx,
  );
  checkMandatory(attributes, nlri.length > 0, problems);
  let action: ErrorAction | undefined;
  for (const p of problems) action = strongerAction(action, p.action);
  if (action === 'reset') throw problems.find((p) => p.action === 'reset')!.error;
  if (action === undefined) return { type: 'UPDATE', withdrawn, attributes, nlri };
  return { type: 'UPDATE', withdrawn, attributes, nlri, problems, action };
}

/**
 * RFC 7606 §3.d: ORIGIN and AS_PATH must be present when the UPDATE announces anything, and
 * NEXT_HOP when it announces IPv4 routes in the NLRI field (BGPsec_PATH stands in for AS_PATH,
 * RFC 8205); a missing one is treat-as-withdraw
 * (the NOTIFICATION it would have been: Missing Well-known Attribute, data = the type code).
 * An UPDATE that only withdraws needs none of them.
 */
function checkMandatory(
  attributes: readonly PathAttribute[],
  hasIpv4Nlri: boolean,
  problems: AttributeProblem[],
): void {
  let hasMpReach = false;
  const present = new Set<number>();
  for (const a of attributes) {
    present.add(a.typeCode);
    if (a.typeCode === AttributeType.MP_REACH_NLRI) hasMpReach = true;
  }
  if (!hasIpv4Nlri && !hasMpReach) return;
  const required: number[] = [AttributeType.ORIGIN, AttributeType.AS_PATH];
  if (hasIpv4Nlri) required.push(AttributeType.NEXT_HOP);
  for (const code of required) {
    if (present.has(code)) continue;
    // RFC 8205 §3: a BGPsec UPDATE carries BGPsec_PATH in place of AS_PATH.
    if (code === AttributeType.AS_PATH && present.has(AttributeType.BGPSEC_PATH)) continue;
    problems.push({
      action: 'withdraw',
      attributeType: code,
      error: new UpdateMessageError(
        UpdateMessageErrorSubcode.MISSING_WELL_KNOWN_ATTRIBUTE,
        `missing well-known attribute ${code}`,
        Uint8Array.of(code),
      ),
    });
  }
}

/**
 * Encodes an UPDATE body (without the header).
 *
 * @param msg - the message; `problems` and `action` are ignored
 * @param ctx - the sending direction's context
 * @param w - destination
 */
export function encodeUpdate(msg: UpdateMessage, ctx: CodecContext, w: Writer): void {
  const addPath = ctx.addPath.has(IPV4_UNICAST);
  const wl = w.reserve(2);
  encodeIpPrefixes(msg.withdrawn, addPath, w);
  w.patch16(wl, w.length - wl - 2);
  const al = w.reserve(2);
  encodeAttributes(msg.attributes, ctx, w);
  w.patch16(al, w.length - al - 2);
  encodeIpPrefixes(msg.nlri, addPath, w);
}

/**
 * The family whose End-of-RIB marker this UPDATE is, or `undefined`. RFC 4724 §2: an UPDATE with
 * nothing in it for IPv4 unicast; for other families an UPDATE whose only attribute is an
 * MP_UNREACH_NLRI with no withdrawn routes.
 */
export function isEndOfRib(msg: UpdateMessage): { afi: number; safi: number } | undefined {
  if (msg.withdrawn.length !== 0 || msg.nlri.length !== 0) return undefined;
  if (msg.attributes.length === 0) return { afi: Afi.IPV4, safi: Safi.UNICAST };
  if (msg.attributes.length !== 1) return undefined;
  const a = msg.attributes[0]!;
  if (a.raw || a.typeCode !== AttributeType.MP_UNREACH_NLRI) return undefined;
  const v = a.value;
  if (v.withdrawn.length !== 0 || (v.rawNlri !== undefined && v.rawNlri.length !== 0)) {
    return undefined;
  }
  return { afi: v.afi, safi: v.safi };
}

/** Builds the End-of-RIB marker of a family (RFC 4724 §2). */
export function endOfRib(afi: number, safi: number): UpdateMessage {
  if (afi === Afi.IPV4 && safi === Safi.UNICAST) {
    return { type: 'UPDATE', withdrawn: [], attributes: [], nlri: [] };
  }
  return {
    type: 'UPDATE',
    withdrawn: [],
    attributes: [
      {
        typeCode: AttributeType.MP_UNREACH_NLRI,
        flags: AttributeFlag.OPTIONAL,
        value: { afi, safi, withdrawn: [] },
      },
    ],
    nlri: [],
  };
}
