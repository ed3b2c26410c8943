/**
 * The operator's half of BGP v2: which ClusterConfig owns which node, the status conditions it
 * sets, and the per-node configuration (CiliumBGPNodeConfig) with the PeerConfig resolved and
 * the CiliumBGPNodeConfigOverride applied; plus the agent's router ID choice.
 *
 * @module
 */
import { parseAddress } from '@bgp/wire';
import type { Cluster } from './cluster.js';
import type { Condition, Warning } from './diagnostics.js';
import { type NodeView, nodeIPv4, nodeNames, nodeView } from './node-view.js';
import type { BgpClusterConfig } from './resources/cluster-config.js';
import { DEFAULT_PEER_CONFIG, type PeerConfigSpec } from './resources/peer-config.js';
import { selects } from './selector.js';

/** Condition types Cilium sets on CiliumBGPClusterConfig and CiliumBGPPeerConfig. */
export const BgpConditionType = {
  NO_MATCHING_NODE: 'cilium.io/NoMatchingNode',
  MISSING_PEER_CONFIGS: 'cilium.io/MissingPeerConfigs',
  CONFLICTING_CLUSTER_CONFIG: 'cilium.io/ConflictingClusterConfig',
  MISSING_AUTH_SECRET: 'cilium.io/MissingAuthSecret',
} as const;

/** How the router ID is chosen when no override sets it (`--bgp-router-id-allocation-mode`). */
export type RouterIdAllocation =
  | { readonly mode: 'default' }
  | {
      readonly mode: 'ip-pool' /** IPv4 CIDR the operator allocates from. */;
      readonly ipPool: string;
    };

/** What the operator concluded for the whole cluster. */
export interface OperatorStatus {
  /** Conditions on every ClusterConfig and PeerConfig (True and False). */
  readonly conditions: readonly Condition[];
  /** Node name → the one ClusterConfig that selects it. */
  readonly owners: ReadonlyMap<string, BgpClusterConfig>;
  /** Node name → the names of the ClusterConfigs that all select it (no sessions there). */
  readonly conflicts: ReadonlyMap<string, readonly string[]>;
}

function cond(
  object: string,
  type: string,
  on: boolean,
  reason: string,
  message: string,
): Condition {
  return on
    ? { object, type, status: 'True', reason, message }
    : { object, type, status: 'False', reason, message: '' };
}

/** Computes node ownership and the ClusterConfig/PeerConfig conditions. */
export function operatorStatus(cluster: Cluster, secretsNamespace = 'kube-system'): OperatorStatus {
  const names = nodeNames(cluster);
  const selectedBy = new Map<string, string[]>();
  const conditions: Condition[] = [];
  const configs = [...cluster.clusterConfigs].sort((a, b) =>
    a.meta.name.localeCompare(b.meta.name),
  );
  const selected = new Map<string, string[]>();
  for (const cc of configs) {
    const nodes = names.filter((n) =>
      selects(cc.nodeSelector, nodeView(cluster, n)!.labels, 'all'),
    );
    selected.set(cc.meta.name, nodes);
    for (const n of nodes) selectedBy.set(n, [...(selectedBy.get(n) ?? []), cc.meta.name]);
  }
  const owners = new Map<string, BgpClusterConfig>();
  const conflicts = new Map<string, readonly string[]>();
  for (const [n, ccs] of selectedBy) {
    if (ccs.length === 1) owners.set(n, configs.find((c) => c.meta.name === ccs[0])!);
    else conflicts.set(n, ccs);
  }
  const peerConfigNames = new Set(cluster.peerConfigs.map((p) => p.meta.name));
  for (const cc of configs) {
    const obj = `CiliumBGPClusterConfig/${cc.meta.name}`;
    const nodes = selected.get(cc.meta.name) ?? [];
    conditions.push(
      cond(
        obj,
        BgpConditionType.NO_MATCHING_NODE,
        nodes.length === 0,
        'NoMatchingNode',
        'No node matches spec.nodeSelector',
      ),
    );
    const missing = [
      ...new Set(
        cc.bgpInstances.flatMap((i) =>
          i.peers.flatMap((p) =>
            p.peerConfigRef !== undefined && !peerConfigNames.has(p.peerConfigRef)
              ? [p.peerConfigRef]
              : [],
          ),
        ),
      ),
    ].sort();
    conditions.push(
      cond(
        obj,
        BgpConditionType.MISSING_PEER_CONFIGS,
        missing.length > 0,
        'MissingPeerConfigs',
        `Referenced CiliumBGPPeerConfig(s) are missing: [${missing.join(' ')}]`,
      ),
    );
    const others = [
      ...new Set(nodes.flatMap((n) => (conflicts.get(n) ?? []).filter((o) => o !== cc.meta.name))),
    ].sort();
    conditions.push(
      cond(
        obj,
        BgpConditionType.CONFLICTING_CLUSTER_CONFIG,
        others.length > 0,
        'ConflictingClusterConfigs',
        `Selecting the same node(s) with ClusterConfig(s): [${others.join(' ')}]`,
      ),
    );
  }
  for (const pc of [...cluster.peerConfigs].sort((a, b) =>
    a.meta.name.localeCompare(b.meta.name),
  )) {
    const ref = pc.spec.authSecretRef;
    const found =
      ref === undefined ||
      cluster.secrets.some((s) => s.meta.namespace === secretsNamespace && s.meta.name === ref);
    conditions.push(
      cond(
        `CiliumBGPPeerConfig/${pc.meta.name}`,
        BgpConditionType.MISSING_AUTH_SECRET,
        !found,
        'MissingAuthSecret',
        `Referenced Auth Secret is missing: ${secretsNamespace}/${ref}`,
      ),
    );
  }
  return { conditions, owners, conflicts };
}

