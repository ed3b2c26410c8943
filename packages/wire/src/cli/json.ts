/**
 * JSON presentation of decoded messages, errors and MRT records: the one place where wire
 * values become text (prefix strings, dotted identifiers, "65001:100" communities, hex bytes).
 * The wire types stay numbers and bytes; `bgp-decode` and anything else that wants JSON call
 * these functions. The schema is documented in the package README.
 *
 * @module
 */
import type { AsPathSegment, ExtendedCommunity, PathAttribute } from '../attributes/types.js';
import { capabilityName } from '../capabilities/capability.js';
import { type AttributeProblem, isBgpError, MrtFormatError } from '../errors.js';
import {
  AsPathSegmentType,
  AttributeType,
  AttributeTypeName,
  Bgp4mpSubtype,
  MrtType,
  notificationName,
  TableDumpV2Subtype,
} from '../iana.js';
import type { BgpMessage } from '../message.js';
import type { NlriEntry } from '../nlri/ip-unicast.js';
import { shutdownMessage } from '../notification.js';
import { openAsn } from '../open.js';
import { formatAddress, formatPrefix } from '../prefix.js';
import { isEndOfRib } from '../update.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object. */
export type JsonObject = { [key: string]: Json };

/** Lower-case hex of some bytes. */
export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}

/** A 32-bit number as a dotted quad (BGP identifiers, ORIGINATOR_ID, cluster IDs). */
export function dotted(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/**
 * Any decoded value as JSON: bytes become hex, bigints strings, arrays and plain objects are
 * walked. Used for capability fields and other values without a dedicated presentation.
 */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return hex(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    return value;
  }
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return String(value);
}

/** An NLRI entry: `"10.0.0.0/24"`, or `{"prefix","pathId"}` with ADD-PATH. */
export function nlriToJson(e: NlriEntry): Json {
  const prefix = formatPrefix(e.prefix);
  return e.pathId === undefined ? prefix : { prefix, pathId: e.pathId };
}

const ORIGINS = ['igp', 'egp', 'incomplete'] as const;

const SEGMENT_NAMES: Readonly<Record<number, string>> = {
  [AsPathSegmentType.AS_SET]: 'set',
  [AsPathSegmentType.AS_SEQUENCE]: 'sequence',
  [AsPathSegmentType.AS_CONFED_SEQUENCE]: 'confed-sequence',
  [AsPathSegmentType.AS_CONFED_SET]: 'confed-set',
};

function asPathToJson(segments: readonly AsPathSegment[]): Json {
  return segments.map((s) => ({
    type: SEGMENT_NAMES[s.type] ?? `type-${s.type}`,
    asns: [...s.asns],
  }));
}

function extendedCommunityToJson(c: ExtendedCommunity): Json {
  if (c.kind === 'raw') return hex(c.bytes);
  const global = c.form === 'ipv4' ? dotted(c.global) : String(c.global);
  return `${c.kind === 'route-target' ? 'target' : 'origin'}:${global}:${c.local}`;
}

/**
 * Next hops of MP_REACH_NLRI as text: one address, or global + link-local (RFC 2545), or for
 * VPN families the address after the (zero) route distinguisher; anything else as hex.
 */
function nextHopsToJson(nextHop: Uint8Array, linkLocal: Uint8Array | undefined): Json[] {
  const out: Json[] = [];
  const len = nextHop.length;
  if (len === 4 || len === 16) out.push(formatAddress(nextHop));
  else if (len === 32)
    out.push(formatAddress(nextHop.subarray(0, 16)), formatAddress(nextHop.subarray(16)));
  else if (len === 12 || len === 24)
    out.push(formatAddress(nextHop.subarray(8, 8 + (len === 12 ? 4 : 16))));
  else if (len === 48)
    out.push(formatAddress(nextHop.subarray(8, 24)), formatAddress(nextHop.subarray(32)));
  else if (len > 0) out.push(hex(nextHop));
  if (linkLocal !== undefined) out.push(formatAddress(linkLocal));
  return out;
}

/** A registry name for an attribute type code (`CODE_<n>` when unassigned). */
function attributeTypeName(code: number): string {
  return AttributeTypeName.get(code) ?? `CODE_${code}`;
}

/**
 * Path attributes as one object keyed by attribute (see the README's schema). Attributes
 * without a dedicated key, and malformed or duplicate ones kept raw, go to `unknown`.
 */
