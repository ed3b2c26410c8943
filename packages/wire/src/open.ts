/**
 * OPEN message codec. RFC 4271 §4.2, optional parameters per RFC 5492 and RFC 9072.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------+-------------------------------+---------------+
 * |    Version    |     My Autonomous System      |   Hold Time   :
 * +---------------+-------------------------------+---------------+
 * :               |                BGP Identifier                 :
 * +---------------+-----------------------------------------------+
 * :               | Opt Parm Len  |  Optional Parameters ...      |
 * +---------------+---------------+-------------------------------+
 *
 * Optional parameter, classic form:        RFC 9072 extended form (Opt Parm Len = 255,
 *                                          then a 255 octet, then a 2-octet length):
 * +-----------+-----------+----------+     +------+------+-------------------------+
 * | Parm Type | Parm Len  | Value... |     | 255  | 255  | Extended Opt Parm Len   |
 * | (1 octet) | (1 octet) |          |     +------+------+-------------------------+
 * +-----------+-----------+----------+     | Parm Type (1) | Parm Len (2) | Value  |
 *                                          +---------------+--------------+--------+
 * ```
 *
 * The codec is lossless: capabilities are returned flat, in wire order, and
 * {@link OpenMessage.layout} records how they were grouped into optional parameters, which form
 * was used, and any non-capability parameter (raw). The layout is left out when it is the
 * one {@link encodeOpen} would produce anyway, so the usual OPEN is a small plain object.
 *
 * Only syntax is checked here. Whether the peer AS, hold time, BGP Identifier and capabilities
 * are acceptable is the session's decision; {@link checkHoldTime}, {@link checkBgpIdentifier},
 * {@link checkPeerAs} and {@link checkOptionalParameters} raise the right errors for it.
 *
 * @module
 */
import {
  type Capability,
  decodeCapability,
  encodeCapability,
  findCapability,
} from './capabilities/capability.js';
import { OpenMessageError } from './errors.js';
import { badMessageLength } from './header.js';
import {
  AS_TRANS,
  BGP_VERSION,
  HEADER_LENGTH,
  OpenMessageErrorSubcode,
  OptionalParameterType,
} from './iana.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/** One optional parameter in an OPEN, as laid out on the wire. */
export type OptionalParameterLayout =
  | {
      /** A Capabilities parameter (type 2) holding the next `count` entries of `capabilities`. */
      readonly kind: 'capabilities';
      /** Number of capabilities in this parameter. */
      readonly count: number;
    }
  | {
      /** Any other parameter type, kept raw. RFC 4271 §6.2 lets the session reject it with 2/4. */
      readonly kind: 'raw';
      /** Parameter type. */
      readonly type: number;
      /** Parameter value (a view into the decoded message). */
      readonly value: Uint8Array;
    };

/** How the optional parameters of an OPEN were laid out, for byte-exact re-encoding. */
export interface OpenLayout {
  /** The RFC 9072 extended form (2-octet lengths) was used. */
  readonly extended: boolean;
  /** Parameters in wire order. */
  readonly parameters: readonly OptionalParameterLayout[];
}

/** A decoded OPEN message. */
export interface OpenMessage {
  /** Message kind. */
  readonly type: 'OPEN';
  /** Version field; always 4 once decoded (other versions are rejected with 2/1). */
  readonly version: number;
  /** The 2-octet My Autonomous System field as sent (AS_TRANS for 4-octet ASNs, RFC 6793). */
  readonly myAutonomousSystem: number;
  /** Proposed hold time in seconds. */
  readonly holdTime: number;
  /** BGP Identifier as an unsigned 32-bit number. */
  readonly bgpIdentifier: number;
  /** Every capability in wire order, over all Capabilities parameters. */
  readonly capabilities: readonly Capability[];
  /**
   * The optional parameter layout, present only when it differs from the default: no
   * parameters when there are no capabilities, otherwise one Capabilities parameter with all of
   * them, in the classic form when it fits in 255 octets and the RFC 9072 form when not.
   */
  readonly layout?: OpenLayout;
}

/** Error for an OPEN whose fixed part is cut short: the header length was wrong (1/2). */
function shortOpen(body: Uint8Array): Reader {
  return new Reader(body, () =>
    badMessageLength(HEADER_LENGTH + body.length, 'OPEN shorter than its fixed fields'),
  );
}

/** RFC 4271 §6.2: a malformed optional parameter is an OPEN Message Error, subcode Unspecific. */
function malformedParameters(why: string): OpenMessageError {
  return new OpenMessageError(
    OpenMessageErrorSubcode.UNSPECIFIC,
    `malformed optional parameters: ${why}`,
  );
}

const parameterReaderError = (what: string, needed: number, available: number): OpenMessageError =>
  malformedParameters(`${what}: needed ${needed} octets, ${available} left`);

/**
 * Decodes an OPEN body (the octets after the 19-octet header).
 *
 * Throws {@link OpenMessageError} 2/1 (data: the 2-octet version we support) for a version other
 * than 4, 2/0 for malformed optional parameters or capabilities, and a 1/2 error when the body
 * is too short for the fixed fields.
 */