/**
 * The TCP-MD5 password that `authSecretRef` names: the Secret's `password` key in the BGP secrets
 * namespace. Cilium brings the session up with an empty password when the Secret or the key is
 * missing (and reports MissingAuthSecret), so this returns `''` then.
 *
 * @param cluster - the loaded objects
 * @param secretRef - the PeerConfig's `authSecretRef`
 * @param secretsNamespace - `bgpControlPlane.secretsNamespace.name` (default `kube-system`)
 */
export function authPassword(
  cluster: Cluster,
  secretRef: string,
  secretsNamespace = 'kube-system',
): string {
  const secret = cluster.secrets.find(
    (s) => s.meta.namespace === secretsNamespace && s.meta.name === secretRef,
  );
  return secret?.password ?? '';
}

/** TCP MD5 authentication of a session. */
export interface PeerAuth {
  /** Secret name. */
  readonly secretRef: string;
  /** False when the Secret or its `password` key is missing: Cilium then uses an empty password. */
  readonly passwordSet: boolean;
}

/** A peer of the node's configuration, PeerConfig resolved and override applied. */
export interface ResolvedPeer {
  /** Peer name. */
  readonly name: string;
  /** Peer address (from the ClusterConfig or auto-discovery); undefined if not discoverable. */
  readonly peerAddress: string | undefined;
  /** Peer ASN (0 = learn from OPEN). */
  readonly peerASN: number;
  /** Session source address from the override, if any. */
  readonly localAddress: string | undefined;
  /** Name of the CiliumBGPPeerConfig used (undefined = defaults). */
  readonly peerConfigRef: string | undefined;
  /** The resolved, defaulted PeerConfig spec. */
  readonly peerConfig: PeerConfigSpec;
  /** Authentication, when `authSecretRef` is set. */
  readonly auth: PeerAuth | undefined;
}

/** One instance of the node's configuration. */
export interface ResolvedInstance {
  /** Instance name. */
  readonly name: string;
  /** Local ASN (override first). */
  readonly localASN: number;
  /** Listening port; undefined = no listener. */
  readonly localPort: number | undefined;
  /** Router ID. */
  readonly routerID: string;
  /** Where the router ID came from. */
  readonly routerIDSource: 'override' | 'node-ipv4' | 'cilium-host-mac' | 'ip-pool';
  /** Peers. */
  readonly peers: readonly ResolvedPeer[];
}

/** Options for {@link resolveNodeConfig}. */
export interface ResolveOptions {
  /** Router ID allocation mode (default `default`). */
  readonly routerIDAllocation?: RouterIdAllocation;
  /** Namespace of BGP auth Secrets (default `kube-system`). */
  readonly secretsNamespace?: string;
}

