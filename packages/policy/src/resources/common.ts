/**
 * Validation helpers shared by the resource parsers: metadata, IP addresses, ASNs, attributes.
 *
 * @module
 */
import { AddressFormatError, parseAddress, parsePrefix } from '@bgp/wire';
import {
  type LargeCommunity,
  parseLargeCommunity,
  parseStandardCommunity,
  WELL_KNOWN_COMMUNITIES,
} from '../communities.js';
import type { Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';

/** Largest 4-octet AS number (RFC 6793). */
export const MAX_ASN = 4294967295;

/** Reads `metadata` (already known to have a name). */
export function parseMeta(root: Rec, namespaced: boolean): ObjectMeta {
  const m = root.rec('metadata', { required: true });
  const name = m?.str('name', { required: true, minLength: 1, maxLength: 253 }) ?? '';
  const ns = m?.str('namespace') ?? '';
  const labels = m?.stringMap('labels') ?? {};
  const annotations = m?.stringMap('annotations') ?? {};
  const ts = m?.raw('creationTimestamp');
  // YAML may parse an unquoted timestamp into a Date.
  const creationTimestamp =
    ts instanceof Date ? ts.toISOString() : typeof ts === 'string' ? ts : '';
  // Other metadata (uid, resourceVersion, ownerReferences...) is legitimate and ignored.
  return {
    name,
    namespace: namespaced ? ns || 'default' : '',
    labels,
    annotations,
    creationTimestamp,
  };
}

/** True when `text` is an IPv4 or IPv6 address (an IPv6 zone `%eth0` is allowed when `zone`). */
export function isIp(text: string, zone = false): boolean {
  if (!zone && text.includes('%')) return false;
  try {
    parseAddress(text);
    return true;
  } catch (e) {
    if (e instanceof AddressFormatError) return false;
    throw e;
  }
}

/** True when `text` is an IPv4 address. */
export function isIpv4(text: string): boolean {
  return !text.includes(':') && isIp(text);
}

/** True when `text` is a CIDR (`10.0.0.0/24`, `2001:db8::/64`), host bits allowed. */
export function isCidr(text: string): boolean {
  if (!text.includes('/')) return false;
  try {
    parsePrefix(text);
    return true;
  } catch (e) {
    if (e instanceof AddressFormatError) return false;
    throw e;
  }
}

/** An IP address field. */
export function ipField(
  r: Rec,
  key: string,
  opts: { required?: boolean; zone?: boolean } = {},
): string | undefined {
  const v = r.str(key, { required: opts.required ?? false });
  if (v !== undefined && !isIp(v, opts.zone)) {
    r.reader.error(r.at(key), `"${v}" is not an IP address`);
    return undefined;
  }
  return v;
}

/** Path attributes as both APIs carry them, values already parsed. */
export interface PathAttributes {
  /** Standard and well-known communities as 32-bit values, in spec order (deduplicated later). */
  readonly communities: readonly number[];
  /** Large communities. */
  readonly largeCommunities: readonly LargeCommunity[];
  /** LOCAL_PREF, when set. */
  readonly localPreference: number | undefined;
}

/** Reads `communities: {standard, wellKnown, large}` and `localPreference` from `r`. */
export function parseAttributes(r: Rec, communitiesKey = 'communities'): PathAttributes {
  const communities: number[] = [];
  const largeCommunities: LargeCommunity[] = [];
  const c = r.rec(communitiesKey);
  if (c) {
    c.strList('standard').forEach((s, i) => {
      const v = parseStandardCommunity(s);
      if (v === undefined) {
        r.reader.error(
          `${c.at('standard')}[${i}]`,
          `"${s}" is not a standard community (0-4294967295 or 0-65535:0-65535)`,
        );
      } else communities.push(v);
    });
    c.strList('wellKnown').forEach((s, i) => {
      const v = WELL_KNOWN_COMMUNITIES[s];
      if (v === undefined) {
        r.reader.error(`${c.at('wellKnown')}[${i}]`, `"${s}" is not a well-known community name`);
      } else communities.push(v);
    });
    c.strList('large').forEach((s, i) => {
      const v = parseLargeCommunity(s);
      if (v === undefined)
        r.reader.error(`${c.at('large')}[${i}]`, `"${s}" is not a large community (u32:u32:u32)`);
      else largeCommunities.push(v);
    });
    c.end();
  }
  const localPreference = r.int('localPreference', { min: 0, max: MAX_ASN });
  return { communities, largeCommunities, localPreference };
}

/** The empty attribute set. */
export const NO_ATTRIBUTES: PathAttributes = {
  communities: [],
  largeCommunities: [],
  localPreference: undefined,
};
