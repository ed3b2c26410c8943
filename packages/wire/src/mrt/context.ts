/**
 * The codec contexts that MRT records imply for what they carry.
 *
 * An MRT file records no session negotiation; the record's type and subtype stand in for it.
 * BGP4MP MESSAGE subtypes say whether the AS_PATH has 4-octet AS numbers (*_AS4) and whether
 * NLRI carry path identifiers (*_ADDPATH, RFC 8050 §3). TABLE_DUMP_V2 RIB entries always use
 * 4-octet AS numbers (RFC 6396 §4.3.4); legacy TABLE_DUMP entries use 2-octet ones.
 *
 * @module
 */
import { type CodecContext, createContext, type FamilyKey } from '../context.js';
import type { Bgp4mpMessageRecord } from './types.js';

/**
 * A family set that contains every family: an *_ADDPATH subtype says that all NLRI in the
 * message carry a path identifier, whatever their AFI/SAFI (RFC 8050 §3).
 */
class EveryFamily extends Set<FamilyKey> {
  override has(_key: FamilyKey): boolean {
    return true;
  }
}

/** The ADD-PATH family set of an *_ADDPATH record: every family has path identifiers. */
export const ALL_FAMILIES: ReadonlySet<FamilyKey> = new EveryFamily();

// MRT collectors store messages as received, and a session may have negotiated RFC 8654
// extended messages, so the codecs accept up to 65535 bytes for every MRT context.
const as2 = createContext({ fourOctetAs: false, extendedMessage: true });
const as4 = createContext({ fourOctetAs: true, extendedMessage: true });
const as2AddPath = createContext({
  fourOctetAs: false,
  extendedMessage: true,
  addPath: ALL_FAMILIES,
});
const as4AddPath = createContext({
  fourOctetAs: true,
  extendedMessage: true,
  addPath: ALL_FAMILIES,
});

/** The context to decode a BGP4MP record's message with, from its subtype. */
export function mrtMessageContext(
  record: Pick<Bgp4mpMessageRecord, 'as4' | 'addPath'>,
): CodecContext {
  if (record.addPath) return record.as4 ? as4AddPath : as2AddPath;
  return record.as4 ? as4 : as2;
}

/** The context for TABLE_DUMP_V2 RIB entry attributes: 4-octet AS numbers. RFC 6396 §4.3.4. */
export const MRT_RIB_CONTEXT: CodecContext = as4;

/** The context for legacy TABLE_DUMP attributes: 2-octet AS numbers. RFC 6396 §4.2. */
export const MRT_TABLE_DUMP_CONTEXT: CodecContext = as2;
