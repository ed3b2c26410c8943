/**
 * Test helpers: fixture loading and small builders for Kubernetes objects.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  buildCluster,
  type Cluster,
  type Condition,
  loadCluster,
  type RawObject,
  type RenderedNode,
  type RenderOptions,
  renderNode,
  type YamlSource,
} from '../src/index.js';

/** Reads fixture files as YAML sources. */
export function fixtures(...names: string[]): YamlSource[] {
  return names.map((name) => ({
    name,
    text: readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8'),
  }));
}

/** Loads fixtures into a cluster. */
export function fixtureCluster(...names: string[]): Cluster {
  return loadCluster(fixtures(...names));
}

/** Renders a node from fixture files. */
export function renderFixtures(node: string, names: string[], opts?: RenderOptions): RenderedNode {
  return renderNode(fixtureCluster(...names), node, opts);
}

/** Routes of one peer/family as `prefix` strings. */
export function prefixes(r: RenderedNode, peer: string, afi = 'ipv4', instance?: string): string[] {
  return route(r, peer, afi, instance).map((x) => x.prefix);
}

/** Routes of one peer/family. */
export function route(r: RenderedNode, peer: string, afi = 'ipv4', instance?: string) {
  const inst =
    instance === undefined ? r.instances : r.instances.filter((i) => i.name === instance);
  const p = inst.flatMap((i) => i.peers).find((x) => x.name === peer);
  if (!p) throw new Error(`no peer ${peer} on ${r.node}: ${JSON.stringify(r.warnings)}`);
  return p.families.find((f) => f.afi === afi)?.routes ?? [];
}

/** Condition lookup. */
export function condition(
  r: { conditions: readonly Condition[] },
  object: string,
  type: string,
): Condition | undefined {
  return r.conditions.find((c) => c.object === object && c.type === type);
}

/** A Node with labels, pod CIDRs and an InternalIP. */
export function node(
  name: string,
  labels: Record<string, string> = {},
  opts: { podCIDRs?: string[]; ip?: string; annotations?: Record<string, string> } = {},
): RawObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels, annotations: opts.annotations ?? {} },
    spec: { podCIDRs: opts.podCIDRs ?? [] },
    status: { addresses: opts.ip === undefined ? [] : [{ type: 'InternalIP', address: opts.ip }] },
  };
}

/** A Service. */
export function service(
  name: string,
  spec: Record<string, unknown>,
  meta: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    namespace?: string;
    creationTimestamp?: string;
  } = {},
  status?: { ingress: string[] },
): RawObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: meta.namespace ?? 'default',
      labels: meta.labels ?? {},
      annotations: meta.annotations ?? {},
      ...(meta.creationTimestamp ? { creationTimestamp: meta.creationTimestamp } : {}),
    },
    spec,
    ...(status
      ? { status: { loadBalancer: { ingress: status.ingress.map((ip) => ({ ip })) } } }
      : {}),
  };
}

/** An EndpointSlice for a service with endpoints on the given nodes. */
export function slice(
  svc: string,
  endpoints: { node: string; ready?: boolean }[],
  namespace = 'default',
): RawObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${svc}-x`, namespace, labels: { 'kubernetes.io/service-name': svc } },
    addressType: 'IPv4',
    endpoints: endpoints.map((e, i) => ({
      addresses: [`10.244.0.${i + 1}`],
      nodeName: e.node,
      ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
    })),
  };
}

/** A Cilium custom resource. */
export function cr(
  kind: string,
  name: string,
  spec: unknown,
  labels: Record<string, string> = {},
  apiVersion = 'cilium.io/v2',
  extraMeta: Record<string, unknown> = {},
): RawObject {
  return { apiVersion, kind, metadata: { name, labels, ...extraMeta }, spec };
}

/** Builds a cluster from objects. */
export function cluster(...objects: RawObject[]): Cluster {
  return buildCluster(objects);
}

/**
 * A one-node v2 setup: ClusterConfig selecting every node, one instance (ASN `localASN`) with one
 * peer (`peerASN`) whose PeerConfig selects advertisements labelled `advertise: bgp` in IPv4 and IPv6.
 */
export function v2Setup(opts: { localASN?: number; peerASN?: number } = {}): RawObject[] {
  return [
    cr('CiliumBGPClusterConfig', 'cc', {
      bgpInstances: [
        {
          name: 'i1',
          localASN: opts.localASN ?? 65001,
          peers: [
            {
              name: 'p1',
              peerAddress: '10.0.0.1',
              peerASN: opts.peerASN ?? 65100,
              peerConfigRef: { name: 'pc' },
            },
          ],
        },
      ],
    }),
    cr('CiliumBGPPeerConfig', 'pc', {
      families: [
        { afi: 'ipv4', safi: 'unicast', advertisements: { matchLabels: { advertise: 'bgp' } } },
        { afi: 'ipv6', safi: 'unicast', advertisements: { matchLabels: { advertise: 'bgp' } } },
      ],
    }),
  ];
}
