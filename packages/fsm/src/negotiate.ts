/**
 * OPEN validation and capability negotiation.
 *
 * {@link validateOpen} checks a received OPEN against our configuration and throws the
 * `OpenMessageError` whose NOTIFICATION RFC 4271 §6.2 (and RFC 5492, RFC 6286, RFC 9234)
 * prescribes; {@link negotiate} turns a valid OPEN into the one {@link NegotiatedSession} object
 * the rest of the stack reads, including the two {@link CodecContext}s (receive and send).
 * {@link localCapabilities} is the other half: the capabilities our OPEN advertises.
 *
 * @module
 */
import {
  AddPathMode,
  Afi,
  AS_TRANS,
  BGP_VERSION,
  BgpRole,
  type Capability,
  CapabilityCode,
  type CodecContext,
  checkOptionalParameters,
  createContext,
  type FamilyKey,
  familyKey,
  findCapability,
  type OpenMessage,
  OpenMessageError,
  OpenMessageErrorSubcode,
  openAsn,
  Safi,
  unsupportedCapabilityError,
} from '@bgp/wire';

/** An address family. */
export interface Family {
  /** AFI. */
  readonly afi: number;
  /** SAFI. */
  readonly safi: number;
}

/** Our graceful restart settings (RFC 4724, RFC 8538). */
export interface GracefulRestartConfig {
  /** Restart Time we advertise, in seconds (0-4095). */
  readonly restartTime: number;
  /** R bit: we are coming back from a restart (set on the first OPEN after it). */
  readonly restarting?: boolean;
  /** N bit: we support graceful restart for NOTIFICATION (RFC 8538). Default true. */
  readonly notification?: boolean;
  /** Families whose forwarding state we preserve (F bit), a subset of the session's families. */
  readonly forwardingFamilies?: readonly Family[];
}

/** What we advertise and accept in OPEN messages. */
export interface NegotiationConfig {
  /** Our AS number (4-octet). */
  readonly localAs: number;
  /** The peer's AS; 0 accepts any AS (the learned one is reported in the result). */
  readonly peerAs: number;
  /** Extra check on the peer's AS when `peerAs` is 0 (a dynamic-neighbor range rule). */
  readonly acceptPeerAs?: (asn: number) => boolean;
  /** Our BGP Identifier (u32, non-zero). */
  readonly bgpIdentifier: number;
  /** Hold time we propose (default 90; 0 for none; 1-2 are illegal). */
  readonly holdTime?: number;
  /** Keepalive interval; default a third of the negotiated hold time. */
  readonly keepaliveTime?: number;
  /** Smallest non-zero hold time we accept from the peer (default 3, RFC 4271 §4.2). */
  readonly minHoldTime?: number;
  /** Families we advertise (default IPv4 unicast). */
  readonly families?: readonly Family[];
  /** ADD-PATH mode per family (an {@link AddPathMode} value). */
  readonly addPath?: readonly (Family & { readonly mode: number })[];
  /** Advertise RFC 8654 extended messages. */
  readonly extendedMessage?: boolean;
  /** RFC 8950 next-hop encodings we accept. */
  readonly extendedNextHop?: readonly (Family & { readonly nextHopAfi: number })[];
  /** Advertise route refresh (default true). */
  readonly routeRefresh?: boolean;
  /** Advertise enhanced route refresh (default true). */
  readonly enhancedRouteRefresh?: boolean;
  /** Graceful restart; absent = not advertised. */
  readonly gracefulRestart?: GracefulRestartConfig;
  /** Long-lived graceful restart stale time per family (RFC 9494); absent = not advertised. */
  readonly longLivedGracefulRestart?: readonly (Family & { readonly staleTime: number })[];
  /** Our BGP Role (a {@link BgpRole} value, RFC 9234); absent = no role. */
  readonly role?: number;
  /** RFC 9234 strict mode: refuse a peer that sends no role (2/11). */
  readonly strictRole?: boolean;
  /** Capability codes the peer must advertise, else 2/7 (RFC 5492 §5). */
  readonly requiredCapabilities?: readonly number[];
  /** Hostname to advertise in the FQDN capability. */
  readonly hostname?: string;
}

/** The peer's graceful restart capability, as negotiated. */
export interface PeerGracefulRestart {
  /** R bit: the peer restarted. */
  readonly restartState: boolean;
  /** N bit negotiated: both sides set it (RFC 8538 §2), so NOTIFICATIONs (but Hard Reset) keep routes. */
  readonly notification: boolean;
  /** The peer's Restart Time (seconds). */
  readonly restartTime: number;
  /** Families the peer preserves, with its F bit; only families of the session. */
  readonly families: readonly (Family & { readonly forwardingState: boolean })[];
}

