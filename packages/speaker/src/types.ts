/**
 * Public types of the {@link Speaker}: configuration (options apart from components), hooks,
 * events and the status shapes that the agent's API and `bgp -o json` print.
 *
 * @module
 */
import type { Clock, NegotiatedSession, Transport } from '@bgp/fsm';
import type { DatapathSink } from '@bgp/rib';
import type { Prefix } from '@bgp/wire';
import type { RouteAttributesInput, SpeakerRouteAttributes } from './attributes.js';
import type { LosingStep, PathSource } from './rib-adapter.js';

/** An address family the speaker carries: IPv4 or IPv6 unicast. */
export interface SpeakerFamily {
  /** 1 IPv4, 2 IPv6. */
  readonly afi: 1 | 2;
  /** 1 unicast. */
  readonly safi: 1;
}

/** IPv4 unicast. */
export const IPV4_UNICAST: SpeakerFamily = { afi: 1, safi: 1 };
/** IPv6 unicast. */
export const IPV6_UNICAST: SpeakerFamily = { afi: 2, safi: 1 };

/** A BGP instance: one local AS and router ID, its peers and its originated routes. */
export interface InstanceConfig {
  /** Instance name (unique in the speaker). */
  readonly name: string;
  /** Local AS (4-octet). */
  readonly asn: number;
  /** BGP Identifier, dotted quad. */
  readonly routerId: string;
  /** Listen for incoming connections (none: active sessions only, as Cilium without localPort). */
  readonly listen?: { readonly host?: string; readonly port: number };
}

/** What an export hook sees: a route the speaker could send to a peer. */
export interface ExportCandidate {
  /** The prefix. */
  readonly prefix: Prefix;
  /** Its family. */
  readonly afi: 1 | 2;
  /** The route's attributes in the Loc-RIB (before the eBGP/iBGP export rules). */
  readonly attributes: SpeakerRouteAttributes;
  /** Where the route came from. */
  readonly source: PathSource;
}

/** Who an export or import hook is deciding for. */
export interface PeerRef {
  /** Instance name. */
  readonly instance: string;
  /** Peer name. */
  readonly name: string;
  /** Peer address. */
  readonly address: string;
  /** Peer AS as configured (0 = learned). */
  readonly asn: number;
}

/**
 * Decides what a peer gets: null (or false) to send nothing, undefined (or true) to send the
 * route as it is, or the attributes to send instead. The speaker then applies the RFC 4271
 * rules: own AS prepended and LOCAL_PREF removed towards eBGP, next hop self for local routes.
 */
export type ExportHook = (
  route: ExportCandidate,
  peer: PeerRef,
) => RouteAttributesInput | boolean | null | undefined;

/** What an import hook sees: a route a peer sent. */
export interface ImportCandidate {
  /** The prefix. */
  readonly prefix: Prefix;
  /** Its family. */
  readonly afi: 1 | 2;
  /** Attributes as received. */
  readonly attributes: SpeakerRouteAttributes;
}

/**
 * Decides whether a received route enters the Loc-RIB (true / attributes to store instead) or
 * stays in the Adj-RIB-In only (false). The default accepts nothing, as Cilium does.
 */
export type ImportHook = (route: ImportCandidate, peer: PeerRef) => RouteAttributesInput | boolean;

/** Accepts every route (for route collectors and datapath plugins). */
export const acceptAll: ImportHook = () => true;
/** Accepts nothing: the Cilium default. */
export const acceptNone: ImportHook = () => false;