export function attributesToJson(attrs: readonly PathAttribute[]): JsonObject {
  const out: JsonObject = {};
  const unknown: Json[] = [];
  for (const a of attrs) {
    if (a.raw) {
      const u: JsonObject = {
        typeCode: a.typeCode,
        name: attributeTypeName(a.typeCode),
        flags: a.flags,
        value: hex(a.value),
      };
      if (a.malformed) u.malformed = true;
      unknown.push(u);
      continue;
    }
    switch (a.typeCode) {
      case AttributeType.ORIGIN:
        out.origin = ORIGINS[a.value] ?? a.value;
        break;
      case AttributeType.AS_PATH:
        out.asPath = asPathToJson(a.value);
        break;
      case AttributeType.NEXT_HOP:
        out.nextHop = formatAddress(a.value);
        break;
      case AttributeType.MULTI_EXIT_DISC:
        out.med = a.value;
        break;
      case AttributeType.LOCAL_PREF:
        out.localPref = a.value;
        break;
      case AttributeType.ATOMIC_AGGREGATE:
        out.atomicAggregate = true;
        break;
      case AttributeType.AGGREGATOR:
        out.aggregator = { asn: a.value.asn, address: formatAddress(a.value.address) };
        break;
      case AttributeType.COMMUNITIES:
        out.communities = a.value.map((c) => `${c >>> 16}:${c & 0xffff}`);
        break;
      case AttributeType.ORIGINATOR_ID:
        out.originatorId = dotted(a.value);
        break;
      case AttributeType.CLUSTER_LIST:
        out.clusterList = a.value.map(dotted);
        break;
      case AttributeType.MP_REACH_NLRI: {
        const v = a.value;
        const mp: JsonObject = {
          afi: v.afi,
          safi: v.safi,
          nextHops: nextHopsToJson(v.nextHop, v.linkLocalNextHop),
          nlri: v.nlri.map(nlriToJson),
        };
        if (v.rawNlri !== undefined && v.rawNlri.length > 0) mp.rawNlri = hex(v.rawNlri);
        if (v.abbreviated) mp.abbreviated = true;
        out.mpReach = mp;
        break;
      }
      case AttributeType.MP_UNREACH_NLRI: {
        const v = a.value;
        const mp: JsonObject = { afi: v.afi, safi: v.safi, withdrawn: v.withdrawn.map(nlriToJson) };
        if (v.rawNlri !== undefined && v.rawNlri.length > 0) mp.rawNlri = hex(v.rawNlri);
        out.mpUnreach = mp;
        break;
      }
      case AttributeType.EXTENDED_COMMUNITIES:
        out.extendedCommunities = a.value.map(extendedCommunityToJson);
        break;
      case AttributeType.AS4_PATH:
        out.as4Path = asPathToJson(a.value);
        break;
      case AttributeType.AS4_AGGREGATOR:
        out.as4Aggregator = { asn: a.value.asn, address: formatAddress(a.value.address) };
        break;
      case AttributeType.LARGE_COMMUNITY:
        out.largeCommunities = a.value.map(
          (c) => `${c.globalAdmin}:${c.localData1}:${c.localData2}`,
        );
        break;
      case AttributeType.OTC:
        out.otc = a.value;
        break;
      default: {
        // A typed attribute added to the codecs after this presentation: shown generically
        // until it gets a key of its own.
        const other = a as PathAttribute & { value: unknown };
        unknown.push({
          typeCode: other.typeCode,
          name: attributeTypeName(other.typeCode),
          flags: other.flags,
          value: toJson(other.value),
        });
      }
    }
  }
  if (unknown.length > 0) out.unknown = unknown;
  return out;
}

/** RFC 7606 findings as JSON. */
export function problemsToJson(problems: readonly AttributeProblem[]): Json[] {
  return problems.map((p) => {
    const o: JsonObject = {
      action: p.action,
      code: p.error.code,
      subcode: p.error.subcode,
      name: notificationName(p.error.code, p.error.subcode),
      message: p.error.message,
    };
    if (p.attributeType !== undefined) o.attributeType = p.attributeType;
    return o;
  });
}