/** The result of OPEN negotiation: everything the session, the RIB and the codecs read. */
export interface NegotiatedSession {
  /** The peer's 4-octet AS (learned when the configured peer AS is 0). */
  readonly peerAs: number;
  /** The peer's BGP Identifier. */
  readonly peerBgpIdentifier: number;
  /** iBGP (same AS) or eBGP. */
  readonly internal: boolean;
  /** Negotiated hold time (smaller of both; 0 = no hold timer, no keepalives). */
  readonly holdTime: number;
  /** Keepalive interval (0 when the hold time is 0). */
  readonly keepaliveTime: number;
  /** Both sides advertised 4-octet AS (RFC 6793). */
  readonly fourOctetAs: boolean;
  /** Families both sides advertised (RFC 4760 §8: IPv4 unicast when a side sends none). */
  readonly families: readonly Family[];
  /** ADD-PATH (RFC 7911) per family: may we receive / send path identifiers. */
  readonly addPath: ReadonlyMap<FamilyKey, { readonly receive: boolean; readonly send: boolean }>;
  /** Both sides advertised extended messages (RFC 8654). */
  readonly extendedMessage: boolean;
  /** Families for which the peer accepts extended next hops from us (RFC 8950). */
  readonly extendedNextHopSend: ReadonlySet<FamilyKey>;
  /** Families for which we accept extended next hops from the peer. */
  readonly extendedNextHopReceive: ReadonlySet<FamilyKey>;
  /** Both sides support ROUTE-REFRESH (RFC 2918; the pre-standard code 128 counts). */
  readonly routeRefresh: boolean;
  /** Both sides support enhanced route refresh (RFC 7313). */
  readonly enhancedRouteRefresh: boolean;
  /** Our graceful restart as advertised, if any. */
  readonly localGracefulRestart?: GracefulRestartConfig;
  /** The peer's graceful restart, if both sides advertised it. */
  readonly peerGracefulRestart?: PeerGracefulRestart;
  /** The peer's long-lived graceful restart families (RFC 9494), if both advertised it. */
  readonly peerLongLivedGracefulRestart?: readonly (Family & {
    readonly forwardingState: boolean;
    readonly staleTime: number;
  })[];
  /** Our role and the peer's (RFC 9234), if any. */
  readonly role?: { readonly local: number; readonly peer: number };
  /** The peer's hostname (FQDN capability), if sent. */
  readonly peerHostname?: string;
  /** Context for decoding what the peer sends. */
  readonly receiveContext: CodecContext;
  /** Context for encoding what we send. */
  readonly sendContext: CodecContext;
}

/** IPv4 unicast: the family of a session that negotiated none (RFC 4760 §8). */
export const IPV4_UNICAST: Family = { afi: Afi.IPV4, safi: Safi.UNICAST };

/** Default hold time (RFC 4271 §10 suggests 90 s). */
export const DEFAULT_HOLD_TIME = 90;

function u16(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}

/** The capabilities our OPEN advertises, in a conventional order. */
export function localCapabilities(c: NegotiationConfig): Capability[] {
  const caps: Capability[] = [];
  for (const f of c.families ?? [IPV4_UNICAST])
    caps.push({
      code: CapabilityCode.MULTIPROTOCOL,
      name: 'MULTIPROTOCOL',
      afi: f.afi,
      safi: f.safi,
    });
  if (c.routeRefresh ?? true)
    caps.push({ code: CapabilityCode.ROUTE_REFRESH, name: 'ROUTE_REFRESH' });
  if (c.enhancedRouteRefresh ?? true)
    caps.push({ code: CapabilityCode.ENHANCED_ROUTE_REFRESH, name: 'ENHANCED_ROUTE_REFRESH' });
  if (c.extendedMessage)
    caps.push({ code: CapabilityCode.EXTENDED_MESSAGE, name: 'EXTENDED_MESSAGE' });
  if (c.extendedNextHop?.length)
    caps.push({
      code: CapabilityCode.EXTENDED_NEXT_HOP,
      name: 'EXTENDED_NEXT_HOP',
      entries: c.extendedNextHop,
    });
  if (c.role !== undefined)
    caps.push({ code: CapabilityCode.BGP_ROLE, name: 'BGP_ROLE', role: c.role });
  const gr = c.gracefulRestart;
  if (gr) {
    const forwarding = new Set((gr.forwardingFamilies ?? []).map((f) => familyKey(f.afi, f.safi)));
    caps.push({
      code: CapabilityCode.GRACEFUL_RESTART,
      name: 'GRACEFUL_RESTART',
      restartState: gr.restarting ?? false,
      notification: gr.notification ?? true,
      restartTime: gr.restartTime,
      families: (c.families ?? [IPV4_UNICAST]).map((f) => ({
        afi: f.afi,
        safi: f.safi,
        forwardingState: forwarding.has(familyKey(f.afi, f.safi)),
      })),
    });
  }
  caps.push({ code: CapabilityCode.FOUR_OCTET_AS, name: 'FOUR_OCTET_AS', asn: c.localAs });
  if (c.addPath?.length)
    caps.push({ code: CapabilityCode.ADD_PATH, name: 'ADD_PATH', families: c.addPath });
  if (c.longLivedGracefulRestart?.length)
    caps.push({
      code: CapabilityCode.LONG_LIVED_GRACEFUL_RESTART,
      name: 'LONG_LIVED_GRACEFUL_RESTART',
      families: c.longLivedGracefulRestart.map((f) => ({ ...f, forwardingState: false })),
    });
  if (c.hostname !== undefined)
    caps.push({ code: CapabilityCode.FQDN, name: 'FQDN', hostname: c.hostname, domainName: '' });
  return caps;
}

