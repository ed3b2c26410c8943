/**
 * From a rendered node (`@bgp/policy`) to what the {@link Speaker} runs: instances, peers with
 * their session settings, the prefixes each instance originates, and per peer and family the
 * routes with their attributes, which the peer's export hook hands out.
 *
 * This is Cilium's model on GoBGP: locally originated paths in the instance's Loc-RIB, and per
 * peer an export policy that accepts exactly the rendered prefixes and sets their communities
 * and LOCAL_PREF; everything else is rejected.
 *
 * @module
 */
import type { RenderedNode } from '@bgp/policy';
import { formatPrefix, parsePrefix } from '@bgp/wire';
import { parseAfiName, type RouteAttributesInput } from '../attributes.js';
import type { ExportHook, InstanceConfig, PeerConfig, SpeakerFamily } from '../types.js';

/** The routes one peer gets: prefix text to attributes. */
export type PeerRoutes = ReadonlyMap<string, RouteAttributesInput>;

/** One peer of a plan. */
export interface PlannedPeer {
  /** Session settings (without the export hook). */
  readonly config: PeerConfig;
  /** Routes to advertise, with their attributes. */
  readonly routes: PeerRoutes;
  /** Rendered route sources per prefix (for `bgp route-policies`). */
  readonly sources: ReadonlyMap<string, readonly string[]>;
}

/** One instance of a plan. */
export interface PlannedInstance {
  /** Instance settings. */
  readonly config: InstanceConfig;
  /** Peers by address. */
  readonly peers: ReadonlyMap<string, PlannedPeer>;
  /** Prefixes to originate (union over the peers). */
  readonly originate: ReadonlySet<string>;
}

/** Options of {@link planFromRender}. */
export interface PlanOptions {
  /** Next hop to send to every peer instead of the session's local address. */
  readonly nextHop?: { readonly ipv4?: string; readonly ipv6?: string };
  /** The TCP-MD5 password an `authSecretRef` names (`''` when the Secret or key is missing). */
  readonly passwordFor?: (secretRef: string) => string;
}

/** Builds the plan of a rendered node; problems go to `warnings`. */
export function planFromRender(
  node: RenderedNode,
  warnings: string[],
  options: PlanOptions = {},
): PlannedInstance[] {
  const out: PlannedInstance[] = [];
  for (const inst of node.instances) {
    const peers = new Map<string, PlannedPeer>();
    const originate = new Set<string>();
    for (const p of inst.peers) {
      if (p.peerAddress === '') continue;
      if (peers.has(p.peerAddress)) {
        warnings.push(
          `instance ${inst.name}: peer ${p.name} repeats address ${p.peerAddress}; ignored`,
        );
        continue;
      }
      // Cilium brings the session up with an empty password (no TCP-MD5) when the Secret or its
      // key is missing, and says so; the MissingAuthSecret condition is reported by the render.
      const password = p.auth ? (options.passwordFor?.(p.auth.secretRef) ?? '') : '';
      if (p.auth && password === '')
        warnings.push(
          `instance ${inst.name}: peer ${p.name}: Secret ${p.auth.secretRef} has no password; continuing with empty password`,
        );
      const families: SpeakerFamily[] = [];
      const routes = new Map<string, RouteAttributesInput>();
      const sources = new Map<string, readonly string[]>();
      for (const f of p.families) {
        const afi = parseAfiName(f.afi);
        if (afi === undefined || f.safi !== 'unicast') {
          warnings.push(
            `instance ${inst.name}: peer ${p.name}: family ${f.afi}/${f.safi} is not supported; skipped`,
          );
          continue;
        }
        families.push({ afi, safi: 1 });
        for (const r of f.routes) {
          const key = formatPrefix(parsePrefix(r.prefix));
          routes.set(key, {
            origin: r.attributes.origin,
            communities: r.attributes.communities,
            largeCommunities: r.attributes.largeCommunities,
            ...(r.attributes.localPref !== undefined ? { localPref: r.attributes.localPref } : {}),
          });
          sources.set(key, r.sources);
          originate.add(key);
        }
      }
      const config: PeerConfig = {
        name: p.name,
        address: p.peerAddress,
        port: p.peerPort,
        asn: p.peerASN,
        ...(p.localAddress !== null ? { localAddress: p.localAddress } : {}),
        families,
        holdTime: p.timers.holdTimeSeconds,
        keepaliveTime: p.timers.keepAliveTimeSeconds,
        connectRetryTime: p.timers.connectRetryTimeSeconds,
        ...(p.gracefulRestart.enabled
          ? { gracefulRestart: { restartTime: p.gracefulRestart.restartTimeSeconds } }
          : {}),
        ...(p.ebgpMultihop !== null && p.ebgpMultihop > 1 ? { ttl: p.ebgpMultihop } : {}),
        ...(options.nextHop ? { nextHop: options.nextHop } : {}),
        ...(password !== '' ? { password } : {}),
      };
      peers.set(p.peerAddress, { config, routes, sources });
    }
    out.push({
      config: {
        name: inst.name,
        asn: inst.localASN,
        routerId: inst.routerID,
        ...(inst.localPort !== null ? { listen: { port: inst.localPort } } : {}),
      },
      peers,
      originate,
    });
  }
  return out;
}

/** The export hook of a planned peer: exactly its rendered routes with their attributes. */
export function exportHookFor(routes: PeerRoutes): ExportHook {
  return (route) => {
    if (route.source.kind !== 'local') return null;
    return routes.get(formatPrefix(route.prefix)) ?? null;
  };
}
