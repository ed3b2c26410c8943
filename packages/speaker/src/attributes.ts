/**
 * Route attributes as the speaker keeps and reports them, and their conversion to and from the
 * wire's {@link PathAttribute} list.
 *
 * The speaker's view is deliberately small and JSON-ready: the attribute names are those of
 * `bgp-decode -o json` (`origin`, `asPath`, `nextHop`, `med`, `localPref`, `communities`,
 * `largeCommunities`), communities are `high:low` text and large communities `a:b:c`, exactly as
 * `@bgp/policy` renders them, so that what the policy rendered, what the speaker sends and what
 * a peer received compare as plain values.
 *
 * @module
 */
import {
  Afi,
  AsPathSegmentType,
  AttributeFlag,
  AttributeType,
  formatAddress,
  formatPrefix,
  type NlriEntry,
  type PathAttribute,
  type Prefix,
  parseAddress,
  Safi,
  type UpdateMessage,
} from '@bgp/wire';

/** ORIGIN by name (RFC 4271 §5.1.1). */
export type OriginName = 'IGP' | 'EGP' | 'INCOMPLETE';

const ORIGINS: readonly OriginName[] = ['IGP', 'EGP', 'INCOMPLETE'];

/** The attributes of a route as the speaker stores, sends and reports them. */
export interface SpeakerRouteAttributes {
  /** ORIGIN. */
  readonly origin: OriginName;
  /** AS_PATH flattened to its AS numbers, nearest AS first (AS_SET members appended in order). */
  readonly asPath: readonly number[];
  /** Next hop as text; undefined on locally originated routes until export sets "self". */
  readonly nextHop?: string;
  /** MULTI_EXIT_DISC. */
  readonly med?: number;
  /** LOCAL_PREF (iBGP only on the wire, RFC 4271 §5.1.5). */
  readonly localPref?: number;
  /** COMMUNITIES (RFC 1997) as `high:low`, in the order given. */
  readonly communities: readonly string[];
  /** LARGE_COMMUNITY (RFC 8092) as `a:b:c`. */
  readonly largeCommunities: readonly string[];
}

/** The attributes of a route to originate; everything is optional (ORIGIN IGP, empty path). */
export type RouteAttributesInput = Partial<SpeakerRouteAttributes>;

/** Fills the defaults of {@link RouteAttributesInput}. */
export function normalizeAttributes(a: RouteAttributesInput = {}): SpeakerRouteAttributes {
  return {
    origin: a.origin ?? 'IGP',
    asPath: a.asPath ?? [],
    ...(a.nextHop !== undefined ? { nextHop: a.nextHop } : {}),
    ...(a.med !== undefined ? { med: a.med } : {}),
    ...(a.localPref !== undefined ? { localPref: a.localPref } : {}),
    communities: a.communities ?? [],
    largeCommunities: a.largeCommunities ?? [],
  };
}

/** A stable text key of an attribute set (update packing groups prefixes by it). */
export function attributesKey(a: SpeakerRouteAttributes): string {
  return JSON.stringify([
    a.origin,
    a.asPath,
    a.nextHop ?? '',
    a.med ?? -1,
    a.localPref ?? -1,
    a.communities,
    a.largeCommunities,
  ]);
}

/** Parses `high:low` (or a decimal 32-bit value) into a community value. */
export function parseCommunityText(text: string): number {
  const parts = text.split(':');
  if (parts.length === 1 && /^\d+$/.test(text)) return Number(text) >>> 0;
  const [hi, lo] = parts.map(Number);
  if (
    parts.length !== 2 ||
    !Number.isInteger(hi) ||
    !Number.isInteger(lo) ||
    hi! > 0xffff ||
    lo! > 0xffff
  )
    throw new RangeError(`"${text}" is not a community (high:low)`);
  return (hi! * 0x10000 + lo!) >>> 0;
}

function parseLarge(text: string): { globalAdmin: number; localData1: number; localData2: number } {
  const parts = text.split(':').map(Number);
  if (parts.length !== 3 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 0xffffffff))
    throw new RangeError(`"${text}" is not a large community (a:b:c)`);
  return { globalAdmin: parts[0]!, localData1: parts[1]!, localData2: parts[2]! };
}

/** The address family number (1 IPv4, 2 IPv6) of a prefix. */
export function afiOfPrefix(p: Prefix): 1 | 2 {
  return p.address.length === 4 ? 1 : 2;
}

