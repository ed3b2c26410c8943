/**
 * The legacy CiliumBGPPeeringPolicy (cilium.io/v2alpha1 only): node selection, peers and
 * advertisements in one object. Schema and defaults: `v2alpha1/bgpp_types.go`.
 *
 * @module
 */
import { parsePrefix } from '@bgp/wire';
import type { Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';
import type { LabelSelector } from '../selector.js';
import { SERVICE_ADDRESS_TYPES, type ServiceAddressType } from './advertisement.js';
import { isCidr, MAX_ASN, type PathAttributes, parseAttributes, parseMeta } from './common.js';
import type { PeerFamily, PeerGracefulRestart, PeerTimers } from './peer-config.js';
import { PEER_AFIS, PEER_SAFIS } from './peer-config.js';

/** `advertisedPathAttributes[].selectorType` values. */
export const PATH_SELECTOR_TYPES = [
  'PodCIDR',
  'CiliumLoadBalancerIPPool',
  'CiliumPodIPPool',
] as const;

/** One entry of `advertisedPathAttributes`. */
export interface AdvertisedPathAttributes {
  /** Which kind of route the entry applies to. */
  readonly selectorType: (typeof PATH_SELECTOR_TYPES)[number];
  /** Selects the objects of that type (nil ⇒ all of them). */
  readonly selector: LabelSelector | undefined;
  /** The attributes. */
  readonly attributes: PathAttributes;
}

/** A legacy neighbor. */
export interface LegacyNeighbor {
  /** Peer address without its mandatory /32 or /128. */
  readonly peerAddress: string;
  /** Destination port. */
  readonly peerPort: number;
  /** Peer ASN. */
  readonly peerASN: number;
  /** Secret with the TCP MD5 password. */
  readonly authSecretRef: string | undefined;
  /** eBGP multihop TTL. */
  readonly eBGPMultihopTTL: number;
  /** Timers. */
  readonly timers: PeerTimers;
  /** Graceful restart. */
  readonly gracefulRestart: PeerGracefulRestart;
  /** Families (default IPv4 and IPv6 unicast); `advertisements` unused here. */
  readonly families: readonly PeerFamily[];
  /** Path attributes by selector type. */
  readonly advertisedPathAttributes: readonly AdvertisedPathAttributes[];
}

/** A legacy virtual router (one BGP instance). */
export interface LegacyVirtualRouter {
  /** Local ASN. */
  readonly localASN: number;
  /** Advertise the node's pod CIDRs. */
  readonly exportPodCIDR: boolean;
  /** Selects CiliumPodIPPools to advertise (nil ⇒ none). */
  readonly podIPPoolSelector: LabelSelector | undefined;
  /** Selects Services to advertise (nil ⇒ none). */
  readonly serviceSelector: LabelSelector | undefined;
  /** Service address kinds (default LoadBalancerIP). */
  readonly serviceAdvertisements: readonly ServiceAddressType[];
  /** Neighbors. */
  readonly neighbors: readonly LegacyNeighbor[];
}

/** A validated CiliumBGPPeeringPolicy. */
export interface BgpPeeringPolicy {
  /** Discriminator. */
  readonly kind: 'CiliumBGPPeeringPolicy';
  /** API version (always cilium.io/v2alpha1). */
  readonly apiVersion: string;
  /** Metadata. */
  readonly meta: ObjectMeta;
  /** Node selector (nil ⇒ all nodes). */
  readonly nodeSelector: LabelSelector | undefined;
  /** Virtual routers. */
  readonly virtualRouters: readonly LegacyVirtualRouter[];
}

/** Validates and defaults a CiliumBGPPeeringPolicy. */
export function parsePeeringPolicy(root: Rec, apiVersion: string): BgpPeeringPolicy {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec', { required: true });
  const nodeSelector = spec?.selector('nodeSelector');
  const virtualRouters: LegacyVirtualRouter[] = [];
  for (const vr of spec?.recList('virtualRouters', { required: true, minItems: 1 }) ?? []) {
    const localASN = vr.int('localASN', { required: true, min: 0, max: MAX_ASN }) ?? 0;
    const exportPodCIDR = vr.bool('exportPodCIDR', { default: false }) ?? false;
    const podIPPoolSelector = vr.selector('podIPPoolSelector');
    const serviceSelector = vr.selector('serviceSelector');
    let serviceAdvertisements: ServiceAddressType[] = ['LoadBalancerIP'];
    if (vr.has('serviceAdvertisements')) {
      serviceAdvertisements = vr.list('serviceAdvertisements').flatMap((item) => {
        if (
          typeof item.value === 'string' &&
          (SERVICE_ADDRESS_TYPES as readonly string[]).includes(item.value)
        ) {
          return [item.value as ServiceAddressType];
        }
        vr.reader.error(item.path, `must be one of ${SERVICE_ADDRESS_TYPES.join(', ')}`);
        return [];
      });
    }
    const neighbors: LegacyNeighbor[] = [];
    for (const n of vr.recList('neighbors', { required: true, minItems: 1 })) {
      neighbors.push(parseNeighbor(n));
    }
    vr.end();
    virtualRouters.push({
      localASN,
      exportPodCIDR,
      podIPPoolSelector,
      serviceSelector,
      serviceAdvertisements: [...new Set(serviceAdvertisements)],
      neighbors,
    });
  }
  spec?.end();
  return { kind: 'CiliumBGPPeeringPolicy', apiVersion, meta, nodeSelector, virtualRouters };
}

function parseNeighbor(n: Rec): LegacyNeighbor {
  const cidr = n.str('peerAddress', { required: true }) ?? '';
  let peerAddress = '';
  if (cidr !== '') {
    if (!isCidr(cidr))
      n.reader.error(
        n.at('peerAddress'),
        `"${cidr}" is not a CIDR (the legacy API requires /32 or /128)`,
      );
    else {
      const p = parsePrefix(cidr);
      if (p.length !== (p.afi === 1 ? 32 : 128))
        n.reader.error(n.at('peerAddress'), 'must be a /32 or /128 host prefix');
      else peerAddress = cidr.slice(0, cidr.indexOf('/'));
    }
  }
  const peerPort = n.int('peerPort', { min: 1, max: 65535 }) ?? 179;
  const peerASN = n.int('peerASN', { required: true, min: 0, max: MAX_ASN }) ?? 0;
  const authSecretRef = n.str('authSecretRef', { minLength: 1 });
  const eBGPMultihopTTL = n.int('eBGPMultihopTTL', { min: 1, max: 255 }) ?? 1;
  const connectRetryTimeSeconds =
    n.int('connectRetryTimeSeconds', { min: 1, max: 2147483647 }) ?? 120;
  const holdTimeSeconds = n.int('holdTimeSeconds', { min: 3, max: 65535 }) ?? 90;
  const keepAliveTimeSeconds = n.int('keepAliveTimeSeconds', { min: 1, max: 65535 }) ?? 30;
  if (keepAliveTimeSeconds > holdTimeSeconds) {
    n.reader.error(
      n.at('keepAliveTimeSeconds'),
      `must not exceed holdTimeSeconds (${holdTimeSeconds})`,
    );
  }
  const gr = n.rec('gracefulRestart');
  const gracefulRestart = {
    enabled: gr?.bool('enabled', { required: true, default: false }) ?? false,
    restartTimeSeconds: gr?.int('restartTimeSeconds', { min: 1, max: 4095 }) ?? 120,
  };
  gr?.end();
  const families: PeerFamily[] = [];
  for (const f of n.recList('families')) {
    const afi = f.enum('afi', PEER_AFIS, { required: true });
    const safi = f.enum('safi', PEER_SAFIS, { required: true });
    f.end();
    if (afi && safi) families.push({ afi, safi, advertisements: undefined });
  }
  const advertisedPathAttributes: AdvertisedPathAttributes[] = [];
  for (const pa of n.recList('advertisedPathAttributes')) {
    const selectorType = pa.enum('selectorType', PATH_SELECTOR_TYPES, { required: true });
    const selector = pa.selector('selector');
    const attributes = parseAttributes(pa);
    pa.end();
    if (selectorType) advertisedPathAttributes.push({ selectorType, selector, attributes });
  }
  if (n.has('pathAttributes')) {
    n.raw('pathAttributes');
    // The guide spells it pathAttributes; the CRD field is advertisedPathAttributes, so the API
    // server prunes this one and its communities never reach a route.
    n.reader.warn(
      n.at('pathAttributes'),
      'unknown field (the CRD field is advertisedPathAttributes); pruned as the API server does, so these attributes are not applied',
    );
  }
  n.end();
  return {
    peerAddress,
    peerPort,
    peerASN,
    authSecretRef,
    eBGPMultihopTTL,
    timers: { connectRetryTimeSeconds, holdTimeSeconds, keepAliveTimeSeconds },
    gracefulRestart,
    families:
      families.length > 0
        ? families
        : [
            { afi: 'ipv4', safi: 'unicast', advertisements: undefined },
            { afi: 'ipv6', safi: 'unicast', advertisements: undefined },
          ],
    advertisedPathAttributes,
  };
}