/** The 2-octet "My Autonomous System" field for an AS (RFC 6793 §9: AS_TRANS above 65535). */
export function myAutonomousSystemField(asn: number): number {
  return asn > 0xffff ? AS_TRANS : asn;
}

/** RFC 9234 §4.2: the role pairs that may form a session. */
const ROLE_PEER: Readonly<Record<number, number>> = {
  [BgpRole.PROVIDER]: BgpRole.CUSTOMER,
  [BgpRole.CUSTOMER]: BgpRole.PROVIDER,
  [BgpRole.RS]: BgpRole.RS_CLIENT,
  [BgpRole.RS_CLIENT]: BgpRole.RS,
  [BgpRole.PEER]: BgpRole.PEER,
};

function capsOf<N extends Capability['name']>(
  open: OpenMessage,
  name: N,
): Extract<Capability, { name: N }>[] {
  return open.capabilities.filter((c) => c.name === name) as Extract<Capability, { name: N }>[];
}

/**
 * Checks a received OPEN (RFC 4271 §6.2) and throws the error whose NOTIFICATION reports what
 * is wrong. Returns the peer's 4-octet AS.
 *
 * - 2/1 Unsupported Version Number: data is the largest version we support (2 octets).
 * - 2/2 Bad Peer AS: not the configured AS (any AS when it is 0, subject to `acceptPeerAs`).
 * - 2/3 Bad BGP Identifier: zero, or (iBGP only, RFC 6286 §2.2) equal to ours.
 * - 2/6 Unacceptable Hold Time: 1 or 2 (RFC 4271 §4.2), or below `minHoldTime`.
 * - 2/11 Role Mismatch (RFC 9234 §4.2): the pair of roles cannot form a session, the peer sent
 *   conflicting roles, or strict mode and no role.
 * - 2/7 Unsupported Capability (RFC 5492 §5): a required capability is missing; the data holds
 *   the missing capability codes as empty capability TLVs.
 */