export function decodeOpen(body: Uint8Array): OpenMessage {
  const r = shortOpen(body);
  const version = r.u8('version');
  if (version !== BGP_VERSION) {
    // RFC 4271 §6.2: Unsupported Version Number; the data is the version we support, 2 octets.
    throw new OpenMessageError(
      OpenMessageErrorSubcode.UNSUPPORTED_VERSION_NUMBER,
      `unsupported BGP version ${version}`,
      Uint8Array.of(0, BGP_VERSION),
    );
  }
  const myAutonomousSystem = r.u16('My Autonomous System');
  const holdTime = r.u16('Hold Time');
  const bgpIdentifier = r.u32('BGP Identifier');
  const optLength = r.u8('Opt Parm Len');

  // From here on every short read is a malformed optional parameter (2/0), not a length error.
  const p = new Reader(body, parameterReaderError, r.pos, body.length);
  let extended = false;
  let end: number;
  if (optLength > 0 && p.remaining > 0 && body[p.pos] === OptionalParameterType.EXTENDED_LENGTH) {
    // RFC 9072 §2: Non-Ext OP Len MUST be 255 when Non-Ext OP Type is 255.
    if (optLength !== 255) {
      throw malformedParameters(`extended-length marker with Opt Parm Len ${optLength}, not 255`);
    }
    p.skip(1, 'Non-Ext OP Type');
    const extLength = p.u16('Extended Opt. Parm. Length');
    extended = true;
    end = p.pos + extLength;
  } else {
    end = p.pos + optLength;
  }
  if (end !== p.end) {
    throw malformedParameters(
      `optional parameters length ${end - p.pos} but ${p.remaining} octets follow`,
    );
  }

  const capabilities: Capability[] = [];
  const parameters: OptionalParameterLayout[] = [];
  let rawParameters = false;
  let capabilityOctets = 0;
  while (!p.done) {
    const type = p.u8('parameter type');
    const length = extended ? p.u16('parameter length') : p.u8('parameter length');
    const value = p.sub(length, 'parameter value');
    if (type === OptionalParameterType.CAPABILITIES) {
      const before = capabilities.length;
      capabilityOctets += length;
      while (!value.done) capabilities.push(decodeCapability(value));
      parameters.push({ kind: 'capabilities', count: capabilities.length - before });
    } else {
      rawParameters = true;
      parameters.push({ kind: 'raw', type, value: value.rest() });
    }
  }

  const base: OpenMessage = {
    type: 'OPEN',
    version,
    myAutonomousSystem,
    holdTime,
    bgpIdentifier,
    capabilities,
  };
  const isDefault =
    !rawParameters &&
    (parameters.length === 0
      ? !extended
      : parameters.length === 1 &&
        capabilities.length > 0 &&
        extended === capabilityOctets + 2 > 255);
  return isDefault ? base : { ...base, layout: { extended, parameters } };
}

/** The layout {@link encodeOpen} uses when an OPEN has none (see {@link OpenMessage.layout}). */
function defaultParameters(open: OpenMessage): OptionalParameterLayout[] {
  return open.capabilities.length === 0
    ? []
    : [{ kind: 'capabilities', count: open.capabilities.length }];
}

/** Writes the optional parameters in one form; returns false if the classic form overflows. */
function writeParameters(
  open: OpenMessage,
  parameters: readonly OptionalParameterLayout[],
  extended: boolean,
  w: Writer,
): boolean {
  const lengthSize = extended ? 2 : 1;
  let next = 0;
  for (const param of parameters) {
    if (param.kind === 'raw') {
      w.u8(param.type);
      if (extended) w.u16(param.value.length);
      else w.u8(param.value.length);
      w.bytes(param.value);
      if (!extended && param.value.length > 255) return false;
      continue;
    }
    w.u8(OptionalParameterType.CAPABILITIES);
    const at = w.reserve(lengthSize);
    for (let i = 0; i < param.count; i++) encodeCapability(open.capabilities[next++]!, w);
    const length = w.length - at - lengthSize;
    if (extended) w.patch16(at, length);
    else if (length > 255) return false;
    else w.patch8(at, length);
  }
  return true;
}

/**
 * Writes an OPEN body (the octets after the header).
 * Throws a `RangeError` when an explicit classic-form layout does not fit in 255 octets.
 */
export function encodeOpen(open: OpenMessage, w: Writer): void {
  w.u8(open.version).u16(open.myAutonomousSystem).u16(open.holdTime).u32(open.bgpIdentifier);
  const layout = open.layout;
  // A layout whose counts do not cover the capabilities (the caller edited the list) is
  // ignored rather than trusted, so that no capability is dropped or repeated.
  const counted =
    layout?.parameters.reduce((n, p) => n + (p.kind === 'capabilities' ? p.count : 0), 0) ?? -1;
  const useLayout = layout !== undefined && counted === open.capabilities.length;
  const parameters = useLayout ? layout.parameters : defaultParameters(open);
  const start = w.length;
  if (!(useLayout && layout.extended)) {
    const at = w.reserve(1);
    if (writeParameters(open, parameters, false, w) && w.length - at - 1 <= 255) {
      w.patch8(at, w.length - at - 1);
      return;
    }
    if (useLayout)
      throw new RangeError('optional parameters exceed 255 octets in the classic form');
    w.length = start; // rewind, then use the RFC 9072 form (default layout only)
  }
  // RFC 9072 §2: Non-Ext OP Len 255, Non-Ext OP Type 255, then the 2-octet length.
  w.u8(255).u8(OptionalParameterType.EXTENDED_LENGTH);
  const at = w.reserve(2);
  writeParameters(open, parameters, true, w);
  const length = w.length - at - 2;
  if (length > 0xffff) throw new RangeError('optional parameters exceed 65535 octets');
  w.patch16(at, length);
}

