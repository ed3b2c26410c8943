/**
 * The core Kubernetes objects the model reads: Node, CiliumNode, Service, EndpointSlice and
 * Secret. Only the fields Cilium's BGP and LB-IPAM code read are kept; other fields are
 * legitimate and silently ignored (no pruning warnings for core objects).
 *
 * @module
 */
import type { Rec } from '../fields.js';
import type { ObjectMeta } from '../meta.js';
import { isCidr, isIp, parseMeta } from './common.js';

/** A Kubernetes Node (v1). */
export interface KubeNode {
  /** Discriminator. */
  readonly kind: 'Node';
  /** Metadata (labels are matched by nodeSelectors when no CiliumNode exists). */
  readonly meta: ObjectMeta;
  /** `spec.podCIDRs` (or `spec.podCIDR`). */
  readonly podCIDRs: readonly string[];
  /** `status.addresses` as `{type, address}`. */
  readonly addresses: readonly { readonly type: string; readonly address: string }[];
}

/** A CiliumNode (cilium.io/v2), the agent's view of a node. */
export interface CiliumNode {
  /** Discriminator. */
  readonly kind: 'CiliumNode';
  /** Metadata (labels mirror the Node's; the operator matches nodeSelectors against them). */
  readonly meta: ObjectMeta;
  /** `spec.addresses` as `{type, address}` (`ip` in the CRD). */
  readonly addresses: readonly { readonly type: string; readonly address: string }[];
  /** `spec.ipam.podCIDRs`. */
  readonly podCIDRs: readonly string[];
  /** `spec.ipam.pools.allocated`: multi-pool IPAM CIDRs per pool name. */
  readonly poolAllocations: readonly { readonly pool: string; readonly cidrs: readonly string[] }[];
}

/** A Service port. */
export interface ServicePort {
  /** Port number. */
  readonly port: number;
  /** Protocol (TCP by default). */
  readonly protocol: string;
}

/** A Kubernetes Service (v1). */
export interface KubeService {
  /** Discriminator. */
  readonly kind: 'Service';
  /** Metadata (labels for selectors; annotations for LB-IPAM requests and sharing). */
  readonly meta: ObjectMeta;
  /** `spec.type` (default ClusterIP). */
  readonly type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** `spec.clusterIPs` (or `[spec.clusterIP]`), without `None`. */
  readonly clusterIPs: readonly string[];
  /** `spec.externalIPs`. */
  readonly externalIPs: readonly string[];
  /** Deprecated `spec.loadBalancerIP` (an LB-IPAM request). */
  readonly loadBalancerIP: string | undefined;
  /** `spec.loadBalancerClass`. */
  readonly loadBalancerClass: string | undefined;
  /** `spec.externalTrafficPolicy` (default Cluster). */
  readonly externalTrafficPolicy: 'Cluster' | 'Local';
  /** `spec.internalTrafficPolicy` (default Cluster). */
  readonly internalTrafficPolicy: 'Cluster' | 'Local';
  /** `spec.ipFamilyPolicy`, when set. */
  readonly ipFamilyPolicy: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack' | undefined;
  /** `spec.ipFamilies`. */
  readonly ipFamilies: readonly ('IPv4' | 'IPv6')[];
  /** `spec.ports`. */
  readonly ports: readonly ServicePort[];
  /** `spec.selector` (pod selector; compared when two Local services share an IP). */
  readonly podSelector: Readonly<Record<string, string>>;
  /** `status.loadBalancer.ingress[].ip`. */
  readonly ingressIPs: readonly string[];
}

/** One endpoint of an EndpointSlice. */
export interface SliceEndpoint {
  /** Addresses. */
  readonly addresses: readonly string[];
  /** Node hosting the endpoint. */
  readonly nodeName: string | undefined;
  /** `conditions.ready`; Kubernetes says nil means ready. */
  readonly ready: boolean;
}

/** A discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSlice {
  /** Discriminator. */
  readonly kind: 'EndpointSlice';
  /** Metadata. */
  readonly meta: ObjectMeta;
  /** Owning service name (label `kubernetes.io/service-name`). */
  readonly serviceName: string | undefined;
  /** Endpoints. */
  readonly endpoints: readonly SliceEndpoint[];
}

/**
 * A Secret. Only its `password` key matters (the TCP-MD5 key of `authSecretRef`); the value is
 * kept for the speaker and never appears in rendered output.
 */
export interface KubeSecret {
  /** Discriminator. */
  readonly kind: 'Secret';
  /** Metadata. */
  readonly meta: ObjectMeta;
  /** True when `data.password` or `stringData.password` is present. */
  readonly hasPassword: boolean;
  /** The password: `stringData.password`, else `data.password` decoded from base64. */
  readonly password?: string;
}

function addresses(r: Rec | undefined, ipKey: string): { type: string; address: string }[] {
  const out: { type: string; address: string }[] = [];
  for (const a of r?.recList('addresses') ?? []) {
    const type = a.str('type') ?? '';
    const address = a.str(ipKey, { required: true }) ?? '';
    if (address !== '' && !isIp(address)) {
      // Node addresses may be host names (type Hostname); only IPs matter to BGP.
      if (type !== 'Hostname' && type !== 'InternalDNS' && type !== 'ExternalDNS') {
        a.reader.error(a.at(ipKey), `"${address}" is not an IP address`);
      }
      continue;
    }
    out.push({ type, address });
  }
  return out;
}

