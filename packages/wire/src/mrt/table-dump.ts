/**
 * Legacy TABLE_DUMP (MRT type 12): one route per record. RFC 6396 §4.2.
 *
 * ```
 * +-------------------------------+-------------------------------+
 * |         View Number (2)       |       Sequence Number (2)     |
 * +-------------------------------+-------------------------------+
 * |                  Prefix (4 or 16, by subtype)                 |
 * +---------------+---------------+-------------------------------+
 * | Prefix Length |    Status     |     Originated Time (4) ...   |
 * +---------------+---------------+-------------------------------+
 * |                  Peer IP Address (4 or 16)                    |
 * +-------------------------------+-------------------------------+
 * |           Peer AS (2)         |      Attribute Length (2)     |
 * +-------------------------------+-------------------------------+
 * |                  BGP Attribute... (variable)                  |
 * +---------------------------------------------------------------+
 * ```
 *
 * @module
 */
import { MrtFormatError } from '../errors.js';
import { makePrefix } from '../prefix.js';
import { addressLength, mrtReader } from './mrt-reader.js';
import type { MrtHeader, TableDumpRecord } from './types.js';

/** Decodes a TABLE_DUMP body; the subtype is the AFI of the prefix and peer address. */
export function decodeTableDump(header: MrtHeader, body: Uint8Array): TableDumpRecord {
  const afi = header.subtype;
  const size = addressLength(afi, header.offset, 'TABLE_DUMP');
  const r = mrtReader(body, header.offset, 'TABLE_DUMP');
  const viewNumber = r.u16('view number');
  const sequence = r.u16('sequence number');
  const address = Uint8Array.from(r.bytes(size, 'prefix'));
  const length = r.u8('prefix length');
  if (length > size * 8) {
    throw new MrtFormatError(
      `TABLE_DUMP prefix length ${length} exceeds ${size * 8}`,
      header.offset,
    );
  }
  const status = r.u8('status');
  const originatedTime = r.u32('originated time');
  const peerAddress = r.bytes(size, 'peer address');
  const peerAs = r.u16('peer AS');
  const attributes = r.bytes(r.u16('attribute length'), 'attributes');
  if (!r.done) {
    throw new MrtFormatError(`${r.remaining} bytes after TABLE_DUMP attributes`, header.offset);
  }
  return {
    ...header,
    kind: 'TABLE_DUMP',
    afi,
    viewNumber,
    sequence,
    prefix: makePrefix(address, length),
    status,
    originatedTime,
    peerAddress,
    peerAs,
    attributes,
  };
}
