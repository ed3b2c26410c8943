/**
 * The rendered result for one node: the JSON shape `bgp-policy render -o json` prints and that
 * other tools read. Absent optional values are `null`, so that every key is always present.
 *
 * @module
 */
import type { Condition, ValidationError, Warning } from './diagnostics.js';
import type { LbIpamResult } from './lbipam/types.js';
import type { DesiredRoute } from './routes.js';

/** Routes of one address family towards one peer. */
export interface RenderedFamily {
  /** `ipv4`, `ipv6`, ... */
  readonly afi: string;
  /** `unicast`, ... */
  readonly safi: string;
  /** Routes, longest prefix first. */
  readonly routes: readonly DesiredRoute[];
}

/** One BGP session of the node. */
export interface RenderedPeer {
  /** Peer name (legacy: the peer address). */
  readonly name: string;
  /** Peer address. */
  readonly peerAddress: string;
  /** Peer ASN (0 = accept the ASN in the peer's OPEN). */
  readonly peerASN: number;
  /** `ibgp` when peerASN equals the local ASN, `ebgp` otherwise (also for peerASN 0: unknown until OPEN). */
  readonly session: 'ibgp' | 'ebgp';
  /** Destination TCP port. */
  readonly peerPort: number;
  /** Source address, when set by an override. */
  readonly localAddress: string | null;
  /** Interface whose address is the source (`transport.sourceInterface`). */
  readonly sourceInterface: string | null;
  /** The CiliumBGPPeerConfig used (null = defaults or legacy). */
  readonly peerConfigRef: string | null;
  /** Timers in seconds. */
  readonly timers: {
    readonly connectRetryTimeSeconds: number;
    readonly holdTimeSeconds: number;
    readonly keepAliveTimeSeconds: number;
  };
  /** Graceful restart. */
  readonly gracefulRestart: { readonly enabled: boolean; readonly restartTimeSeconds: number };
  /** eBGP multihop TTL (null for iBGP, where Cilium ignores it). */
  readonly ebgpMultihop: number | null;
  /** TCP MD5 authentication (null when not configured); the password itself is never printed. */
  readonly auth: { readonly secretRef: string; readonly passwordSet: boolean } | null;
  /** Families with their routes. */
  readonly families: readonly RenderedFamily[];
}

/** One BGP instance of the node. */
export interface RenderedInstance {
  /** Instance name (legacy: `<policy>-<localASN>`). */
  readonly name: string;
  /** Local ASN. */
  readonly localASN: number;
  /** Listening port (null = no listener, active-only). */
  readonly localPort: number | null;
  /** Router ID. */
  readonly routerID: string;
  /** Where the router ID came from. */
  readonly routerIDSource: string;
  /** Sessions. */
  readonly peers: readonly RenderedPeer[];
}

/** Everything `render` computes for one node. */
export interface RenderedNode {
  /** Node name. */
  readonly node: string;
  /** The object configuring BGP on the node, or null when none does. */
  readonly source: {
    readonly kind: 'CiliumBGPClusterConfig' | 'CiliumBGPPeeringPolicy';
    readonly name: string;
  } | null;
  /** Instances. */
  readonly instances: readonly RenderedInstance[];
  /** LB-IPAM allocations and pool status (cluster-wide; their conditions are in `conditions`). */
  readonly lbipam: Pick<LbIpamResult, 'allocations' | 'pools'>;
  /** Status conditions of the BGP resources, pools and services (cluster-wide). */
  readonly conditions: readonly Condition[];
  /** Validation errors (each dropped the object named). */
  readonly errors: readonly ValidationError[];
  /** Warnings. */
  readonly warnings: readonly Warning[];
}
