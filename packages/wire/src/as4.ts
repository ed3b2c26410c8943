/**
 * Reconstructing 4-octet AS information received from a 2-octet ("OLD") speaker.
 * RFC 6793 §4.2.3.
 *
 * A 2-octet speaker carries AS_PATH with AS_TRANS (23456) in place of every 4-octet AS, and
 * passes on the AS4_PATH and AS4_AGGREGATOR attributes that a 4-octet speaker added. The decoder
 * keeps both attributes as received; a session with a 2-octet peer calls {@link mergeAs4} to get
 * the real path and aggregator.
 *
 * @module
 */
import { findAttribute } from './attributes/codec.js';
import type { AggregatorValue, AsPathSegment, PathAttribute } from './attributes/types.js';
import { AS_TRANS, AsPathSegmentType, AttributeType } from './iana.js';

/**
 * Number of AS numbers a path counts for, in the sense of RFC 6793 §4.2.3 (and RFC 4271
 * §9.1.2.2): each AS in an AS_SEQUENCE counts, an AS_SET counts as one, confederation segments
 * count as none.
 */
export function asPathCount(segments: readonly AsPathSegment[]): number {
  let n = 0;
  for (const s of segments) {
    if (s.type === AsPathSegmentType.AS_SEQUENCE) n += s.asns.length;
    else if (s.type === AsPathSegmentType.AS_SET) n += 1;
  }
  return n;
}

/**
 * Merges AS_PATH and AS4_PATH (RFC 6793 §4.2.3): when AS_PATH counts fewer AS numbers than
 * AS4_PATH, AS4_PATH is ignored; otherwise the leading AS numbers of AS_PATH (as many as the
 * difference) are kept and AS4_PATH is appended. Confederation segments in AS4_PATH are dropped
 * (RFC 6793 §3 forbids them there).
 */
export function mergeAsPath(
  asPath: readonly AsPathSegment[],
  as4Path: readonly AsPathSegment[],
): AsPathSegment[] {
  const tail = as4Path.filter(
    (s) => s.type === AsPathSegmentType.AS_SEQUENCE || s.type === AsPathSegmentType.AS_SET,
  );
  const have = asPathCount(asPath);
  const extra = asPathCount(tail);
  if (have < extra) return asPath.map((s) => ({ type: s.type, asns: [...s.asns] }));
  let keep = have - extra;
  const out: AsPathSegment[] = [];
  for (const s of asPath) {
    if (s.type === AsPathSegmentType.AS_SEQUENCE) {
      if (keep === 0) break;
      const take = Math.min(keep, s.asns.length);
      out.push({ type: s.type, asns: s.asns.slice(0, take) });
      keep -= take;
    } else if (s.type === AsPathSegmentType.AS_SET) {
      if (keep === 0) break;
      out.push({ type: s.type, asns: [...s.asns] });
      keep -= 1;
    } else {
      // Confederation segments count for nothing, so they belong to the leading part.
      out.push({ type: s.type, asns: [...s.asns] });
    }
  }
  for (const s of tail) {
    const last = out[out.length - 1];
    if (
      last !== undefined &&
      last.type === AsPathSegmentType.AS_SEQUENCE &&
      s.type === AsPathSegmentType.AS_SEQUENCE &&
      last.asns.length + s.asns.length <= 255
    ) {
      out[out.length - 1] = { type: last.type, asns: [...last.asns, ...s.asns] };
    } else {
      out.push({ type: s.type, asns: [...s.asns] });
    }
  }
  return out;
}

/** The AS path and aggregator a 2-octet peer's UPDATE stands for. */
export interface MergedAs4 {
  /** The reconstructed AS path (empty when the UPDATE had no AS_PATH). */
  readonly asPath: AsPathSegment[];
  /** The reconstructed aggregator, when AGGREGATOR was present. */
  readonly aggregator?: AggregatorValue;
}

/**
 * Applies RFC 6793 §4.2.3 to an UPDATE's attributes received from a 2-octet speaker:
 * if AGGREGATOR carries an AS other than AS_TRANS, AS4_AGGREGATOR and AS4_PATH are ignored;
 * otherwise AGGREGATOR takes the AS4_AGGREGATOR value and AS_PATH is merged with AS4_PATH.
 */
export function mergeAs4(attributes: readonly PathAttribute[]): MergedAs4 {
  const asPath = findAttribute(attributes, AttributeType.AS_PATH)?.value ?? [];
  const as4Path = findAttribute(attributes, AttributeType.AS4_PATH)?.value;
  const aggregator = findAttribute(attributes, AttributeType.AGGREGATOR)?.value;
  const as4Aggregator = findAttribute(attributes, AttributeType.AS4_AGGREGATOR)?.value;
  const copy = (): AsPathSegment[] => asPath.map((s) => ({ type: s.type, asns: [...s.asns] }));
  if (aggregator !== undefined && aggregator.asn !== AS_TRANS) {
    return { asPath: copy(), aggregator };
  }
  const merged = as4Path === undefined ? copy() : mergeAsPath(asPath, as4Path);
  const agg = as4Aggregator ?? aggregator;
  return agg === undefined || aggregator === undefined
    ? { asPath: merged }
    : { asPath: merged, aggregator: agg };
}
