/**
 * CiliumBGPPeerConfig: timers, transport, graceful restart, authentication and address families
 * shared by many peers. Defaults are those of Cilium's `SetDefaults()`
 * (`pkg/k8s/apis/cilium.io/v2/bgp_peer_types.go`).
 *
 * @module
 */
import type { Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';
import type { LabelSelector } from '../selector.js';
import { parseMeta } from './common.js';

/** AFI names of the CRD enum. */
export const PEER_AFIS = ['ipv4', 'ipv6', 'l2vpn', 'ls', 'opaque'] as const;
/** SAFI names of the CRD enum. */
export const PEER_SAFIS = [
  'unicast',
  'multicast',
  'mpls_label',
  'encapsulation',
  'vpls',
  'evpn',
  'ls',
  'sr_policy',
  'mup',
  'mpls_vpn',
  'mpls_vpn_multicast',
  'route_target_constraints',
  'flowspec_unicast',
  'flowspec_vpn',
  'key_value',
] as const;

/** An address family with the selector of the CiliumBGPAdvertisements it carries. */
export interface PeerFamily {
  /** AFI name (`ipv4`, `ipv6`, ...). */
  readonly afi: (typeof PEER_AFIS)[number];
  /** SAFI name (`unicast`, ...). */
  readonly safi: (typeof PEER_SAFIS)[number];
  /** Selects CiliumBGPAdvertisements by label; undefined (nil) advertises nothing. */
  readonly advertisements: LabelSelector | undefined;
}

/** BGP timers in seconds. */
export interface PeerTimers {
  /** ConnectRetry timer (RFC 4271 §10). */
  readonly connectRetryTimeSeconds: number;
  /** Hold time proposed in OPEN. */
  readonly holdTimeSeconds: number;
  /** Keepalive interval. */
  readonly keepAliveTimeSeconds: number;
}

/** Graceful restart (RFC 4724) settings. */
export interface PeerGracefulRestart {
  /** Whether the capability is advertised. */
  readonly enabled: boolean;
  /** Restart time advertised. */
  readonly restartTimeSeconds: number;
}

/** A validated, defaulted CiliumBGPPeerConfig spec. */
export interface PeerConfigSpec {
  /** Transport settings. */
  readonly transport: {
    /** Destination TCP port. */
    readonly peerPort: number;
    /** Interface whose address is the session source, if set. */
    readonly sourceInterface: string | undefined;
  };
  /** Timers. */
  readonly timers: PeerTimers;
  /** Secret name holding the TCP MD5 password (key `password`). */
  readonly authSecretRef: string | undefined;
  /** Graceful restart. */
  readonly gracefulRestart: PeerGracefulRestart;
  /** TTL for eBGP sessions (1 = directly connected); ignored for iBGP. */
  readonly ebgpMultihop: number;
  /** Families, defaulted to IPv6 and IPv4 unicast with no advertisements. */
  readonly families: readonly PeerFamily[];
}

/** A validated CiliumBGPPeerConfig. */
export interface BgpPeerConfig {
  /** Discriminator. */
  readonly kind: 'CiliumBGPPeerConfig';
  /** API version. */
  readonly apiVersion: string;
  /** Metadata. */
  readonly meta: ObjectMeta;
  /** The defaulted spec. */
  readonly spec: PeerConfigSpec;
}

/** The families Cilium defaults to when `families` is empty: IPv6 then IPv4 unicast, nothing advertised. */
export const DEFAULT_FAMILIES: readonly PeerFamily[] = [
  { afi: 'ipv6', safi: 'unicast', advertisements: undefined },
  { afi: 'ipv4', safi: 'unicast', advertisements: undefined },
];

/** What a peer without `peerConfigRef` gets: an empty PeerConfig after `SetDefaults()`. */
export const DEFAULT_PEER_CONFIG: PeerConfigSpec = {
  transport: { peerPort: 179, sourceInterface: undefined },
  timers: { connectRetryTimeSeconds: 120, holdTimeSeconds: 90, keepAliveTimeSeconds: 30 },
  authSecretRef: undefined,
  gracefulRestart: { enabled: false, restartTimeSeconds: 120 },
  ebgpMultihop: 1,
  families: DEFAULT_FAMILIES,
};

/** Validates and defaults a CiliumBGPPeerConfig. */
export function parsePeerConfig(root: Rec, apiVersion: string): BgpPeerConfig {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec');
  const d = DEFAULT_PEER_CONFIG;
  const tr = spec?.rec('transport');
  const peerPort = tr?.int('peerPort', { min: 1, max: 65535 }) ?? d.transport.peerPort;
  const sourceInterface = tr?.str('sourceInterface', { minLength: 1 });
  if (tr?.has('localPort')) {
    // v2alpha1 had transport.localPort; the listening port moved to the instance in v2.
    tr.int('localPort', { min: 1, max: 65535 });
    tr.reader.warn(
      tr.at('localPort'),
      'deprecated and has no effect; set bgpInstances[].localPort instead',
    );
  }
  tr?.end();
  const ti = spec?.rec('timers');
  const connectRetryTimeSeconds =
    ti?.int('connectRetryTimeSeconds', { min: 1, max: 2147483647 }) ??
    d.timers.connectRetryTimeSeconds;
  const holdTimeSeconds =
    ti?.int('holdTimeSeconds', { min: 3, max: 65535 }) ?? d.timers.holdTimeSeconds;
  const keepAliveTimeSeconds =
    ti?.int('keepAliveTimeSeconds', { min: 1, max: 65535 }) ?? d.timers.keepAliveTimeSeconds;
  if (ti && keepAliveTimeSeconds > holdTimeSeconds) {
    // CEL rule `keepAliveTimeSeconds <= holdTimeSeconds` on the CRD.
    ti.reader.error(
      ti.at('keepAliveTimeSeconds'),
      `must not exceed holdTimeSeconds (${holdTimeSeconds})`,
    );
  }
  ti?.end();
  const authSecretRef = spec?.str('authSecretRef', { minLength: 1 });
  const gr = spec?.rec('gracefulRestart');
  const gracefulRestart: PeerGracefulRestart = gr
    ? {
        enabled: gr.bool('enabled', { required: true, default: false }) ?? false,
        restartTimeSeconds: gr.int('restartTimeSeconds', { min: 1, max: 4095 }) ?? 120,
      }
    : d.gracefulRestart;
  gr?.end();
  const ebgpMultihop = spec?.int('ebgpMultihop', { min: 1, max: 255 }) ?? d.ebgpMultihop;
  const families: PeerFamily[] = [];
  for (const f of spec?.recList('families') ?? []) {
    const afi = f.enum('afi', PEER_AFIS, { required: true });
    const safi = f.enum('safi', PEER_SAFIS, { required: true });
    const advertisements = f.selector('advertisements');
    f.end();
    if (afi && safi) families.push({ afi, safi, advertisements });
  }
  spec?.end();
  return {
    kind: 'CiliumBGPPeerConfig',
    apiVersion,
    meta,
    spec: {
      transport: { peerPort, sourceInterface },
      timers: { connectRetryTimeSeconds, holdTimeSeconds, keepAliveTimeSeconds },
      authSecretRef,
      gracefulRestart,
      ebgpMultihop,
      families: families.length > 0 ? families : DEFAULT_FAMILIES,
    },
  };
}
