/**
 * Loading: multi-document YAML (or already parsed objects) into a validated {@link Cluster}.
 *
 * Each object is validated on its own; an object with errors is dropped (the API server would
 * have refused it) and its errors are kept, and the others are processed normally.
 *
 * @module
 */
import { parseAllDocuments } from 'yaml';
import { type ValidationError, validationError, type Warning } from './diagnostics.js';
import { FieldReader, isPlainObject, type Rec } from './fields.js';
import { objectRef, type RawObject } from './meta.js';
import { type BgpAdvertisement, parseAdvertisement } from './resources/advertisement.js';
import { type BgpClusterConfig, parseClusterConfig } from './resources/cluster-config.js';
import {
  type CiliumNode,
  type EndpointSlice,
  type KubeNode,
  type KubeSecret,
  type KubeService,
  parseCiliumNode,
  parseEndpointSlice,
  parseNode,
  parseSecret,
  parseService,
} from './resources/core.js';
import {
  type LoadBalancerIPPool,
  type PodIPPool,
  parseLoadBalancerIPPool,
  parsePodIPPool,
} from './resources/ip-pools.js';
import { type BgpNodeConfig, parseNodeConfig } from './resources/node-config.js';
import {
  type BgpNodeConfigOverride,
  parseNodeConfigOverride,
} from './resources/node-config-override.js';
import { type BgpPeerConfig, parsePeerConfig } from './resources/peer-config.js';
import { type BgpPeeringPolicy, parsePeeringPolicy } from './resources/peering-policy.js';

/** Every validated object of a cluster, by kind, plus what went wrong while loading. */
export interface Cluster {
  /** CiliumBGPClusterConfigs. */
  readonly clusterConfigs: readonly BgpClusterConfig[];
  /** CiliumBGPPeerConfigs. */
  readonly peerConfigs: readonly BgpPeerConfig[];
  /** CiliumBGPAdvertisements. */
  readonly advertisements: readonly BgpAdvertisement[];
  /** CiliumBGPNodeConfigOverrides. */
  readonly nodeConfigOverrides: readonly BgpNodeConfigOverride[];
  /** CiliumBGPNodeConfigs found in the input (operator output: validated, never used to render). */
  readonly nodeConfigs: readonly BgpNodeConfig[];
  /** Legacy CiliumBGPPeeringPolicies. */
  readonly peeringPolicies: readonly BgpPeeringPolicy[];
  /** CiliumLoadBalancerIPPools. */
  readonly lbPools: readonly LoadBalancerIPPool[];
  /** CiliumPodIPPools. */
  readonly podPools: readonly PodIPPool[];
  /** Nodes. */
  readonly nodes: readonly KubeNode[];
  /** CiliumNodes. */
  readonly ciliumNodes: readonly CiliumNode[];
  /** Services. */
  readonly services: readonly KubeService[];
  /** EndpointSlices. */
  readonly endpointSlices: readonly EndpointSlice[];
  /** Secrets. */
  readonly secrets: readonly KubeSecret[];
  /** MetalLB objects (`metallb.io/*`), kept raw for migration. */
  readonly metallb: readonly RawObject[];
  /** Validation errors of dropped objects and unparsable documents. */
  readonly errors: readonly ValidationError[];
  /** Warnings (pruned fields, ignored kinds, duplicates). */
  readonly warnings: readonly Warning[];
}

/** A YAML source: its text and a name for messages. */
export interface YamlSource {
  /** File name (used in messages about unparsable documents). */
  readonly name: string;
  /** YAML text, possibly many `---` separated documents. */
  readonly text: string;
}

type Parsed =
  | BgpClusterConfig
  | BgpPeerConfig
  | BgpAdvertisement
  | BgpNodeConfigOverride
  | BgpNodeConfig
  | BgpPeeringPolicy
  | LoadBalancerIPPool
  | PodIPPool
  | KubeNode
  | CiliumNode
  | KubeService
  | EndpointSlice
  | KubeSecret;

const CILIUM_BGP = ['cilium.io/v2alpha1', 'cilium.io/v2'];

// kind → [accepted apiVersions, namespaced, parser]
const PARSERS: Readonly<
  Record<string, readonly [readonly string[], boolean, (r: Rec, v: string) => Parsed]>
> = {
  CiliumBGPClusterConfig: [CILIUM_BGP, false, parseClusterConfig],
  CiliumBGPPeerConfig: [CILIUM_BGP, false, parsePeerConfig],
  CiliumBGPAdvertisement: [CILIUM_BGP, false, parseAdvertisement],
  CiliumBGPNodeConfigOverride: [CILIUM_BGP, false, parseNodeConfigOverride],
  CiliumBGPNodeConfig: [CILIUM_BGP, false, parseNodeConfig],
  CiliumBGPPeeringPolicy: [['cilium.io/v2alpha1'], false, parsePeeringPolicy],
  CiliumLoadBalancerIPPool: [CILIUM_BGP, false, parseLoadBalancerIPPool],
  CiliumPodIPPool: [CILIUM_BGP, false, parsePodIPPool],
  CiliumNode: [['cilium.io/v2'], false, parseCiliumNode],
  Node: [['v1'], false, parseNode],
  Service: [['v1'], true, parseService],
  EndpointSlice: [['discovery.k8s.io/v1'], true, parseEndpointSlice],
  Secret: [['v1'], true, parseSecret],
};