/** A peer of an instance. Fields besides `export` and `name` reset the session when changed. */
export interface PeerConfig {
  /** Name (default the address). */
  readonly name?: string;
  /** Peer address. */
  readonly address: string;
  /** Peer TCP port (default 179). */
  readonly port?: number;
  /** Peer AS; 0 accepts any. */
  readonly asn: number;
  /** Source address of our connection. */
  readonly localAddress?: string;
  /** Do not connect; wait for the peer (needs the instance's `listen`). */
  readonly passive?: boolean;
  /** Families (default IPv4 unicast). */
  readonly families?: readonly SpeakerFamily[];
  /** Hold time we propose (default 90). */
  readonly holdTime?: number;
  /** Keepalive interval (default a third of the hold time). */
  readonly keepaliveTime?: number;
  /** ConnectRetryTime in seconds (default 120). */
  readonly connectRetryTime?: number;
  /** Graceful restart (RFC 4724) with our Restart Time; absent = not advertised. */
  readonly gracefulRestart?: { readonly restartTime: number };
  /** TCP-MD5 password (RFC 2385). */
  readonly password?: string;
  /** TTL for eBGP multihop (unset: the system default). */
  readonly ttl?: number;
  /** Next hop to send instead of our session address. */
  readonly nextHop?: { readonly ipv4?: string; readonly ipv6?: string };
  /** Export hook (default: local routes, and learned best routes under the usual rules). */
  readonly export?: ExportHook;
}

/** Where the speaker writes what it has to say. */
export interface Logger {
  /** Informational. */
  info(message: string): void;
  /** Something went wrong but the speaker continues. */
  warn(message: string): void;
  /** An error. */
  error(message: string): void;
}

/** Options of a {@link Speaker}: numbers and names. */
export interface SpeakerOptions {
  /** Import hook for every instance (default {@link acceptNone}). */
  readonly import?: ImportHook;
  /** Set the R bit on the first OPEN of each session (we are restarting, RFC 4724 §4.1). */
  readonly restarting?: boolean;
}

/** Injected components of a {@link Speaker}. */
export interface SpeakerComponents {
  /** Time source (default the system clock). */
  readonly clock?: Clock;
  /** Logger (default silent). */
  readonly logger?: Logger;
  /** Datapath sinks fed with the best learned routes. */
  readonly sinks?: readonly DatapathSink[];
  /** Opens an active connection (default TCP). Tests hand in in-memory transports. */
  readonly connect?: (peer: PeerConfig, instance: InstanceConfig) => Promise<Transport>;
}

/** Per-family counts of a peer. */
export interface FamilyCounts {
  /** `ipv4` / `ipv6`. */
  readonly afi: string;
  /** `unicast`. */
  readonly safi: string;
  /** Routes in the Adj-RIB-In. */
  readonly received: number;
  /** Routes the import hook let into the Loc-RIB. */
  readonly accepted: number;
  /** Routes in the Adj-RIB-Out. */
  readonly advertised: number;
}

/** A peer as `bgp peers -o json` shows it. */
export interface PeerStatus {
  /** Instance name. */
  readonly instance: string;
  /** Peer name. */
  readonly name: string;
  /** Peer address. */
  readonly peerAddress: string;
  /** Peer port. */
  readonly peerPort: number;
  /** Peer AS (learned one when configured as 0 and known). */
  readonly peerASN: number;
  /** Local AS. */
  readonly localASN: number;
  /** RFC 4271 state name. */
  readonly sessionState: string;
  /** Seconds in Established (0 otherwise). */
  readonly uptimeSeconds: number;
  /** Negotiated hold time (configured one before Established). */
  readonly holdTime: number;
  /** Negotiated keepalive. */
  readonly keepalive: number;
  /** Negotiated capabilities by name. */
  readonly capabilities: readonly string[];
  /** Per family counts. */
  readonly families: readonly FamilyCounts[];
  /** The last NOTIFICATION or connection error, if any. */
  readonly lastError: string | null;
}

/** A path as `bgp routes available -o json` shows it. */
export interface RouteStatus {
  /** Instance name. */
  readonly instance: string;
  /** Prefix text. */
  readonly prefix: string;
  /** Peer address, or null for a locally originated route. */
  readonly peer: string | null;
  /** Best path of its prefix. */
  readonly best: boolean;
  /** Next hop (null for a local route, whose next hop is set per peer on export). */
  readonly nextHop: string | null;
  /** Stale (graceful restart). */
  readonly stale: boolean;
  /** Attributes, named as bgp-decode names them. */
  readonly attributes: SpeakerRouteAttributes;
}