/** `ipv4` / `ipv6`, the way Cilium and `bgp routes` name families. */
export function afiName(afi: number): string {
  return afi === Afi.IPV4 ? 'ipv4' : afi === Afi.IPV6 ? 'ipv6' : `afi-${afi}`;
}

/** `unicast`, ... */
export function safiName(safi: number): string {
  return safi === Safi.UNICAST ? 'unicast' : safi === Safi.MULTICAST ? 'multicast' : `safi-${safi}`;
}

/** Parses `ipv4`/`ipv6` into an AFI number; undefined for other families. */
export function parseAfiName(name: string): 1 | 2 | undefined {
  return name === 'ipv4' ? 1 : name === 'ipv6' ? 2 : undefined;
}

/**
 * The wire attributes of a route, in type-code order (RFC 4271 §5 recommends it). IPv6 routes
 * carry MP_REACH_NLRI with `nlri` (RFC 4760 §3); IPv4 routes the NEXT_HOP attribute.
 */
export function toWireAttributes(
  a: SpeakerRouteAttributes,
  afi: 1 | 2,
  nlri: readonly NlriEntry[],
): PathAttribute[] {
  const out: PathAttribute[] = [
    {
      typeCode: AttributeType.ORIGIN,
      flags: AttributeFlag.TRANSITIVE,
      value: ORIGINS.indexOf(a.origin),
    },
    {
      typeCode: AttributeType.AS_PATH,
      flags: AttributeFlag.TRANSITIVE,
      value:
        a.asPath.length > 0 ? [{ type: AsPathSegmentType.AS_SEQUENCE, asns: [...a.asPath] }] : [],
    },
  ];
  const nh = parseAddress(a.nextHop ?? (afi === 1 ? '0.0.0.0' : '::'));
  if (afi === 1)
    out.push({ typeCode: AttributeType.NEXT_HOP, flags: AttributeFlag.TRANSITIVE, value: nh });
  if (a.med !== undefined)
    out.push({
      typeCode: AttributeType.MULTI_EXIT_DISC,
      flags: AttributeFlag.OPTIONAL,
      value: a.med,
    });
  if (a.localPref !== undefined)
    out.push({
      typeCode: AttributeType.LOCAL_PREF,
      flags: AttributeFlag.TRANSITIVE,
      value: a.localPref,
    });
  if (a.communities.length > 0)
    out.push({
      typeCode: AttributeType.COMMUNITIES,
      flags: AttributeFlag.OPTIONAL | AttributeFlag.TRANSITIVE,
      value: a.communities.map(parseCommunityText),
    });
  if (afi === 2)
    out.push({
      typeCode: AttributeType.MP_REACH_NLRI,
      flags: AttributeFlag.OPTIONAL,
      value: { afi: Afi.IPV6, safi: Safi.UNICAST, nextHop: nh, reserved: 0, nlri },
    });
  if (a.largeCommunities.length > 0)
    out.push({
      typeCode: AttributeType.LARGE_COMMUNITY,
      flags: AttributeFlag.OPTIONAL | AttributeFlag.TRANSITIVE,
      value: a.largeCommunities.map(parseLarge),
    });
  return out;
}

/** Routes announced and withdrawn by one received UPDATE, per family. */
export interface DecodedUpdate {
  /** Announced prefixes with their attributes (the UPDATE's attribute set, next hop per family). */
  readonly announced: readonly {
    readonly prefix: Prefix;
    readonly attributes: SpeakerRouteAttributes;
  }[];
  /** Withdrawn prefixes (including RFC 7606 treat-as-withdraw). */
  readonly withdrawn: readonly Prefix[];
}

/**
 * Reads an UPDATE into routes. IPv4 and IPv6 unicast only; other families are ignored. An
 * UPDATE whose RFC 7606 outcome is `withdraw` withdraws everything it announces (§2).
 */
