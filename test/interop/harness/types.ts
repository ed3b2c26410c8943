/**
 * The daemon-neutral vocabulary of the interop harness: what a test asks of a daemon (its
 * configuration) and what it reads back (peer status, received routes), the same for GoBGP,
 * BIRD, FRR and ExaBGP so that a test can run against each of them in a loop.
 *
 * @module
 */

/** Session states of RFC 4271 §8.2.2, plus `Unknown` for a daemon-specific state we cannot map. */
export type PeerState =
  | 'Idle'
  | 'Connect'
  | 'Active'
  | 'OpenSent'
  | 'OpenConfirm'
  | 'Established'
  | 'Unknown';

/** One neighbour in a daemon's configuration. */
export interface PeerConfig {
  /** The neighbour's address (loopback only). */
  readonly address: string;
  /** The TCP port the neighbour listens on; the daemon connects there. */
  readonly port: number;
  /** The neighbour's AS number. */
  readonly asn: number;
  /** RFC 2385 TCP-MD5 password. */
  readonly password?: string;
  /** Hold time the daemon proposes to this neighbour (seconds; default 90, or the daemon's). */
  readonly holdTime?: number;
  /** Never initiate the connection; only accept it. */
  readonly passive?: boolean;
  /** Advertise the graceful restart capability (RFC 4724) with this restart time, in seconds. */
  readonly gracefulRestart?: { readonly restartTime: number };
  /**
   * GTSM (RFC 5082): accept only packets from at most this many hops away, and send with TTL
   * 255. Implemented by the FRR and GoBGP drivers; the others throw.
   */
  readonly ttlSecurityHops?: number;
  /** Connect-retry interval in seconds (small values speed tests up; daemon default otherwise). */
  readonly connectRetry?: number;
  /**
   * Accept IPv4 unicast routes with IPv6 next hops (RFC 8950): advertise the extended next hop
   * capability for them. Implemented by the ExaBGP driver (FRR 8.4 offers it on IPv6 sessions
   * only); the others throw.
   */
  readonly extendedNextHop?: boolean;
}

/** A route the daemon originates. */
export interface RouteConfig {
  /** IPv4 prefix such as `10.1.0.0/24`. */
  readonly prefix: string;
  /**
   * Next hop to advertise. Defaults to 192.0.2.x (TEST-NET-1, never routed): GoBGP treats a
   * loopback next hop as semantically invalid and turns the UPDATE into a withdraw, so routes
   * exchanged over 127/8 sessions carry a documentation address instead. No traffic is sent.
   */
  readonly nextHop?: string;
}

/** A daemon's configuration. */
export interface DaemonConfig {
  /** BGP Identifier (router id), dotted quad. */
  readonly routerId: string;
  /** Local AS number. */
  readonly asn: number;
  /** Loopback address the daemon listens on and connects from (allocated when omitted). */
  readonly address?: string;
  /** BGP listening port (allocated when omitted). */
  readonly port?: number;
  /** Neighbours. */
  readonly peers: readonly PeerConfig[];
  /** Routes to originate from the start. */
  readonly routes?: readonly RouteConfig[];
  /** Verbose protocol logging (ExaBGP: every packet in hex). Off by default: benchmarks. */
  readonly debug?: boolean;
}

/** A NOTIFICATION as a daemon reports it. */
export interface ReportedNotification {
  /** Whether the daemon sent or received it. */
  readonly direction: 'sent' | 'received';
  /** Error code. */
  readonly code: number;
  /** Error subcode. */
  readonly subcode: number;
  /** RFC 9003 shutdown communication, when the daemon reports one. */
  readonly message?: string;
}

/** What a daemon reports about one neighbour. */
export interface PeerStatus {
  /** The neighbour's address. */
  readonly address: string;
  /** Session state. */
  readonly state: PeerState;
  /** The neighbour's AS, as configured or learned. */
  readonly asn?: number;
  /** The neighbour's BGP Identifier once an OPEN was received. */
  readonly routerId?: string;
  /** Negotiated hold time in seconds (Established only). */
  readonly holdTime?: number;
  /**
   * Capabilities the neighbour advertised, as normalised names: `multiprotocol:ipv4-unicast`,
   * `route-refresh`, `enhanced-route-refresh`, `four-octet-as`, `graceful-restart`,
   * `long-lived-graceful-restart`, `extended-message`, `extended-next-hop`, `add-path`, `fqdn`.
   * Undefined when the daemon does not report them.
   */
  readonly remoteCapabilities?: readonly string[];
  /** The last NOTIFICATION the daemon reports for this neighbour, if it reports one. */
  readonly lastNotification?: ReportedNotification;
  /**
   * NOTIFICATION counters, for daemons that count them but do not keep the last one (GoBGP
   * records no code for a NOTIFICATION received before Established).
   */
  readonly notificationCounts?: { readonly sent: number; readonly received: number };
  /** The daemon's own record, for assertions the normalised fields do not cover. */
  readonly raw: unknown;
}

/** A route a daemon has received from a neighbour. */
export interface ReceivedRoute {
  /** Prefix, such as `10.1.0.0/24`. */
  readonly prefix: string;
  /** Next hop, when reported. */
  readonly nextHop?: string;
  /** AS_PATH flattened to AS numbers (sets included in order). */
  readonly asPath: readonly number[];
  /** Address of the neighbour it came from, when reported. */
  readonly from?: string;
  /** Marked stale by graceful restart, when the daemon reports it. */
  readonly stale?: boolean;
}

/** The daemons the harness drives. */
export type DaemonKind = 'gobgp' | 'bird' | 'frr' | 'exabgp';

/**
 * A running (or startable) BGP daemon. Every method that queries state polls nothing itself:
 * combine it with `waitFor` to wait for a condition.
 */
export interface BgpDaemon {
  /** Which daemon this is. */
  readonly kind: DaemonKind;
  /** Loopback address it listens on and connects from. */
  readonly address: string;
  /** BGP listening port. */
  readonly port: number;
  /** Local AS. */
  readonly asn: number;
  /** BGP Identifier. */
  readonly routerId: string;
  /** Its temporary directory (configuration, sockets, logs). */
  readonly dir: string;
  /** Starts the daemon and resolves when its control interface answers. */
  start(): Promise<void>;
  /** Stops it (process group; SIGKILL after a grace period). Idempotent; safe if never started. */
  stop(): Promise<void>;
  /** Status of every configured neighbour. */
  peers(): Promise<PeerStatus[]>;
  /** Status of one neighbour, undefined when it is not configured. */
  peer(address: string): Promise<PeerStatus | undefined>;
  /** Routes received from neighbours (optionally only from one), not the daemon's own. */
  receivedRoutes(from?: string): Promise<ReceivedRoute[]>;
  /** Originates a route at runtime. */
  announce(route: RouteConfig): Promise<void>;
  /** Withdraws a route originated with `announce` or in the configuration. */
  withdraw(prefix: string): Promise<void>;
  /** The daemon's log so far (for shutdown messages and NOTIFICATIONs it does not report). */
  log(): string;
}
