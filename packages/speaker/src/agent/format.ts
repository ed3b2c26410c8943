/**
 * Tables for `bgp` and the demo, shaped like Cilium's (`cilium bgp peers`, `cilium bgp routes`).
 * Presentation lives here, apart from the status types.
 *
 * @module
 */
import Table from 'cli-table3';
import type { AdvertisedStatus, ExplainedRoute, PeerStatus, RouteStatus } from '../types.js';
import type { AgentStatus, RoutePolicyEntry } from './agent.js';

const PLAIN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: '  ',
  },
  style: { head: [] as string[], border: [] as string[], 'padding-left': 0, 'padding-right': 0 },
};

function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, ...PLAIN });
  for (const r of rows) t.push(r.map(String));
  return t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** `1h2m3s` like Cilium's uptime column. */
export function formatUptime(seconds: number): string {
  if (seconds <= 0) return '0s';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}

/** `Node  Local AS  Peer AS  Peer Address  Session State  Uptime  Family  Received  Advertised`. */
export function peersTable(node: string, peers: readonly PeerStatus[]): string {
  const rows: (string | number)[][] = [];
  for (const p of peers) {
    const fams =
      p.families.length > 0 ? p.families : [{ afi: '', safi: '', received: 0, advertised: 0 }];
    fams.forEach((f, i) => {
      const family = f.afi ? `${f.afi}/${f.safi}` : '';
      rows.push(
        i === 0
          ? [
              node,
              p.localASN,
              p.peerASN,
              `${p.peerAddress}:${p.peerPort}`,
              p.sessionState.toLowerCase(),
              formatUptime(p.uptimeSeconds),
              family,
              f.received,
              f.advertised,
            ]
          : ['', '', '', '', '', '', family, f.received, f.advertised],
      );
    });
  }
  return table(
    [
      'Node',
      'Local AS',
      'Peer AS',
      'Peer Address',
      'Session State',
      'Uptime',
      'Family',
      'Received',
      'Advertised',
    ],
    rows,
  );
}

/** Attributes the way Cilium prints them (GoBGP's strings). */
export function formatAttributes(a: RouteStatus['attributes']): string {
  const parts = [`{Origin: ${a.origin === 'IGP' ? 'i' : a.origin === 'EGP' ? 'e' : '?'}}`];
  if (a.asPath.length > 0) parts.push(`{AsPath: ${a.asPath.join(' ')}}`);
  if (a.nextHop) parts.push(`{Nexthop: ${a.nextHop}}`);
  if (a.med !== undefined) parts.push(`{Med: ${a.med}}`);
  if (a.localPref !== undefined) parts.push(`{LocalPref: ${a.localPref}}`);
  if (a.communities.length > 0)
    parts.push(`{Communities: ${a.communities.map(communityName).join(', ')}}`);
  if (a.largeCommunities.length > 0)
    parts.push(`{LargeCommunity: [ ${a.largeCommunities.join(', ')}]}`);
  return `[${parts.join(' ')}]`;
}

const WELL_KNOWN: Readonly<Record<string, string>> = {
  '65535:65281': 'no-export',
  '65535:65282': 'no-advertise',
  '65535:65283': 'no-export-subconfed',
  '65535:65284': 'no-peer',
  '65535:666': 'blackhole',
};

/** A community, by its well-known name when it has one. */
export function communityName(c: string): string {
  return WELL_KNOWN[c] ?? c;
}

/** `Node  VRouter  Prefix  NextHop  Best  Attrs` (routes available). */
export function availableTable(
  node: string,
  routes: readonly RouteStatus[],
  vrouter: (instance: string) => string,
): string {
  return table(
    ['Node', 'VRouter', 'Prefix', 'NextHop', 'Peer', 'Best', 'Attrs'],
    routes.map((r) => [
      node,
      vrouter(r.instance),
      r.prefix,
      r.nextHop ?? '0.0.0.0',
      r.peer ?? 'local',
      r.best ? '*' : '',
      formatAttributes(r.attributes),
    ]),
  );
}

/** `Node  VRouter  Peer  Prefix  NextHop  Attrs` (routes advertised). */
export function advertisedTable(
  node: string,
  peers: readonly AdvertisedStatus[],
  vrouter: (instance: string) => string,
): string {
  const rows: (string | number)[][] = [];
  for (const p of peers)
    for (const r of p.routes)
      rows.push([
        node,
        vrouter(p.instance),
        p.peerAddress,
        r.prefix,
        r.nextHop ?? '',
        formatAttributes(r.attributes),
      ]);
  return table(['Node', 'VRouter', 'Peer', 'Prefix', 'NextHop', 'Attrs'], rows);
}

/** `VRouter  Peer  Prefix  Path Actions  Sources` (route policies). */
export function routePoliciesTable(entries: readonly RoutePolicyEntry[]): string {
  return table(
    ['Instance', 'Peer', 'Match Prefix', 'Path Actions', 'Sources'],
    entries.map((e) => {
      const a = e.attributes as {
        communities?: string[];
        largeCommunities?: string[];
        localPref?: number;
      };
      const actions = [
        ...(a.localPref !== undefined ? [`SetLocalPreference: ${a.localPref}`] : []),
        ...(a.communities?.length ? [`AddCommunities: [${a.communities.join(' ')}]`] : []),
        ...(a.largeCommunities?.length
          ? [`AddLargeCommunities: [${a.largeCommunities.join(' ')}]`]
          : []),
      ];
      return [
        e.instance,
        `${e.peer} (${e.peerAddress})`,
        e.prefix,
        actions.join(', '),
        e.sources.join(' '),
      ];
    }),
  );
}

/** Best-path explanation. */
export function explainTable(routes: readonly ExplainedRoute[]): string {
  if (routes.length === 0) return 'no path for this prefix';
  return table(
    ['Instance', 'Prefix', 'From', 'Best', 'Lost At', 'Attrs'],
    routes.map((r) => [
      r.instance,
      r.prefix,
      r.peer ?? 'local',
      r.best ? '*' : '',
      r.lostAt ?? '',
      formatAttributes(r.attributes),
    ]),
  );
}

/** `bgp status`. */
export function statusText(s: AgentStatus): string {
  const lines = [
    `Node:        ${s.node}`,
    `Configured:  ${s.source ? `${s.source.kind}/${s.source.name}` : 'no BGP configuration for this node'}`,
    `Files:       ${s.files.join(', ')}`,
    `Reconciles:  ${s.reconciles.total} (${s.reconciles.failed} failed), last ${s.reconciles.lastAt ?? 'never'}`,
  ];
  for (const i of s.instances)
    lines.push(
      `Instance:    ${i.name} AS ${i.localASN} router ID ${i.routerID}, ${i.peers} peer(s)`,
    );
  if (s.conditions.length > 0) {
    lines.push('Conditions:');
    for (const c of s.conditions)
      lines.push(`  ${c.object} ${c.type}=${c.status} (${c.reason}): ${c.message}`);
  }
  if (s.errors.length > 0) {
    lines.push('Errors (running configuration kept):');
    for (const e of s.errors) lines.push(`  ${e}`);
  }
  if (s.warnings.length > 0) {
    lines.push('Warnings:');
    for (const w of s.warnings) lines.push(`  ${w}`);
  }
  return lines.join('\n');
}