/** The speaker's ASN: from the 4-octet AS capability if present (RFC 6793 §3), else the 2-octet field. */
export function openAsn(open: OpenMessage): number {
  return findCapability(open.capabilities, 'FOUR_OCTET_AS')?.asn ?? open.myAutonomousSystem;
}

/** Fields of {@link createOpen}. */
export interface CreateOpenOptions {
  /** The speaker's ASN (4-octet values are sent as AS_TRANS in the 2-octet field). */
  readonly asn: number;
  /** Proposed hold time in seconds (0 or at least 3). */
  readonly holdTime: number;
  /** BGP Identifier as an unsigned 32-bit number. */
  readonly bgpIdentifier: number;
  /** Capabilities to advertise, in order (include the 4-octet AS capability yourself). */
  readonly capabilities?: readonly Capability[];
}

/** Builds an OPEN, placing AS_TRANS in the 2-octet field for ASNs above 65535 (RFC 6793 §4.1). */
export function createOpen(options: CreateOpenOptions): OpenMessage {
  return {
    type: 'OPEN',
    version: BGP_VERSION,
    myAutonomousSystem: options.asn > 0xffff ? AS_TRANS : options.asn,
    holdTime: options.holdTime,
    bgpIdentifier: options.bgpIdentifier >>> 0,
    capabilities: options.capabilities ?? [],
  };
}

/**
 * Throws 2/6 Unacceptable Hold Time for 1 or 2 seconds, which RFC 4271 §6.2 says MUST be
 * rejected; a session may pass a stricter `minimum` (still allowing 0, which disables keepalives).
 */
export function checkHoldTime(holdTime: number, minimum = 3): void {
  if (holdTime !== 0 && (holdTime < 3 || holdTime < minimum)) {
    throw new OpenMessageError(
      OpenMessageErrorSubcode.UNACCEPTABLE_HOLD_TIME,
      `unacceptable hold time ${holdTime}`,
    );
  }
}

/**
 * Throws 2/3 Bad BGP Identifier for zero (RFC 6286 §2.2), or, for an internal peer, for the
 * local speaker's own identifier.
 *
 * @param bgpIdentifier - the peer's identifier
 * @param local - the local identifier and whether the peer is internal, when known
 */
export function checkBgpIdentifier(
  bgpIdentifier: number,
  local?: { readonly bgpIdentifier: number; readonly internal: boolean },
): void {
  if (
    bgpIdentifier === 0 ||
    (local?.internal === true && local.bgpIdentifier >>> 0 === bgpIdentifier >>> 0)
  ) {
    throw new OpenMessageError(
      OpenMessageErrorSubcode.BAD_BGP_IDENTIFIER,
      `bad BGP identifier ${bgpIdentifier >>> 0}`,
    );
  }
}

/**
 * Throws 2/2 Bad Peer AS unless the OPEN's ASN (see {@link openAsn}) is `expected`.
 * RFC 6793 §4.1 also makes a 4-octet capability carrying AS_TRANS a Bad Peer AS.
 */
export function checkPeerAs(open: OpenMessage, expected: number): void {
  const asn = openAsn(open);
  const as4 = findCapability(open.capabilities, 'FOUR_OCTET_AS');
  if (asn !== expected || as4?.asn === AS_TRANS) {
    throw new OpenMessageError(
      OpenMessageErrorSubcode.BAD_PEER_AS,
      `peer AS ${asn}, expected ${expected}`,
    );
  }
}

/** Throws 2/4 Unsupported Optional Parameter when the OPEN holds a non-capability parameter (RFC 4271 §6.2). */
export function checkOptionalParameters(open: OpenMessage): void {
  for (const p of open.layout?.parameters ?? []) {
    if (p.kind === 'raw') {
      throw new OpenMessageError(
        OpenMessageErrorSubcode.UNSUPPORTED_OPTIONAL_PARAMETER,
        `unsupported optional parameter type ${p.type}`,
      );
    }
  }
}

/**
 * The 2/7 Unsupported Capability error for capabilities the session requires the peer to
 * lack or support; RFC 5492 §5 puts the offending capability TLVs in the data field.
 */
export function unsupportedCapabilityError(capabilities: readonly Capability[]): OpenMessageError {
  const w = new Writer(64);
  for (const c of capabilities) encodeCapability(c, w);
  return new OpenMessageError(
    OpenMessageErrorSubcode.UNSUPPORTED_CAPABILITY,
    'unsupported capability',
    w.finish(),
  );
}