/** Allocates router IDs in `ip-pool` mode: one per (node, instance) in sorted order, deterministic. */
function ipPoolRouterId(
  status: OperatorStatus,
  pool: string,
  node: string,
  instance: string,
): string | undefined {
  const [base, lenText] = pool.split('/');
  const b = parseAddress(base ?? '');
  if (b.length !== 4) return undefined;
  const len = Number(lenText ?? '32');
  const size = 2 ** (32 - len);
  const start = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  const first = start - (start % size);
  const keys: string[] = [];
  for (const n of [...status.owners.keys()].sort()) {
    for (const i of status.owners.get(n)!.bgpInstances) keys.push(`${n}\u0000${i.name}`);
  }
  const idx = keys.indexOf(`${node}\u0000${instance}`);
  if (idx < 0 || idx >= size) return undefined;
  const v = first + idx;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/**
 * Builds the node's v2 configuration (what the operator writes into CiliumBGPNodeConfig and the
 * agent then resolves). Returns undefined when no ClusterConfig owns the node.
 */
export function resolveNodeConfig(
  cluster: Cluster,
  view: NodeView,
  status: OperatorStatus,
  warnings: Warning[],
  opts: ResolveOptions = {},
): { clusterConfig: BgpClusterConfig; instances: ResolvedInstance[] } | undefined {
  const cc = status.owners.get(view.name);
  if (!cc) return undefined;
  const override = cluster.nodeConfigOverrides.find((o) => o.meta.name === view.name);
  const secretsNamespace = opts.secretsNamespace ?? 'kube-system';
  const alloc = opts.routerIDAllocation ?? { mode: 'default' };
  const ccRef = `CiliumBGPClusterConfig/${cc.meta.name}`;
  if (override) {
    for (const oi of override.bgpInstances) {
      const inst = cc.bgpInstances.find((i) => i.name === oi.name);
      if (!inst) {
        warnings.push({
          object: `CiliumBGPNodeConfigOverride/${view.name}`,
          path: 'spec.bgpInstances',
          message: `instance "${oi.name}" is not in ${ccRef}; ignored`,
        });
        continue;
      }
      for (const op of oi.peers) {
        if (!inst.peers.some((p) => p.name === op.name)) {
          warnings.push({
            object: `CiliumBGPNodeConfigOverride/${view.name}`,
            path: 'spec.bgpInstances',
            message: `peer "${op.name}" is not in instance "${oi.name}"; ignored`,
          });
        }
      }
    }
  }
  const instances: ResolvedInstance[] = [];
  for (const inst of cc.bgpInstances) {
    const oi = override?.bgpInstances.find((o) => o.name === inst.name);
    const localASN = oi?.localASN ?? inst.localASN;
    if (localASN === undefined) {
      // Cilium's agent: "missing ASN in desired config" — the instance is not created.
      warnings.push({
        object: ccRef,
        path: `spec.bgpInstances[${inst.name}]`,
        message: `instance has no localASN on node ${view.name}; not created`,
      });
      continue;
    }
    let routerID: string | undefined = oi?.routerID;
    let routerIDSource: ResolvedInstance['routerIDSource'] = 'override';
    if (routerID === undefined && alloc.mode === 'ip-pool') {
      routerID = ipPoolRouterId(status, alloc.ipPool, view.name, inst.name);
      routerIDSource = 'ip-pool';
    } else if (routerID === undefined) {
      routerID = nodeIPv4(view);
      routerIDSource = 'node-ipv4';
      if (routerID === undefined && view.facts.ciliumHostMac !== undefined) {
        // IPv6-only node: Cilium uses the low four bytes of cilium_host's MAC.
        const mac = view.facts.ciliumHostMac.split(':').map((h) => Number.parseInt(h, 16));
        if (mac.length >= 4 && mac.every((x) => x >= 0 && x <= 255)) {
          routerID = mac.slice(-4).join('.');
          routerIDSource = 'cilium-host-mac';
        }
      }
    }
    if (routerID === undefined) {
      warnings.push({
        object: ccRef,
        path: `spec.bgpInstances[${inst.name}]`,
        message: `no router ID for node ${view.name} (no node IPv4, no cilium_host MAC${alloc.mode === 'ip-pool' ? ', ip-pool exhausted' : ''}); set routerID in a CiliumBGPNodeConfigOverride; instance not created`,
      });
      continue;
    }
    const peers: ResolvedPeer[] = [];
    for (const p of inst.peers) {
      const pc =
        p.peerConfigRef === undefined
          ? undefined
          : cluster.peerConfigs.find((c) => c.meta.name === p.peerConfigRef);
      if (p.peerConfigRef !== undefined && !pc) {
        // The agent cannot configure a peer whose PeerConfig is missing (MissingPeerConfigs is set).
        warnings.push({
          object: ccRef,
          path: `spec.bgpInstances[${inst.name}].peers[${p.name}]`,
          message: `CiliumBGPPeerConfig "${p.peerConfigRef}" not found; peer not configured`,
        });
        continue;
      }
      let peerAddress = p.peerAddress;
      if (peerAddress === undefined && p.autoDiscovery?.mode === 'DefaultGateway') {
        peerAddress = view.facts.defaultGateways?.[p.autoDiscovery.addressFamily ?? 'ipv4'];
      }
      if (peerAddress === undefined) {
        warnings.push({
          object: ccRef,
          path: `spec.bgpInstances[${inst.name}].peers[${p.name}]`,
          message: `peer address not discoverable on node ${view.name} (supply the node's default gateway / unnumbered neighbor); peer not configured`,
        });
        continue;
      }
      const spec = pc?.spec ?? DEFAULT_PEER_CONFIG;
      const ref = spec.authSecretRef;
      const auth =
        ref === undefined
          ? undefined
          : {
              secretRef: ref,
              passwordSet: cluster.secrets.some(
                (s) =>
                  s.meta.namespace === secretsNamespace && s.meta.name === ref && s.hasPassword,
              ),
            };
      peers.push({
        name: p.name,
        peerAddress,
        peerASN: p.peerASN,
        localAddress: oi?.peers.find((o) => o.name === p.name)?.localAddress,
        peerConfigRef: p.peerConfigRef,
        peerConfig: spec,
        auth,
      });
    }
    instances.push({
      name: inst.name,
      localASN,
      localPort: oi?.localPort ?? inst.localPort,
      routerID,
      routerIDSource,
      peers,
    });
  }
  return { clusterConfig: cc, instances };
}

/**
 * The CiliumBGPNodeConfig the operator would write for the node (undefined when no single
 * ClusterConfig owns it). `routerID` appears only when an override (or ip-pool mode) sets it:
 * otherwise the agent picks it, as {@link resolveNodeConfig} does.
 */
export function nodeConfigObject(
  cluster: Cluster,
  nodeName: string,
  opts: ResolveOptions & { readonly facts?: NodeView['facts'] } = {},
): Record<string, unknown> | undefined {
  const view = nodeView(cluster, nodeName, opts.facts);
  const status = operatorStatus(cluster, opts.secretsNamespace);
  if (!view) return undefined;
  const resolved = resolveNodeConfig(cluster, view, status, [], opts);
  if (!resolved) return undefined;
  const cc = resolved.clusterConfig;
  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumBGPNodeConfig',
    metadata: {
      name: nodeName,
      ownerReferences: [{ apiVersion: cc.apiVersion, kind: cc.kind, name: cc.meta.name }],
    },
    spec: {
      bgpInstances: resolved.instances.map((i) => ({
        name: i.name,
        localASN: i.localASN,
        ...(i.routerIDSource === 'override' || i.routerIDSource === 'ip-pool'
          ? { routerID: i.routerID }
          : {}),
        ...(i.localPort !== undefined ? { localPort: i.localPort } : {}),
        peers: i.peers.map((p) => ({
          name: p.name,
          peerAddress: p.peerAddress,
          peerASN: p.peerASN,
          ...(p.localAddress !== undefined ? { localAddress: p.localAddress } : {}),
          ...(p.peerConfigRef !== undefined ? { peerConfigRef: { name: p.peerConfigRef } } : {}),
        })),
      })),
    },
  };
}
