/**
 * MRT records as JSON, decoding what they carry on the way. The formatter remembers the last
 * PEER_INDEX_TABLE so that RIB entries can name their peer.
 *
 * @module
 */
import { isBgpError } from '../errors.js';
import { ErrorCode } from '../iana.js';
import { type BgpMessage, decodeMessage } from '../message.js';
import { mrtMessageContext } from '../mrt/context.js';
import {
  decodeMrtMessage,
  decodeRibEntryAttributes,
  decodeTableDumpAttributes,
  type MrtAttributes,
} from '../mrt/decode.js';
import type { Bgp4mpMessageRecord, MrtPeer, MrtRecord } from '../mrt/types.js';
import { formatAddress, formatPrefix } from '../prefix.js';
import {
  addressToJson,
  attributesToJson,
  dotted,
  errorToJson,
  FSM_STATE_NAMES,
  hex,
  type JsonObject,
  messageToJson,
  mrtRecordName,
  problemsToJson,
} from './json.js';

function decodedAttributes(decode: () => MrtAttributes): JsonObject {
  try {
    const { attributes, problems } = decode();
    const o: JsonObject = { attributes: attributesToJson(attributes) };
    if (problems.length > 0) o.problems = problemsToJson(problems);
    return o;
  } catch (err) {
    if (!isBgpError(err)) throw err;
    return errorToJson(err);
  }
}

/**
 * Decodes a BGP4MP message with the context its subtype states. When that fails on an UPDATE and
 * the subtype says "no ADD-PATH", one retry with ADD-PATH: BIRD wrote plain MESSAGE_AS4 records
 * for sessions that had negotiated ADD-PATH (the mrtparse `bird_bgp` sample), and a decode that
 * succeeds only with path identifiers is the more useful answer. The retry is flagged.
 */
function decodeRecordMessage(record: Bgp4mpMessageRecord): {
  msg: BgpMessage;
  addPathGuessed?: true;
} {
  try {
    return { msg: decodeMrtMessage(record) };
  } catch (err) {
    if (record.addPath || !isBgpError(err) || err.code !== ErrorCode.UPDATE_MESSAGE_ERROR)
      throw err;
    try {
      const msg = decodeMessage(record.message, mrtMessageContext({ ...record, addPath: true }));
      return { msg, addPathGuessed: true };
    } catch {
      throw err;
    }
  }
}

/** Turns MRT records into JSON objects, one per record. */
export class MrtJsonFormatter {
  private peers: readonly MrtPeer[] = [];

  /** The JSON object for one record (see the README's schema). */
  format(record: MrtRecord): JsonObject {
    if (record.kind === 'ERROR') {
      const o: JsonObject = { offset: record.offset };
      if (record.type !== undefined) o.record = mrtRecordName(record.type, record.subtype ?? 0);
      return { ...o, ...errorToJson(record.error), fatal: record.fatal };
    }
    const o: JsonObject = {
      record: mrtRecordName(record.type, record.subtype),
      offset: record.offset,
      timestamp: record.timestamp,
    };
    if (record.microseconds !== undefined) o.microseconds = record.microseconds;
    switch (record.kind) {
      case 'PEER_INDEX_TABLE':
        this.peers = record.peers;
        return {
          ...o,
          collectorBgpId: dotted(record.collectorBgpId),
          viewName: record.viewName,
          peers: record.peers.map((p) => ({
            bgpId: dotted(p.bgpId),
            address: formatAddress(p.address),
            asn: p.asn,
          })),
        };
      case 'RIB': {
        const r: JsonObject = {
          ...o,
          afi: record.afi,
          safi: record.safi,
          sequence: record.sequence,
        };
        r.prefix = record.prefix === undefined ? null : formatPrefix(record.prefix);
        if (record.prefix === undefined) r.nlri = hex(record.nlri);
        r.entries = record.entries.map((e) => {
          const peer = this.peers[e.peerIndex];
          const j: JsonObject = { peerIndex: e.peerIndex };
          if (peer !== undefined) j.peer = { address: formatAddress(peer.address), asn: peer.asn };
          j.originatedTime = e.originatedTime;
          if (e.pathId !== undefined) j.pathId = e.pathId;
          return { ...j, ...decodedAttributes(() => decodeRibEntryAttributes(e)) };
        });
        return r;
      }
      case 'TABLE_DUMP':
        return {
          ...o,
          viewNumber: record.viewNumber,
          sequence: record.sequence,
          prefix: formatPrefix(record.prefix),
          status: record.status,
          originatedTime: record.originatedTime,
          peerAddress: formatAddress(record.peerAddress),
          peerAs: record.peerAs,
          ...decodedAttributes(() => decodeTableDumpAttributes(record)),
        };
      case 'BGP4MP_ENTRY':
        return {
          ...o,
          peerAs: record.peerAs,
          localAs: record.localAs,
          peerAddress: addressToJson(record.peerAddress),
          viewNumber: record.viewNumber,
          status: record.status,
          originatedTime: record.originatedTime,
          afi: record.prefixAfi,
          safi: record.safi,
          nextHop: addressToJson(record.nextHop) ?? hex(record.nextHop),
          prefix: formatPrefix(record.prefix),
          ...decodedAttributes(() => decodeTableDumpAttributes(record)),
        };
      case 'STATE_CHANGE':
        return {
          ...o,
          peerAs: record.peerAs,
          localAs: record.localAs,
          interfaceIndex: record.interfaceIndex,
          peerAddress: addressToJson(record.peerAddress),
          localAddress: addressToJson(record.localAddress),
          oldState: FSM_STATE_NAMES[record.oldState] ?? `state-${record.oldState}`,
          newState: FSM_STATE_NAMES[record.newState] ?? `state-${record.newState}`,
        };
      case 'MESSAGE': {
        const m: JsonObject = {
          ...o,
          peerAs: record.peerAs,
          localAs: record.localAs,
          interfaceIndex: record.interfaceIndex,
          peerAddress: addressToJson(record.peerAddress),
          localAddress: addressToJson(record.localAddress),
        };
        if (record.local) m.local = true;
        try {
          const { msg, addPathGuessed } = decodeRecordMessage(record);
          if (addPathGuessed) m.addPathGuessed = true;
          m.message = messageToJson(msg);
        } catch (err) {
          if (!isBgpError(err)) throw err;
          Object.assign(m, errorToJson(err));
          m.raw = hex(record.message);
        }
        return m;
      }
      case 'UNKNOWN':
        return { ...o, body: hex(record.body) };
    }
  }
}
