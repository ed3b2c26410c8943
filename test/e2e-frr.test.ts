/**
 * bgp-agent against FRR bgpd top-of-rack peers: every rendered prefix arrives with exactly the
 * rendered communities, large communities, LOCAL_PREF (iBGP only) and next hop, read back from
 * bgpd's `show bgp ipv4 unicast PREFIX json`; a YAML edit adds and withdraws exactly the difference.
 */
import { renderedRoutesSuite, type TorRoute } from './e2e-cluster.js';
import type { FrrDaemon } from './interop/harness/index.js';

const WELL_KNOWN: Readonly<Record<string, string>> = {
  'no-export': '65535:65281',
  'no-advertise': '65535:65282',
  'local-AS': '65535:65283',
  blackhole: '65535:666',
};

interface FrrPath {
  peer?: { peerId?: string };
  nexthops?: { ip?: string }[];
  community?: { string?: string };
  largeCommunity?: { string?: string };
  locPrf?: number;
  localpref?: number;
}

/** The attributes we check, from `show bgp ipv4 unicast PREFIX json` for each prefix. */
async function ribAt(d: FrrDaemon, from: string): Promise<Record<string, TorRoute>> {
  const table = JSON.parse(await d.vtysh('show bgp ipv4 unicast json')) as {
    routes?: Record<string, { peerId?: string }[]>;
  };
  const out: Record<string, TorRoute> = {};
  for (const [prefix, paths] of Object.entries(table.routes ?? {})) {
    if (!paths.some((p) => p.peerId === from)) continue;
    const detail = JSON.parse(await d.vtysh(`show bgp ipv4 unicast ${prefix} json`)) as {
      paths?: FrrPath[];
    };
    const p = detail.paths?.find((x) => x.peer?.peerId === from);
    if (!p) continue;
    const lp = p.localpref ?? p.locPrf;
    out[prefix] = {
      ...(p.nexthops?.[0]?.ip ? { nextHop: p.nexthops[0].ip } : {}),
      communities: (p.community?.string ?? '')
        .split(' ')
        .filter(Boolean)
        .map((c) => WELL_KNOWN[c] ?? c),
      largeCommunities: (p.largeCommunity?.string ?? '').split(' ').filter(Boolean),
      ...(lp !== undefined ? { localPref: lp } : {}),
    };
  }
  return out;
}

renderedRoutesSuite({
  kind: 'frr',
  label: 'FRR',
  ribAt,
  // bgpd reports LOCAL_PREF only when one was received: none from us over eBGP.
  ebgpLocalPref: undefined,
});
