/**
 * Decoding what MRT records carry, with the context their type and subtype imply
 * ({@link mrtMessageContext}): BGP4MP messages with the message codecs, RIB entry attributes with
 * the attribute codec in its MRT form (RFC 6396 §4.3.4: MP_REACH_NLRI holds only the next hop).
 *
 * @module
 */
import { decodeAttributes } from '../attributes/codec.js';
import type { PathAttribute } from '../attributes/types.js';
import type { AttributeProblem } from '../errors.js';
import { type BgpMessage, decodeMessage } from '../message.js';
import { MRT_RIB_CONTEXT, MRT_TABLE_DUMP_CONTEXT, mrtMessageContext } from './context.js';
import type { Bgp4mpEntryRecord, Bgp4mpMessageRecord, RibEntry, TableDumpRecord } from './types.js';

/** Attributes decoded from an MRT RIB entry, with any RFC 7606 findings. */
export interface MrtAttributes {
  /** Attributes in wire order. */
  readonly attributes: PathAttribute[];
  /** Problems found (the entry is still reported; a collector dump is not a session). */
  readonly problems: AttributeProblem[];
}

/**
 * Decodes the BGP message of a BGP4MP record with the AS width and ADD-PATH its subtype states.
 * Throws the codec's {@link BgpError} for a malformed message, as `decodeMessage` does.
 *
 * @example
 * ```ts
 * if (rec.kind === 'MESSAGE') { const msg = decodeMrtMessage(rec); if (msg.type === 'UPDATE') … }
 * ```
 */
export function decodeMrtMessage(record: Bgp4mpMessageRecord): BgpMessage {
  return decodeMessage(record.message, mrtMessageContext(record));
}

/** Decodes a TABLE_DUMP_V2 RIB entry's attributes (4-octet AS, abbreviated MP_REACH_NLRI). */
export function decodeRibEntryAttributes(entry: Pick<RibEntry, 'attributes'>): MrtAttributes {
  return decodeAttributes(entry.attributes, MRT_RIB_CONTEXT, { mrtAbbreviatedMpReach: true });
}

/**
 * Decodes a legacy TABLE_DUMP (or BGP4MP_ENTRY) record's attributes (2-octet AS). Writers of that format stored
 * MP_REACH_NLRI in the abbreviated RIB form as well.
 */
export function decodeTableDumpAttributes(
  record: Pick<TableDumpRecord | Bgp4mpEntryRecord, 'attributes'>,
): MrtAttributes {
  return decodeAttributes(record.attributes, MRT_TABLE_DUMP_CONTEXT, {
    mrtAbbreviatedMpReach: true,
  });
}