function cidrList(r: Rec | undefined, key: string): string[] {
  const list = r?.strList(key) ?? [];
  return list.filter((c, i) => {
    if (isCidr(c)) return true;
    r?.reader.error(`${r.at(key)}[${i}]`, `"${c}" is not a CIDR`);
    return false;
  });
}

/** Validates a Node. */
export function parseNode(root: Rec): KubeNode {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec');
  let podCIDRs = cidrList(spec, 'podCIDRs');
  const single = spec?.str('podCIDR');
  if (podCIDRs.length === 0 && single !== undefined) podCIDRs = isCidr(single) ? [single] : [];
  return { kind: 'Node', meta, podCIDRs, addresses: addresses(root.rec('status'), 'address') };
}

/** Validates a CiliumNode. */
export function parseCiliumNode(root: Rec): CiliumNode {
  const meta = parseMeta(root, false);
  const spec = root.rec('spec');
  const ipam = spec?.rec('ipam');
  const podCIDRs = cidrList(ipam, 'podCIDRs');
  const poolAllocations = (ipam?.rec('pools')?.recList('allocated') ?? []).map((a) => ({
    pool: a.str('pool', { required: true }) ?? '',
    cidrs: cidrList(a, 'cidrs'),
  }));
  return { kind: 'CiliumNode', meta, addresses: addresses(spec, 'ip'), podCIDRs, poolAllocations };
}

/** Validates a Service. */
export function parseService(root: Rec): KubeService {
  const meta = parseMeta(root, true);
  const spec = root.rec('spec');
  const type =
    spec?.enum('type', ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const) ??
    'ClusterIP';
  let clusterIPs = spec?.strList('clusterIPs') ?? [];
  const clusterIP = spec?.str('clusterIP');
  if (clusterIPs.length === 0 && clusterIP !== undefined) clusterIPs = [clusterIP];
  clusterIPs = clusterIPs.filter((ip) => ip !== 'None' && ip !== '');
  for (const [i, ip] of clusterIPs.entries()) {
    if (!isIp(ip)) spec?.reader.error(`spec.clusterIPs[${i}]`, `"${ip}" is not an IP address`);
  }
  const externalIPs = spec?.strList('externalIPs') ?? [];
  externalIPs.forEach((ip, i) => {
    if (!isIp(ip)) spec?.reader.error(`spec.externalIPs[${i}]`, `"${ip}" is not an IP address`);
  });
  const loadBalancerIP = spec?.str('loadBalancerIP') || undefined;
  const loadBalancerClass = spec?.str('loadBalancerClass');
  const policy = ['Cluster', 'Local'] as const;
  const externalTrafficPolicy = spec?.enum('externalTrafficPolicy', policy) ?? 'Cluster';
  const internalTrafficPolicy = spec?.enum('internalTrafficPolicy', policy) ?? 'Cluster';
  const ipFamilyPolicy = spec?.enum('ipFamilyPolicy', [
    'SingleStack',
    'PreferDualStack',
    'RequireDualStack',
  ] as const);
  const ipFamilies = (spec?.list('ipFamilies') ?? []).flatMap((item): ('IPv4' | 'IPv6')[] => {
    if (item.value === 'IPv4' || item.value === 'IPv6') return [item.value];
    spec?.reader.error(item.path, 'must be IPv4 or IPv6');
    return [];
  });
  const ports = (spec?.recList('ports') ?? []).map((p) => ({
    port: p.int('port', { required: true, min: 1, max: 65535 }) ?? 0,
    protocol: p.str('protocol') ?? 'TCP',
  }));
  const podSelector = spec?.stringMap('selector') ?? {};
  const ingressIPs = (root.rec('status')?.rec('loadBalancer')?.recList('ingress') ?? []).flatMap(
    (i) => {
      const ip = i.str('ip');
      return ip !== undefined && isIp(ip) ? [ip] : [];
    },
  );
  return {
    kind: 'Service',
    meta,
    type,
    clusterIPs,
    externalIPs,
    loadBalancerIP,
    loadBalancerClass,
    externalTrafficPolicy,
    internalTrafficPolicy,
    ipFamilyPolicy,
    ipFamilies,
    ports,
    podSelector,
    ingressIPs,
  };
}

/** Validates an EndpointSlice. */
export function parseEndpointSlice(root: Rec): EndpointSlice {
  const meta = parseMeta(root, true);
  const endpoints = root.recList('endpoints').map((e) => {
    const cond = e.rec('conditions');
    return {
      addresses: e.strList('addresses'),
      nodeName: e.str('nodeName'),
      // discovery/v1: "a nil value should be interpreted as ready".
      ready: cond?.bool('ready') ?? true,
    };
  });
  return {
    kind: 'EndpointSlice',
    meta,
    serviceName: meta.labels['kubernetes.io/service-name'],
    endpoints,
  };
}

/** Validates a Secret. */
export function parseSecret(root: Rec): KubeSecret {
  const meta = parseMeta(root, true);
  const data = root.rec('data');
  const stringData = root.rec('stringData');
  const hasPassword = (data?.has('password') ?? false) || (stringData?.has('password') ?? false);
  // stringData wins over data, as the API server merges them on write.
  const plain = stringData?.str('password');
  const encoded = data?.str('password');
  const password =
    plain ?? (encoded !== undefined ? Buffer.from(encoded, 'base64').toString('utf8') : undefined);
  return { kind: 'Secret', meta, hasPassword, ...(password !== undefined ? { password } : {}) };
}