export function validateOpen(open: OpenMessage, c: NegotiationConfig): number {
  if (open.version !== BGP_VERSION) {
    throw new OpenMessageError(
      OpenMessageErrorSubcode.UNSUPPORTED_VERSION_NUMBER,
      `unsupported BGP version ${open.version}`,
      u16(BGP_VERSION),
    );
  }
  checkOptionalParameters(open);
  const peerAs = openAsn(open);
  const as4 = findCapability(open.capabilities, 'FOUR_OCTET_AS');
  // RFC 6793 §4.1: a 4-octet AS capability carrying AS_TRANS is a Bad Peer AS.
  if (
    (c.peerAs !== 0 && peerAs !== c.peerAs) ||
    (c.peerAs === 0 && c.acceptPeerAs !== undefined && !c.acceptPeerAs(peerAs)) ||
    peerAs === 0 ||
    as4?.asn === AS_TRANS
  ) {
    throw new OpenMessageError(
      OpenMessageErrorSubcode.BAD_PEER_AS,
      `peer AS ${peerAs} is not the configured ${c.peerAs === 0 ? 'range' : c.peerAs}`,
      u16(open.myAutonomousSystem),
    );
  }
  const h = open.holdTime;
  if (h === 1 || h === 2 || (h !== 0 && h < (c.minHoldTime ?? 3))) {
    throw new OpenMessageError(
      OpenMessageErrorSubcode.UNACCEPTABLE_HOLD_TIME,
      `unacceptable hold time ${h}`,
      u16(h),
    );
  }
  const internal = peerAs === c.localAs;
  if (open.bgpIdentifier === 0 || (internal && open.bgpIdentifier === c.bgpIdentifier)) {
    const id = open.bgpIdentifier;
    throw new OpenMessageError(
      OpenMessageErrorSubcode.BAD_BGP_IDENTIFIER,
      `bad BGP Identifier ${id >>> 24}.${(id >>> 16) & 255}.${(id >>> 8) & 255}.${id & 255}`,
      Uint8Array.of(id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255),
    );
  }
  if (c.role !== undefined && !internal) {
    const roles = capsOf(open, 'BGP_ROLE');
    const distinct = new Set(roles.map((r) => r.role));
    const peerRole = roles[0]?.role;
    const mismatch =
      distinct.size > 1 ||
      (peerRole === undefined ? c.strictRole === true : ROLE_PEER[c.role] !== peerRole);
    if (mismatch) {
      throw new OpenMessageError(
        OpenMessageErrorSubcode.ROLE_MISMATCH,
        peerRole === undefined
          ? 'peer sent no BGP Role (strict mode)'
          : `role ${peerRole} does not match our role ${c.role}`,
      );
    }
  }
  const missing = (c.requiredCapabilities ?? []).filter(
    (code) => !open.capabilities.some((cap) => cap.code === code),
  );
  if (missing.length > 0) {
    // RFC 5492 §5: the data field lists the capabilities the peer lacks, as we advertise them.
    const ours = localCapabilities(c);
    throw unsupportedCapabilityError(
      missing.map(
        (code): Capability =>
          ours.find((cap) => cap.code === code) ?? {
            code,
            name: 'UNKNOWN',
            value: new Uint8Array(0),
          },
      ),
    );
  }
  return peerAs;
}

function familySet(fs: readonly Family[]): Set<FamilyKey> {
  return new Set(fs.map((f) => familyKey(f.afi, f.safi)));
}

/**
 * Negotiates the session from our configuration and the peer's (already validated) OPEN.
 *
 * @param c - our configuration
 * @param open - the peer's OPEN
 * @returns the one negotiated-session object
 * @throws `OpenMessageError` from {@link validateOpen}
 *
 * @example
 * ```ts
 * const n = negotiate({ localAs: 65001, peerAs: 0, bgpIdentifier: 0x0a000001 }, peerOpen);
 * n.peerAs; n.holdTime; n.receiveContext.fourOctetAs;
 * ```
 */
