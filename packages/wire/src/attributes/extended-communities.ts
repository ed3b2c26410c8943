/**
 * EXTENDED_COMMUNITIES (type 16), optional transitive. RFC 4360 §2, §4; RFC 5668 §3.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Type high    |  Type low     |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+          Value (6 octets)     |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Route Target (low 0x02) / Route Origin (low 0x03) forms that are typed here:
 *   type 0x00  2-octet AS (2) | local administrator (4)        RFC 4360 §4
 *   type 0x01  IPv4 address (4) | local administrator (2)      RFC 4360 §4
 *   type 0x02  4-octet AS (4) | local administrator (2)        RFC 5668 §3
 * ```
 *
 * Every other extended community stays 8 raw bytes. RFC 7606 §7.14: a length that is not a
 * non-zero multiple of 8 is "treat-as-withdraw".
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import {
  type AttributeDescriptor,
  expectNonZeroMultipleLength,
  OPTIONAL_TRANSITIVE_FLAGS,
} from './descriptor.js';
import type { ExtendedCommunitiesAttribute, ExtendedCommunity } from './types.js';

/** Extended community type (high octet) of the typed forms. RFC 4360 §3, RFC 5668 §2. */
const FORM_BY_TYPE = ['as2', 'ipv4', 'as4'] as const;
/** Route Target subtype. RFC 4360 §4. */
const SUBTYPE_ROUTE_TARGET = 0x02;
/** Route Origin subtype. RFC 4360 §5. */
const SUBTYPE_ROUTE_ORIGIN = 0x03;

/** Decodes one 8-octet extended community. */
export function decodeExtendedCommunity(bytes: Uint8Array): ExtendedCommunity {
  const type = bytes[0]!;
  const subtype = bytes[1]!;
  const form = FORM_BY_TYPE[type];
  if (
    form === undefined ||
    (subtype !== SUBTYPE_ROUTE_TARGET && subtype !== SUBTYPE_ROUTE_ORIGIN)
  ) {
    return { kind: 'raw', bytes: bytes.slice(0, 8) };
  }
  const kind = subtype === SUBTYPE_ROUTE_TARGET ? 'route-target' : 'route-origin';
  const u16 = (i: number): number => (bytes[i]! << 8) | bytes[i + 1]!;
  const u32 = (i: number): number =>
    ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
  if (form === 'as2') return { kind, form, global: u16(2), local: u32(4) };
  return { kind, form, global: u32(2), local: u16(6) };
}

/** Encodes one extended community into 8 octets. */
export function encodeExtendedCommunity(c: ExtendedCommunity): Uint8Array {
  if (c.kind === 'raw') return c.bytes;
  const out = new Uint8Array(8);
  out[0] = FORM_BY_TYPE.indexOf(c.form);
  out[1] = c.kind === 'route-target' ? SUBTYPE_ROUTE_TARGET : SUBTYPE_ROUTE_ORIGIN;
  const dv = new DataView(out.buffer);
  if (c.form === 'as2') {
    dv.setUint16(2, c.global);
    dv.setUint32(4, c.local >>> 0);
  } else {
    dv.setUint32(2, c.global >>> 0);
    dv.setUint16(6, c.local);
  }
  return out;
}

/** Descriptor of EXTENDED_COMMUNITIES. */
export const extendedCommunitiesDescriptor: AttributeDescriptor<ExtendedCommunitiesAttribute> = {
  typeCode: AttributeType.EXTENDED_COMMUNITIES,
  name: 'EXTENDED_COMMUNITIES',
  flags: OPTIONAL_TRANSITIVE_FLAGS,
  malformedAction: 'withdraw',
  decode(r) {
    expectNonZeroMultipleLength(r, 8, 'EXTENDED_COMMUNITIES');
    const out: ExtendedCommunity[] = [];
    while (!r.done) out.push(decodeExtendedCommunity(r.bytes(8)));
    return out;
  },
  encode(value, _ctx, w) {
    for (const c of value) w.bytes(encodeExtendedCommunity(c));
  },
};