/** What was sent to one peer (`bgp routes advertised -o json`). */
export interface AdvertisedStatus {
  /** Instance name. */
  readonly instance: string;
  /** Peer name. */
  readonly name: string;
  /** Peer address. */
  readonly peerAddress: string;
  /** Routes as sent. */
  readonly routes: readonly {
    readonly prefix: string;
    readonly nextHop: string | null;
    readonly attributes: SpeakerRouteAttributes;
  }[];
}

/** One candidate in a best-path explanation. */
export interface ExplainedRoute extends RouteStatus {
  /** The decision step at which it lost (absent for the best path). */
  readonly lostAt?: LosingStep;
}

/** Payload of `peer:state`. */
export interface PeerStateEvent extends PeerRef {
  /** State before. */
  readonly from: string;
  /** State after. */
  readonly to: string;
}

/** Payload of `peer:up`. */
export interface PeerUpEvent extends PeerRef {
  /** What was negotiated. */
  readonly negotiated: NegotiatedSession;
}

/** Payload of `peer:down`. */
export interface PeerDownEvent extends PeerRef {
  /** The RFC 4271 event that ended the session. */
  readonly reason: string;
  /** The NOTIFICATION, described, if one was exchanged. */
  readonly notification?: string;
  /** The peer's routes are kept as stale (graceful restart). */
  readonly retainRoutes: boolean;
}

/** Payload of `routes:sent`. */
export interface RoutesSentEvent extends PeerRef {
  /** Family. */
  readonly afi: 1 | 2;
  /** Prefixes announced. */
  readonly announced: readonly string[];
  /** Prefixes withdrawn. */
  readonly withdrawn: readonly string[];
}

/** Payload of `update:received`. */
export interface UpdateReceivedEvent extends PeerRef {
  /** The whole message, header included (a view: copy what you keep). */
  readonly bytes: Uint8Array;
  /** The peer's AS as negotiated. */
  readonly peerAs: number;
  /** Our AS. */
  readonly localAs: number;
  /** Our address on the connection. */
  readonly localAddress: string | undefined;
  /** Both sides use 4-octet AS numbers (RFC 6793). */
  readonly fourOctetAs: boolean;
}

/** Payload of `best:change`. */
export interface BestChangeEvent {
  /** Instance name. */
  readonly instance: string;
  /** Prefix text. */
  readonly prefix: string;
  /** New best path, or null when none is left. */
  readonly best: RouteStatus | null;
}

/**
 * Events of a {@link Speaker}.
 *
 * @example
 * ```ts
 * speaker.on('peer:up', ({ name, negotiated }) => console.log(name, 'up, hold', negotiated.holdTime));
 * speaker.on('routes:sent', ({ name, announced, withdrawn }) => console.log(name, announced, withdrawn));
 * speaker.on('best:change', ({ prefix, best }) => console.log(prefix, best?.peer ?? 'gone'));
 * ```
 */
export interface SpeakerEvents {
  /** A session changed state. */
  'peer:state': (e: PeerStateEvent) => void;
  /** A session reached Established. */
  'peer:up': (e: PeerUpEvent) => void;
  /** A session left Established. */
  'peer:down': (e: PeerDownEvent) => void;
  /** UPDATEs were sent to a peer. */
  'routes:sent': (e: RoutesSentEvent) => void;
  /** An UPDATE arrived (raw bytes, header included: for MRT writers and packet captures). */
  'update:received': (e: UpdateReceivedEvent) => void;
  /** End-of-RIB arrived from a peer. */
  'peer:eor': (e: PeerRef & { readonly afi: number; readonly safi: number }) => void;
  /** The best path of a prefix changed. */
  'best:change': (e: BestChangeEvent) => void;
}