export function negotiate(c: NegotiationConfig, open: OpenMessage): NegotiatedSession {
  const peerAs = validateOpen(open, c);
  const internal = peerAs === c.localAs;
  const ourHold = c.holdTime ?? DEFAULT_HOLD_TIME;
  const holdTime = Math.min(ourHold, open.holdTime);
  // RFC 4271 §4.4: one third of the hold time by default; never more than the hold time allows.
  const third = Math.max(1, Math.floor(holdTime / 3));
  const keepaliveTime = holdTime === 0 ? 0 : Math.max(1, Math.min(c.keepaliveTime ?? third, third));

  const fourOctetAs = capsOf(open, 'FOUR_OCTET_AS').length > 0;
  const ours = c.families ?? [IPV4_UNICAST];
  const peerMp = capsOf(open, 'MULTIPROTOCOL');
  const theirs = familySet(peerMp.length > 0 ? peerMp : [IPV4_UNICAST]);
  const families = ours.filter((f) => theirs.has(familyKey(f.afi, f.safi)));
  const negotiatedKeys = familySet(families);

  const addPath = new Map<FamilyKey, { receive: boolean; send: boolean }>();
  const peerAddPath = new Map<FamilyKey, number>();
  for (const cap of capsOf(open, 'ADD_PATH'))
    for (const f of cap.families) peerAddPath.set(familyKey(f.afi, f.safi), f.mode);
  for (const f of c.addPath ?? []) {
    const key = familyKey(f.afi, f.safi);
    const peerMode = peerAddPath.get(key);
    if (!negotiatedKeys.has(key) || peerMode === undefined) continue;
    // RFC 7911 §4: we receive path identifiers when we said Receive and the peer said Send.
    const receive =
      (f.mode & AddPathMode.RECEIVE) !== 0 && (peerMode & AddPathMode.SEND) !== 0 && peerMode <= 3;
    const send =
      (f.mode & AddPathMode.SEND) !== 0 && (peerMode & AddPathMode.RECEIVE) !== 0 && peerMode <= 3;
    if (receive || send) addPath.set(key, { receive, send });
  }

  const extendedMessage =
    (c.extendedMessage ?? false) && capsOf(open, 'EXTENDED_MESSAGE').length > 0;

  // RFC 8950 §4: the capability says which next hops its sender can receive.
  const entryKey = (e: { afi: number; safi: number; nextHopAfi: number }): string =>
    `${e.afi}/${e.safi}/${e.nextHopAfi}`;
  const ourEnh = new Set((c.extendedNextHop ?? []).map(entryKey));
  const peerEnh = capsOf(open, 'EXTENDED_NEXT_HOP').flatMap((cap) => cap.entries);
  const peerEnhKeys = new Set(peerEnh.map(entryKey));
  const extendedNextHopSend = new Set<FamilyKey>();
  const extendedNextHopReceive = new Set<FamilyKey>();
  for (const e of peerEnh)
    if (ourEnh.has(entryKey(e)) && negotiatedKeys.has(familyKey(e.afi, e.safi)))
      extendedNextHopSend.add(familyKey(e.afi, e.safi));
  for (const e of c.extendedNextHop ?? [])
    if (peerEnhKeys.has(entryKey(e)) && negotiatedKeys.has(familyKey(e.afi, e.safi)))
      extendedNextHopReceive.add(familyKey(e.afi, e.safi));

  const routeRefresh =
    (c.routeRefresh ?? true) &&
    (capsOf(open, 'ROUTE_REFRESH').length > 0 || capsOf(open, 'ROUTE_REFRESH_OLD').length > 0);
  const enhancedRouteRefresh =
    routeRefresh &&
    (c.enhancedRouteRefresh ?? true) &&
    capsOf(open, 'ENHANCED_ROUTE_REFRESH').length > 0;

  const peerGr = capsOf(open, 'GRACEFUL_RESTART')[0];
  const peerGracefulRestart: PeerGracefulRestart | undefined =
    c.gracefulRestart && peerGr
      ? {
          restartState: peerGr.restartState,
          notification: peerGr.notification && (c.gracefulRestart.notification ?? true),
          restartTime: peerGr.restartTime,
          families: peerGr.families
            .filter((f) => negotiatedKeys.has(familyKey(f.afi, f.safi)))
            .map((f) => ({ afi: f.afi, safi: f.safi, forwardingState: f.forwardingState })),
        }
      : undefined;
  const peerLlgr = capsOf(open, 'LONG_LIVED_GRACEFUL_RESTART')[0];
  const peerRole = capsOf(open, 'BGP_ROLE')[0]?.role;
  const fqdn = capsOf(open, 'FQDN')[0];

  const addPathReceive = new Set([...addPath].filter(([, m]) => m.receive).map(([k]) => k));
  const addPathSend = new Set([...addPath].filter(([, m]) => m.send).map(([k]) => k));
  return {
    peerAs,
    peerBgpIdentifier: open.bgpIdentifier,
    internal,
    holdTime,
    keepaliveTime,
    fourOctetAs,
    families,
    addPath,
    extendedMessage,
    extendedNextHopSend,
    extendedNextHopReceive,
    routeRefresh,
    enhancedRouteRefresh,
    ...(c.gracefulRestart ? { localGracefulRestart: c.gracefulRestart } : {}),
    ...(peerGracefulRestart ? { peerGracefulRestart } : {}),
    ...(peerLlgr && c.longLivedGracefulRestart?.length
      ? {
          peerLongLivedGracefulRestart: peerLlgr.families
            .filter((f) => negotiatedKeys.has(familyKey(f.afi, f.safi)))
            .map((f) => ({
              afi: f.afi,
              safi: f.safi,
              forwardingState: f.forwardingState,
              staleTime: f.staleTime,
            })),
        }
      : {}),
    ...(c.role !== undefined && peerRole !== undefined
      ? { role: { local: c.role, peer: peerRole } }
      : {}),
    ...(fqdn ? { peerHostname: fqdn.hostname } : {}),
    receiveContext: createContext({
      fourOctetAs,
      addPath: addPathReceive,
      extendedMessage,
      extendedNextHop: extendedNextHopReceive,
    }),
    sendContext: createContext({
      fourOctetAs,
      addPath: addPathSend,
      extendedMessage,
      extendedNextHop: extendedNextHopSend,
    }),
  };
}
