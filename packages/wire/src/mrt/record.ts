/**
 * The MRT common header and the record dispatch: one function from a record's bytes to a typed
 * record, and a synchronous walk over a buffer of records. RFC 6396 §2–§4.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           Timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             Type              |            Subtype            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             Length                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Microsecond Timestamp (only for *_ET types)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Message... (variable)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * The Length counts the microsecond field but not the common header (RFC 6396 §3).
 *
 * @module
 */
import { MrtFormatError } from '../errors.js';
import { MrtType, TableDumpV2Subtype } from '../iana.js';
import { decodeBgp4mp, decodeLegacyBgp } from './bgp4mp.js';
import { decodeTableDump } from './table-dump.js';
import { decodePeerIndexTable, decodeRib, decodeRibGeneric } from './table-dump-v2.js';
import type { MrtErrorRecord, MrtHeader, MrtRecord } from './types.js';

/** Length of the MRT common header. RFC 6396 §2. */
export const MRT_HEADER_LENGTH = 12;

/** True for the extended-timestamp types, whose body starts with microseconds. RFC 6396 §3. */
export function isExtendedTimestampType(type: number): boolean {
  return type === MrtType.BGP4MP_ET || type === 15 || type === 33 || type === 49;
}

/**
 * A plain Uint8Array view of the same memory (a Buffer's subarrays are Buffers), so that every
 * field of a record is one kind of array whatever the caller passed.
 */
function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
}

/**
 * Reads the common header at `pos`: timestamp, type, subtype and the body length (which, for
 * _ET types, includes the microseconds). The caller checks that 12 bytes are there.
 */
export function peekMrtHeader(
  bytes: Uint8Array,
  pos: number,
): { timestamp: number; type: number; subtype: number; length: number } {
  return {
    timestamp: u32(bytes, pos),
    type: (bytes[pos + 4]! << 8) | bytes[pos + 5]!,
    subtype: (bytes[pos + 6]! << 8) | bytes[pos + 7]!,
    length: u32(bytes, pos + 8),
  };
}

function errorRecord(
  error: MrtFormatError,
  fatal: boolean,
  h?: { timestamp: number; type: number; subtype: number },
): MrtErrorRecord {
  if (h === undefined) return { kind: 'ERROR', offset: error.offset, error, fatal };
  const { timestamp, type, subtype } = h;
  return { kind: 'ERROR', offset: error.offset, type, subtype, timestamp, error, fatal };
}

/**
 * Decodes one whole record (common header included). A body that does not parse becomes a
 * non-fatal ERROR record: the length field still says where the next record starts.
 *
 * @param bytes - the record's bytes, exactly header + length
 * @param offset - where the record starts in the stream (for errors)
 */
export function decodeMrtRecord(bytes: Uint8Array, offset = 0): MrtRecord {
  const record = plain(bytes);
  if (record.length < MRT_HEADER_LENGTH) {
    return errorRecord(new MrtFormatError('MRT record shorter than its header', offset), true);
  }
  const h = peekMrtHeader(record, 0);
  try {
    if (record.length !== MRT_HEADER_LENGTH + h.length) {
      throw new MrtFormatError(
        `MRT record of ${record.length} bytes but its length field says ${MRT_HEADER_LENGTH + h.length}`,
        offset,
      );
    }
    let body = record.subarray(MRT_HEADER_LENGTH);
    let header: MrtHeader = { offset, timestamp: h.timestamp, type: h.type, subtype: h.subtype };
    if (isExtendedTimestampType(h.type)) {
      if (body.length < 4) throw new MrtFormatError('_ET record without microseconds', offset);
      header = { ...header, microseconds: u32(body, 0) };
      body = body.subarray(4);
    }
    return decodeBody(header, body);
  } catch (err) {
    if (err instanceof MrtFormatError) return errorRecord(err, false, h);
    throw err;
  }
}

function decodeBody(header: MrtHeader, body: Uint8Array): MrtRecord {
  switch (header.type) {
    case MrtType.TABLE_DUMP_V2:
      if (header.subtype === TableDumpV2Subtype.PEER_INDEX_TABLE) {
        return decodePeerIndexTable(header, body);
      }
      if (
        header.subtype === TableDumpV2Subtype.RIB_GENERIC ||
        header.subtype === TableDumpV2Subtype.RIB_GENERIC_ADDPATH
      ) {
        return decodeRibGeneric(header, body);
      }
      if (header.subtype === TableDumpV2Subtype.GEO_PEER_TABLE || header.subtype > 12) {
        return { ...header, kind: 'UNKNOWN', body };
      }
      return decodeRib(header, body);
    case MrtType.TABLE_DUMP:
      return decodeTableDump(header, body);
    case MrtType.BGP4MP:
    case MrtType.BGP4MP_ET:
      return decodeBgp4mp(header, body);
    case MrtType.BGP:
      return decodeLegacyBgp(header, body);
    default:
      return { ...header, kind: 'UNKNOWN', body };
  }
}

/**
 * Walks the records in a buffer that holds a whole (decompressed) MRT file.
 *
 * A record whose body does not parse is yielded as a non-fatal ERROR record and the walk goes
 * on. A record whose header or length runs past the end of the buffer ends the walk with a fatal
 * ERROR record: past a tear there is no telling where the next record starts.
 *
 * @example
 * ```ts
 * for (const rec of readMrtRecords(bytes)) if (rec.kind === 'RIB') count += rec.entries.length;
 * ```
 */
export function* readMrtRecords(input: Uint8Array, baseOffset = 0): Generator<MrtRecord> {
  const bytes = plain(input);
  let pos = 0;
  while (pos < bytes.length) {
    const offset = baseOffset + pos;
    if (bytes.length - pos < MRT_HEADER_LENGTH) {
      yield errorRecord(
        new MrtFormatError(
          `${bytes.length - pos} trailing bytes cannot hold an MRT common header`,
          offset,
        ),
        true,
      );
      return;
    }
    const h = peekMrtHeader(bytes, pos);
    const end = pos + MRT_HEADER_LENGTH + h.length;
    if (end > bytes.length) {
      yield errorRecord(
        new MrtFormatError(
          `MRT record length ${h.length} runs ${end - bytes.length} bytes past the end of the data`,
          offset,
        ),
        true,
        h,
      );
      return;
    }
    yield decodeMrtRecord(bytes.subarray(pos, end), offset);
    pos = end;
  }
}