/** Parses YAML sources into raw objects; unparsable documents become errors. `kind: List` is flattened. */
export function parseYaml(sources: readonly YamlSource[]): {
  objects: RawObject[];
  errors: ValidationError[];
} {
  const objects: RawObject[] = [];
  const errors: ValidationError[] = [];
  for (const src of sources) {
    parseAllDocuments(src.text).forEach((doc, i) => {
      const where = `${src.name}#${i}`;
      if (doc.errors.length > 0) {
        errors.push(validationError(where, '', `YAML: ${doc.errors[0]!.message.split('\n')[0]}`));
        return;
      }
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) return;
      if (!isPlainObject(value)) {
        errors.push(validationError(where, '', 'document is not a Kubernetes object'));
        return;
      }
      if (value.kind === 'List' && Array.isArray(value.items)) {
        for (const item of value.items) objects.push(item as RawObject);
      } else objects.push(value as RawObject);
    });
  }
  return { objects, errors };
}

/** Validates raw objects into a {@link Cluster}. Later duplicates replace earlier ones (as `kubectl apply`). */
export function buildCluster(
  objects: readonly RawObject[],
  initialErrors: readonly ValidationError[] = [],
): Cluster {
  const errors: ValidationError[] = [...initialErrors];
  const warnings: Warning[] = [];
  const byKey = new Map<string, Parsed>();
  const metallb: RawObject[] = [];
  objects.forEach((obj, index) => {
    if (!isPlainObject(obj)) {
      errors.push(validationError(`object#${index}`, '', 'not a Kubernetes object'));
      return;
    }
    const kind = typeof obj.kind === 'string' ? obj.kind : '';
    const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
    const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : `#${index}`;
    const entry = PARSERS[kind];
    const ns = entry?.[1] ? (typeof meta.namespace === 'string' ? meta.namespace : 'default') : '';
    const ref = objectRef(kind || 'Object', { name, namespace: ns });
    if (apiVersion.startsWith('metallb.io/')) {
      metallb.push(obj);
      return;
    }
    if (!entry) {
      warnings.push({
        object: ref,
        path: '',
        message: `kind ${kind || '(none)'} is not read by the BGP model; ignored`,
      });
      return;
    }
    if (!entry[0].includes(apiVersion)) {
      errors.push(validationError(ref, 'apiVersion', `must be one of ${entry[0].join(', ')}`));
      return;
    }
    const reader = new FieldReader(ref);
    const root = reader.record('', obj);
    if (!root) return;
    root.raw('apiVersion');
    root.raw('kind');
    const parsed = entry[2](root, apiVersion);
    warnings.push(
      ...reader.warnings.filter((w) => !(w.path === 'status' || w.path.startsWith('status.'))),
    );
    if (reader.errors.length > 0) {
      errors.push(...reader.errors);
      return;
    }
    if (byKey.has(ref))
      warnings.push({
        object: ref,
        path: '',
        message: 'defined more than once; the last definition wins',
      });
    if (parsed.kind === 'CiliumBGPNodeConfig') {
      warnings.push({
        object: ref,
        path: '',
        message:
          'generated by the operator; recomputed from the ClusterConfig and overrides, this copy is not used',
      });
    }
    byKey.set(ref, parsed);
  });
  const all = [...byKey.values()];
  const of = <K extends Parsed['kind']>(k: K): Extract<Parsed, { kind: K }>[] =>
    all.filter((o): o is Extract<Parsed, { kind: K }> => o.kind === k);
  return {
    clusterConfigs: of('CiliumBGPClusterConfig'),
    peerConfigs: of('CiliumBGPPeerConfig'),
    advertisements: of('CiliumBGPAdvertisement'),
    nodeConfigOverrides: of('CiliumBGPNodeConfigOverride'),
    nodeConfigs: of('CiliumBGPNodeConfig'),
    peeringPolicies: of('CiliumBGPPeeringPolicy'),
    lbPools: of('CiliumLoadBalancerIPPool'),
    podPools: of('CiliumPodIPPool'),
    nodes: of('Node'),
    ciliumNodes: of('CiliumNode'),
    services: of('Service'),
    endpointSlices: of('EndpointSlice'),
    secrets: of('Secret'),
    metallb,
    errors,
    warnings,
  };
}

/** Parses and validates YAML sources in one step. */
export function loadCluster(sources: readonly YamlSource[] | string): Cluster {
  const list = typeof sources === 'string' ? [{ name: 'input', text: sources }] : sources;
  const { objects, errors } = parseYaml(list);
  return buildCluster(objects, errors);
}
