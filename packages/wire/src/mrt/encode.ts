/**
 * Writing MRT records: TABLE_DUMP_V2 (peer index table and RIB records) and BGP4MP(_ET)
 * (messages and state changes). The common header's length is reserved and back-patched.
 *
 * @module
 */
import { MrtFormatError } from '../errors.js';
import { Bgp4mpSubtype, MrtType, TableDumpV2Subtype } from '../iana.js';
import type { Prefix } from '../prefix.js';
import { Writer } from '../writer.js';
import {
  bgp4mpMessageSubtype,
  encodeBgp4mpMessageBody,
  encodeBgp4mpStateChangeBody,
} from './bgp4mp.js';
import { isExtendedTimestampType } from './record.js';
import { encodePeerIndexTableBody, encodeRibBody, ribSubtype } from './table-dump-v2.js';
import type {
  Bgp4mpMessageRecord,
  Bgp4mpStateChangeRecord,
  PeerIndexTableRecord,
  RibRecord,
} from './types.js';

/** Drops the fields the writer computes itself (offset, type, subtype). */
type Writable<T> = Omit<T, 'offset' | 'type' | 'subtype'> & {
  /** Write as BGP4MP_ET with this microseconds value (BGP4MP records only). */
  readonly microseconds?: number;
};

/** A record the writer can encode. */
export type MrtWritableRecord =
  | Writable<PeerIndexTableRecord>
  | Writable<
      Omit<RibRecord, 'nlri' | 'prefix'> & {
        /** The NLRI as on the wire; built from `prefix` when absent. */
        readonly nlri?: Uint8Array;
        /** The prefix (unicast and multicast families). */
        readonly prefix?: Prefix;
      }
    >
  | Writable<Bgp4mpMessageRecord>
  | Writable<Bgp4mpStateChangeRecord>;

/**
 * Encodes one MRT record, common header included.
 *
 * @example
 * ```ts
 * const bytes = encodeMrtRecord({ kind: 'MESSAGE', timestamp: 1700000000, as4: true,
 *   addPath: false, local: false, peerAs: 65001, localAs: 65000, interfaceIndex: 0, afi: 1,
 *   peerAddress: parseAddress('192.0.2.1'), localAddress: parseAddress('192.0.2.2'), message });
 * ```
 */
export function encodeMrtRecord(
  record: MrtWritableRecord,
  w: Writer = new Writer(512),
): Uint8Array {
  const start = w.length;
  let type: number;
  let subtype: number;
  switch (record.kind) {
    case 'PEER_INDEX_TABLE':
      type = MrtType.TABLE_DUMP_V2;
      subtype = TableDumpV2Subtype.PEER_INDEX_TABLE;
      break;
    case 'RIB':
      type = MrtType.TABLE_DUMP_V2;
      subtype = ribSubtype(record);
      break;
    case 'MESSAGE':
      type = record.microseconds === undefined ? MrtType.BGP4MP : MrtType.BGP4MP_ET;
      subtype = bgp4mpMessageSubtype(record);
      break;
    case 'STATE_CHANGE':
      type = record.microseconds === undefined ? MrtType.BGP4MP : MrtType.BGP4MP_ET;
      subtype = record.as4 ? Bgp4mpSubtype.STATE_CHANGE_AS4 : Bgp4mpSubtype.STATE_CHANGE;
      break;
  }
  w.u32(record.timestamp).u16(type).u16(subtype);
  const lengthAt = w.reserve(4);
  if (isExtendedTimestampType(type)) w.u32(record.microseconds ?? 0);
  switch (record.kind) {
    case 'PEER_INDEX_TABLE':
      encodePeerIndexTableBody(record, w);
      break;
    case 'RIB':
      encodeRibBody(record, w);
      break;
    case 'MESSAGE':
      encodeBgp4mpMessageBody(record, w);
      break;
    case 'STATE_CHANGE':
      encodeBgp4mpStateChangeBody(record, w);
      break;
  }
  const length = w.length - lengthAt - 4;
  if (length > 0xffffffff) throw new MrtFormatError('MRT record too long', start);
  // Writer has patch16 only; the 32-bit length is two 16-bit halves.
  w.patch16(lengthAt, Math.floor(length / 0x10000));
  w.patch16(lengthAt + 2, length & 0xffff);
  return w.view().slice(start);
}