export function fromUpdate(u: UpdateMessage): DecodedUpdate {
  let origin: OriginName = 'IGP';
  let asPath: number[] = [];
  let nextHop4: string | undefined;
  let nextHop6: string | undefined;
  let med: number | undefined;
  let localPref: number | undefined;
  let communities: string[] = [];
  let largeCommunities: string[] = [];
  const announced6: NlriEntry[] = [];
  const withdrawn: Prefix[] = u.withdrawn.map((w) => w.prefix);
  for (const a of u.attributes) {
    if (a.raw) continue;
    switch (a.typeCode) {
      case AttributeType.ORIGIN:
        origin = ORIGINS[a.value] ?? 'INCOMPLETE';
        break;
      case AttributeType.AS_PATH:
        asPath = a.value.flatMap((s) =>
          s.type === AsPathSegmentType.AS_CONFED_SEQUENCE ||
          s.type === AsPathSegmentType.AS_CONFED_SET
            ? []
            : [...s.asns],
        );
        break;
      case AttributeType.NEXT_HOP:
        nextHop4 = formatAddress(a.value);
        break;
      case AttributeType.MULTI_EXIT_DISC:
        med = a.value;
        break;
      case AttributeType.LOCAL_PREF:
        localPref = a.value;
        break;
      case AttributeType.COMMUNITIES:
        communities = a.value.map((c) => `${c >>> 16}:${c & 0xffff}`);
        break;
      case AttributeType.LARGE_COMMUNITY:
        largeCommunities = a.value.map((c) => `${c.globalAdmin}:${c.localData1}:${c.localData2}`);
        break;
      case AttributeType.MP_REACH_NLRI:
        if (
          a.value.safi === Safi.UNICAST &&
          (a.value.afi === Afi.IPV6 || a.value.afi === Afi.IPV4)
        ) {
          nextHop6 = formatAddress(
            a.value.nextHop.subarray(0, a.value.nextHop.length >= 16 ? 16 : 4),
          );
          announced6.push(...a.value.nlri);
        }
        break;
      case AttributeType.MP_UNREACH_NLRI:
        if (a.value.safi === Safi.UNICAST)
          withdrawn.push(...a.value.withdrawn.map((w) => w.prefix));
        break;
      default:
        break;
    }
  }
  const base = {
    origin,
    asPath,
    communities,
    largeCommunities,
    ...(med !== undefined ? { med } : {}),
    ...(localPref !== undefined ? { localPref } : {}),
  };
  // One attributes object per family, shared by every prefix of the UPDATE: callers key and
  // convert it once (by identity) instead of once per prefix.
  const attributes4 = { ...base, ...(nextHop4 ? { nextHop: nextHop4 } : {}) };
  const attributes6 = { ...base, ...(nextHop6 ? { nextHop: nextHop6 } : {}) };
  const announced = [
    ...u.nlri.map((n) => ({ prefix: n.prefix, attributes: attributes4 })),
    ...announced6.map((n) => ({ prefix: n.prefix, attributes: attributes6 })),
  ];
  if (u.action === 'withdraw')
    return { announced: [], withdrawn: [...withdrawn, ...announced.map((r) => r.prefix)] };
  return { announced, withdrawn };
}

/** `afi|prefix`, the key of a route in the speaker's tables. */
export function routeKey(p: Prefix): string {
  return formatPrefix(p);
}

// The largest count of prefixes per UPDATE, chosen so that a message stays under 4096 octets
// (RFC 4271 §4.1) with the attributes above: 5 octets per IPv4 /32, 17 per IPv6 /128.
const PER_UPDATE: Readonly<Record<1 | 2, number>> = { 1: 600, 2: 180 };

/**
 * Packs announcements (grouped by attribute set) and withdrawals of one family into UPDATEs:
 * withdrawals first, then one UPDATE (or several, for size) per attribute set.
 */
export function packUpdates(
  afi: 1 | 2,
  withdrawn: readonly Prefix[],
  groups: Iterable<{
    readonly attributes: SpeakerRouteAttributes;
    readonly prefixes: readonly Prefix[];
  }>,
): UpdateMessage[] {
  const out: UpdateMessage[] = [];
  const n = PER_UPDATE[afi];
  for (let i = 0; i < withdrawn.length; i += n) {
    const chunk = withdrawn.slice(i, i + n).map((prefix) => ({ prefix }));
    out.push(
      afi === 1
        ? { type: 'UPDATE', withdrawn: chunk, attributes: [], nlri: [] }
        : {
            type: 'UPDATE',
            withdrawn: [],
            attributes: [
              {
                typeCode: AttributeType.MP_UNREACH_NLRI,
                flags: AttributeFlag.OPTIONAL,
                value: { afi: Afi.IPV6, safi: Safi.UNICAST, withdrawn: chunk },
              },
            ],
            nlri: [],
          },
    );
  }
  for (const g of groups) {
    for (let i = 0; i < g.prefixes.length; i += n) {
      const chunk = g.prefixes.slice(i, i + n).map((prefix) => ({ prefix }));
      out.push({
        type: 'UPDATE',
        withdrawn: [],
        attributes: toWireAttributes(g.attributes, afi, afi === 2 ? chunk : []),
        nlri: afi === 1 ? chunk : [],
      });
    }
  }
  return out;
}
