/**
 * bgp-agent against BIRD 2 top-of-rack peers: every rendered prefix arrives with exactly the
 * rendered communities, large communities, LOCAL_PREF (iBGP only) and next hop, read back from
 * `birdc show route all`; a YAML edit adds and withdraws exactly the difference.
 */
import { renderedRoutesSuite, type TorRoute } from './e2e-cluster.js';
import type { BirdDaemon } from './interop/harness/index.js';

/** Parses the attributes we check out of `birdc show route all protocol NAME`. */
async function ribAt(d: BirdDaemon, from: string): Promise<Record<string, TorRoute>> {
  const text = await d.birdc('show', 'route', 'all', 'protocol', d.protocolName(from));
  const out: Record<string, TorRoute> = {};
  let cur: TorRoute | undefined;
  for (const line of text.split('\n')) {
    const head = /^(\d+\.\d+\.\d+\.\d+\/\d+)\s/.exec(line);
    if (head?.[1]) {
      cur = { communities: [], largeCommunities: [] };
      out[head[1]] = cur;
      continue;
    }
    if (!cur) continue;
    const m = /^\s*BGP\.(\w+):\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, key, value = ''] = m;
    if (key === 'next_hop') cur.nextHop = value.split(/\s+/)[0];
    else if (key === 'local_pref') cur.localPref = Number(value);
    else if (key === 'community')
      cur.communities = [...value.matchAll(/\((\d+),\s*(\d+)\)/g)].map((x) => `${x[1]}:${x[2]}`);
    else if (key === 'large_community')
      cur.largeCommunities = [...value.matchAll(/\((\d+),\s*(\d+),\s*(\d+)\)/g)].map(
        (x) => `${x[1]}:${x[2]}:${x[3]}`,
      );
  }
  return out;
}

renderedRoutesSuite({
  kind: 'bird',
  label: 'BIRD',
  ribAt,
  // BIRD gives eBGP routes its default LOCAL_PREF 100 on import, whether or not one was sent
  // (the gobgpd test checks that none is).
  ebgpLocalPref: 100,
});
