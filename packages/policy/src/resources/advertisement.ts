/**
 * CiliumBGPAdvertisement: what a peer/family advertises and with which path attributes.
 *
 * Schema: Cilium `pkg/k8s/apis/cilium.io/v2/bgp_advert_types.go` and the CEL rules of
 * `ciliumbgpadvertisements.yaml` (Service ⇔ `service`, Interface ⇔ `interface`,
 * PodCIDR ⇒ no `selector`).
 *
 * @module
 */
import type { Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';
import type { LabelSelector } from '../selector.js';
import { NO_ATTRIBUTES, type PathAttributes, parseAttributes, parseMeta } from './common.js';

/** Advertisement types. */
export const ADVERTISEMENT_TYPES = ['PodCIDR', 'CiliumPodIPPool', 'Service', 'Interface'] as const;
/** An advertisement type. */
export type AdvertisementType = (typeof ADVERTISEMENT_TYPES)[number];

/** Service address kinds. */
export const SERVICE_ADDRESS_TYPES = ['LoadBalancerIP', 'ClusterIP', 'ExternalIP'] as const;
/** A service address kind. */
export type ServiceAddressType = (typeof SERVICE_ADDRESS_TYPES)[number];

/** The `service` block of a Service advertisement. */
export interface ServiceAdvertisementOptions {
  /** Which VIPs to advertise. */
  readonly addresses: readonly ServiceAddressType[];
  /** Aggregate IPv4 VIPs to this length (0-31); undefined advertises /32. */
  readonly aggregationLengthIPv4: number | undefined;
  /** Aggregate IPv6 VIPs to this length (0-127); undefined advertises /128. */
  readonly aggregationLengthIPv6: number | undefined;
}

/** One entry of `spec.advertisements`. */
export interface AdvertisementEntry {
  /** Type. */
  readonly advertisementType: AdvertisementType;
  /** Service options (type Service only). */
  readonly service: ServiceAdvertisementOptions | undefined;
  /** Interface name (type Interface only). */
  readonly interfaceName: string | undefined;
  /** Selects Services or CiliumPodIPPools; undefined (nil) selects nothing. */
  readonly selector: LabelSelector | undefined;
  /** Attributes attached to every route of the entry. */
  readonly attributes: PathAttributes;
}

/** A validated CiliumBGPAdvertisement. */
export interface BgpAdvertisement {
  /** Discriminator. */
  readonly kind: 'CiliumBGPAdvertisement';
  /** API version. */
  readonly apiVersion: string;
  /** Metadata (its labels are what PeerConfig families select). */
  readonly meta: ObjectMeta;
  /** Entries. */
  readonly advertisements: readonly AdvertisementEntry[];
}

/** Validates a CiliumBGPAdvertisement. */
export function parseAdvertisement(root: Rec, apiVersion: string): BgpAdvertisement {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec', { required: true });
  const advertisements: AdvertisementEntry[] = [];
  for (const a of spec?.recList('advertisements', { required: true }) ?? []) {
    const advertisementType = a.enum('advertisementType', ADVERTISEMENT_TYPES, { required: true });
    const s = a.rec('service');
    let service: ServiceAdvertisementOptions | undefined;
    if (s) {
      const addresses = s.list('addresses', { required: true, minItems: 1 }).flatMap((item) => {
        if (
          typeof item.value === 'string' &&
          (SERVICE_ADDRESS_TYPES as readonly string[]).includes(item.value)
        ) {
          return [item.value as ServiceAddressType];
        }
        a.reader.error(item.path, `must be one of ${SERVICE_ADDRESS_TYPES.join(', ')}`);
        return [];
      });
      const aggregationLengthIPv4 = s.int('aggregationLengthIPv4', { min: 0, max: 31 });
      const aggregationLengthIPv6 = s.int('aggregationLengthIPv6', { min: 0, max: 127 });
      s.end();
      service = {
        addresses: [...new Set(addresses)],
        aggregationLengthIPv4,
        aggregationLengthIPv6,
      };
    }
    const i = a.rec('interface');
    const interfaceName = i?.str('name', { required: true, minLength: 1 });
    i?.end();
    const selector = a.selector('selector');
    const attrRec = a.rec('attributes');
    const attributes = attrRec ? parseAttributes(attrRec) : NO_ATTRIBUTES;
    attrRec?.end();
    if (advertisementType === 'Service' && !service)
      a.reader.error(a.at('service'), 'required when advertisementType is Service');
    if (advertisementType !== 'Service' && service)
      a.reader.error(a.at('service'), 'only allowed when advertisementType is Service');
    if (advertisementType === 'Interface' && !i)
      a.reader.error(a.at('interface'), 'required when advertisementType is Interface');
    if (advertisementType !== 'Interface' && i)
      a.reader.error(a.at('interface'), 'only allowed when advertisementType is Interface');
    if (advertisementType === 'PodCIDR' && selector)
      a.reader.error(a.at('selector'), 'not allowed when advertisementType is PodCIDR');
    a.end();
    if (advertisementType) {
      advertisements.push({ advertisementType, service, interfaceName, selector, attributes });
    }
  }
  spec?.end();
  return { kind: 'CiliumBGPAdvertisement', apiVersion, meta, advertisements };
}
