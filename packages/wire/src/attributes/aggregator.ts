/**
 * AGGREGATOR (type 7, optional transitive) and AS4_AGGREGATOR (type 18, optional transitive).
 * RFC 4271 §5.1.7, RFC 6793 §3.
 *
 * ```
 * +--------------------------------+------------------------------+
 * | AS number (2 octets, or 4 when | IPv4 address of the          |
 * | 4-octet AS; always 4 in        | aggregating speaker (4)      |
 * | AS4_AGGREGATOR)                |                              |
 * +--------------------------------+------------------------------+
 * ```
 *
 * RFC 7606 §7.7: AGGREGATOR of a length other than 6 (2-octet session) or 8 (4-octet) is
 * "attribute discard". RFC 6793 §6: a malformed AS4_AGGREGATOR is discarded too.
 *
 * @module
 */
import { AttributeType } from '../iana.js';
import type { Reader } from '../reader.js';
import type { Writer } from '../writer.js';
import {
  type AttributeDescriptor,
  expectAttributeLength,
  OPTIONAL_TRANSITIVE_FLAGS,
} from './descriptor.js';
import type { AggregatorAttribute, AggregatorValue, As4AggregatorAttribute } from './types.js';

function decodeAggregator(r: Reader, asSize: 2 | 4, name: string): AggregatorValue {
  expectAttributeLength(r, asSize + 4, name);
  const asn = asSize === 4 ? r.u32() : r.u16();
  return { asn, address: r.bytes(4).slice() };
}

function encodeAggregator(v: AggregatorValue, asSize: 2 | 4, w: Writer): void {
  if (asSize === 4) w.u32(v.asn);
  else w.u16(v.asn);
  w.bytes(v.address);
}

/** Descriptor of AGGREGATOR. */
export const aggregatorDescriptor: AttributeDescriptor<AggregatorAttribute> = {
  typeCode: AttributeType.AGGREGATOR,
  name: 'AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE_FLAGS,
  malformedAction: 'discard',
  decode(r, ctx) {
    return decodeAggregator(r, ctx.fourOctetAs ? 4 : 2, 'AGGREGATOR');
  },
  encode(value, ctx, w) {
    encodeAggregator(value, ctx.fourOctetAs ? 4 : 2, w);
  },
};

/** Descriptor of AS4_AGGREGATOR. */
export const as4AggregatorDescriptor: AttributeDescriptor<As4AggregatorAttribute> = {
  typeCode: AttributeType.AS4_AGGREGATOR,
  name: 'AS4_AGGREGATOR',
  flags: OPTIONAL_TRANSITIVE_FLAGS,
  malformedAction: 'discard',
  decode(r) {
    return decodeAggregator(r, 4, 'AS4_AGGREGATOR');
  },
  encode(value, _ctx, w) {
    encodeAggregator(value, 4, w);
  },
};