/** A decoded message as JSON (see the README's schema). */
export function messageToJson(msg: BgpMessage): JsonObject {
  switch (msg.type) {
    case 'OPEN':
      return {
        type: 'OPEN',
        version: msg.version,
        myAsn: openAsn(msg),
        myAutonomousSystem: msg.myAutonomousSystem,
        holdTime: msg.holdTime,
        bgpId: dotted(msg.bgpIdentifier),
        capabilities: msg.capabilities.map((c) =>
          c.name === 'UNKNOWN'
            ? { code: c.code, name: capabilityName(c.code), value: hex(c.value) }
            : (toJson(c) as JsonObject),
        ),
      };
    case 'UPDATE': {
      const o: JsonObject = {
        type: 'UPDATE',
        withdrawn: msg.withdrawn.map(nlriToJson),
        attributes: attributesToJson(msg.attributes),
        nlri: msg.nlri.map(nlriToJson),
      };
      const eor = isEndOfRib(msg);
      if (eor !== undefined) o.endOfRib = { afi: eor.afi, safi: eor.safi };
      if (msg.problems !== undefined && msg.problems.length > 0) {
        o.problems = problemsToJson(msg.problems);
        o.action = msg.action ?? null;
      }
      return o;
    }
    case 'NOTIFICATION': {
      const o: JsonObject = {
        type: 'NOTIFICATION',
        code: msg.code,
        subcode: msg.subcode,
        name: notificationName(msg.code, msg.subcode),
        data: hex(msg.data),
      };
      const text = shutdownMessage(msg);
      if (text !== undefined) o.shutdownMessage = text;
      return o;
    }
    case 'KEEPALIVE':
      return { type: 'KEEPALIVE' };
    case 'ROUTE-REFRESH': {
      const o: JsonObject = {
        type: 'ROUTE-REFRESH',
        afi: msg.afi,
        safi: msg.safi,
        subtype: msg.subtype,
      };
      if (msg.entries !== undefined) o.orf = hex(msg.entries);
      return o;
    }
  }
}

/**
 * An error as `{"error":{code,subcode,name,message}}`. BGP errors carry their NOTIFICATION code
 * and subcode and its registry name; MRT format errors have code 0 and their offset; anything
 * else (a bug) says so with code 0 and name `INTERNAL`.
 */
export function errorToJson(err: unknown): JsonObject {
  if (isBgpError(err)) {
    const e: JsonObject = {
      code: err.code,
      subcode: err.subcode,
      name: notificationName(err.code, err.subcode),
      message: err.message,
    };
    if (err.data.length > 0) e.data = hex(err.data);
    return { error: e };
  }
  if (err instanceof MrtFormatError) {
    return {
      error: {
        code: 0,
        subcode: 0,
        name: 'MRT_FORMAT_ERROR',
        message: err.message,
        offset: err.offset,
      },
    };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { error: { code: 0, subcode: 0, name: 'INTERNAL', message } };
}

function tableName(table: Record<string, number>, code: number): string | undefined {
  for (const [name, c] of Object.entries(table)) if (c === code) return name;
  return undefined;
}

const LEGACY_BGP_SUBTYPES: Record<string, number> = {
  NULL: 0,
  UPDATE: 1,
  PREF_UPDATE: 2,
  STATE_CHANGE: 3,
  SYNC: 4,
  OPEN: 5,
  NOTIFY: 6,
  KEEPALIVE: 7,
};

/** "TYPE/SUBTYPE" for an MRT record, with registry names where known. */
export function mrtRecordName(type: number, subtype: number): string {
  const t = tableName(MrtType, type) ?? `type-${type}`;
  let sub: string | undefined;
  if (type === MrtType.TABLE_DUMP_V2) sub = tableName(TableDumpV2Subtype, subtype);
  else if (type === MrtType.BGP4MP || type === MrtType.BGP4MP_ET)
    // Subtype 2 is the deprecated BGP4MP_ENTRY, no longer in the registry.
    sub = subtype === 2 ? 'ENTRY' : tableName(Bgp4mpSubtype, subtype);
  else if (type === MrtType.TABLE_DUMP)
    sub = subtype === 1 ? 'AFI_IPV4' : subtype === 2 ? 'AFI_IPV6' : undefined;
  else if (type === MrtType.BGP) sub = tableName(LEGACY_BGP_SUBTYPES, subtype);
  return `${t}/${sub ?? `sub-${subtype}`}`;
}

/** BGP FSM state names (RFC 4271 §8.2.2) as MRT state changes number them (RFC 6396 §4.4.1). */
export const FSM_STATE_NAMES: readonly string[] = [
  'state-0',
  'Idle',
  'Connect',
  'Active',
  'OpenSent',
  'OpenConfirm',
  'Established',
];

/** Formats an address that may be absent (short Zebra records) as text or null. */
export function addressToJson(bytes: Uint8Array): Json {
  return bytes.length === 4 || bytes.length === 16 ? formatAddress(bytes) : null;
}
