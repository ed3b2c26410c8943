import { formatAddress, parseAddress, parsePrefix } from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { MemorySink } from '../src/datapath.js';
import { DatapathFeeder, prefixRouteId } from '../src/datapath-feeder.js';
import { Rib } from '../src/rib.js';
import { asSequence, routeAttributes } from '../src/route-attributes.js';

function setup(multipath: boolean): { rib: Rib; a: number; b: number } {
  const rib = new Rib({
    localAsn: 65000,
    routerId: 1,
    ...(multipath ? { multipath: { maxPaths: 8 } } : {}),
  });
  const a = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 2 });
  const b = rib.addPeer({ address: '192.0.2.2', asn: 65001, bgpIdentifier: 3 });
  return { rib, a, b };
}
const attrs = (nh: string) =>
  routeAttributes({ asPath: asSequence(65001, 9), nextHop: parseAddress(nh) });
const P = parsePrefix('10.0.0.0/8');

describe('DatapathFeeder', () => {
  it('turns change batches into upserts and removals for attached sinks', async () => {
    const { rib, a } = setup(false);
    const feeder = new DatapathFeeder(rib);
    const sink = new MemorySink();
    feeder.attach(sink);
    rib.announce(a, P, attrs('192.0.2.1'));
    rib.announce(a, parsePrefix('2001:db8::/32'), attrs('2001:db8::1'));
    rib.flush();
    await feeder.idle();
    const snap = await sink.snapshot();
    expect([...snap.keys()].sort()).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    expect(snap.get('10.0.0.0/8')).toEqual(sink.encode(feeder.route(P)!));
    rib.withdraw(a, P);
    rib.flush();
    await feeder.idle();
    expect([...(await sink.snapshot()).keys()]).toEqual(['2001:db8::/32']);
  });

  it('with multipath on, a route carries the ECMP next hops', () => {
    const { rib, a, b } = setup(true);
    rib.announce(a, P, attrs('192.0.2.1'));
    rib.announce(b, P, attrs('192.0.2.2'));
    const feeder = new DatapathFeeder(rib);
    const changes = feeder.changesFor(rib.flush());
    expect(changes).toHaveLength(1);
    const c = changes[0]!;
    expect(c.op).toBe('upsert');
    if (c.op !== 'upsert') return;
    expect(c.route.nextHops.map(formatAddress)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(c.route.routeId).toBe(prefixRouteId(P));
    // Without multipath, only the best path's next hop.
    const single = setup(false);
    single.rib.announce(single.a, P, attrs('192.0.2.1'));
    single.rib.announce(single.b, P, attrs('192.0.2.2'));
    expect(new DatapathFeeder(single.rib).route(P)?.nextHops.map(formatAddress)).toEqual([
      '192.0.2.1',
    ]);
  });

  it('attaching reconciles a drifted sink to the full desired set', async () => {
    const { rib, a } = setup(false);
    for (let i = 0; i < 100; i++)
      rib.announce(a, parsePrefix(`10.${i}.0.0/16`), attrs('192.0.2.1'));
    rib.flush();
    const sink = new MemorySink();
    sink.corrupt('203.0.113.0/24', new Uint8Array(21));
    const feeder = new DatapathFeeder(rib);
    expect([...feeder.desired()]).toHaveLength(100);
    feeder.attach(sink);
    await feeder.idle();
    const snap = await sink.snapshot();
    expect(snap.size).toBe(100);
    expect(snap.has('203.0.113.0/24')).toBe(false);
    feeder.detach();
  });
});
