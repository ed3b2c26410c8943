/**
 * Plain-text tables for `bgp-policy -o table`: presentation only, kept out of the model.
 *
 * @module
 */
import { formatWarning } from '../diagnostics.js';
import type { RenderedNode } from '../output.js';

/** Lays out rows under a header, columns padded to their widest cell. */
export function columns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Formats a rendered node as the sections an operator reads: peers, routes, LB-IPAM, conditions, problems. */
export function formatTable(r: RenderedNode): string {
  const out: string[] = [];
  out.push(`Node: ${r.node}  Source: ${r.source ? `${r.source.kind}/${r.source.name}` : '(none)'}`);
  out.push('');
  out.push(
    columns(
      [
        'Instance',
        'Local AS',
        'Router ID',
        'Local Port',
        'Peer',
        'Peer AS',
        'Peer Address',
        'Session',
        'Hold/Keepalive/ConnectRetry',
        'GR',
        'Families',
      ],
      r.instances.flatMap((i) =>
        i.peers.map((p) => [
          i.name,
          String(i.localASN),
          i.routerID,
          i.localPort === null ? '-' : String(i.localPort),
          p.name,
          String(p.peerASN),
          `${p.peerAddress}:${p.peerPort}`,
          p.session,
          `${p.timers.holdTimeSeconds}/${p.timers.keepAliveTimeSeconds}/${p.timers.connectRetryTimeSeconds}`,
          p.gracefulRestart.enabled ? `${p.gracefulRestart.restartTimeSeconds}s` : 'off',
          p.families.map((f) => `${f.afi}/${f.safi}`).join(','),
        ]),
      ),
    ),
  );
  out.push('');
  out.push(
    columns(
      ['Peer', 'Family', 'Prefix', 'Communities', 'Large Communities', 'LocalPref', 'Origin'],
      r.instances.flatMap((i) =>
        i.peers.flatMap((p) =>
          p.families.flatMap((f) =>
            f.routes.map((rt) => [
              `${i.name}/${p.name}`,
              `${f.afi}/${f.safi}`,
              rt.prefix,
              rt.attributes.communities.join(',') || '-',
              rt.attributes.largeCommunities.join(',') || '-',
              rt.attributes.localPref === undefined ? '-' : String(rt.attributes.localPref),
              rt.attributes.origin,
            ]),
          ),
        ),
      ),
    ),
  );
  out.push('');
  out.push(
    columns(
      ['Namespace', 'Service', 'LB IPs', 'Pools', 'Sharing Key'],
      r.lbipam.allocations.map((a) => [
        a.namespace,
        a.service,
        a.ips.join(',') || '-',
        a.pools.join(',') || '-',
        a.sharingKey ?? '-',
      ]),
    ),
  );
  out.push('');
  out.push(
    columns(
      ['Object', 'Condition', 'Status', 'Reason', 'Message'],
      r.conditions.map((c) => [c.object, c.type, c.status, c.reason, c.message]),
    ),
  );
  if (r.errors.length > 0) out.push('', 'Errors:', ...r.errors.map((e) => `  ${e.message}`));
  if (r.warnings.length > 0)
    out.push('', 'Warnings:', ...r.warnings.map((w) => `  ${formatWarning(w)}`));
  return `${out.join('\n')}\n`;
}
