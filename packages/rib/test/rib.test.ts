import { formatPrefix, type Prefix, parseAddress, parsePrefix } from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttributeStore } from '../src/attribute-store.js';
import type { PeerConfig } from '../src/peer.js';
import { Rib } from '../src/rib.js';
import { asSequence, type RouteAttributes, routeAttributes } from '../src/route-attributes.js';

const LOCAL_AS = 65000;
const PREFIXES = [
  '10.0.0.0/8',
  '10.0.0.0/16',
  '192.0.2.0/24',
  '0.0.0.0/0',
  '2001:db8::/32',
  '2001:db8:1::/48',
];
const PEERS: PeerConfig[] = [
  { address: '192.0.2.1', asn: 65001, bgpIdentifier: 30 },
  { address: '192.0.2.2', asn: 65002, bgpIdentifier: 20, addPathReceive: [1, 2] },
  { address: '198.51.100.1', asn: LOCAL_AS, bgpIdentifier: 10 },
];
// Every path starts with AS 100, so MED is always comparable and the naive model below can use
// one lexicographic key.
const POOL: RouteAttributes[] = [
  routeAttributes({ asPath: asSequence(100), nextHop: parseAddress('192.0.2.1') }),
  routeAttributes({ asPath: asSequence(100, 200), med: 5, nextHop: parseAddress('192.0.2.2') }),
  routeAttributes({ asPath: asSequence(100), med: 7, nextHop: parseAddress('192.0.2.3') }),
  routeAttributes({ asPath: asSequence(100), localPref: 300, nextHop: parseAddress('192.0.2.4') }),
  routeAttributes({
    asPath: asSequence(100),
    origin: 2,
    communities: [1],
    nextHop: parseAddress('2001:db8::1'),
  }),
];

type Op =
  | { kind: 'announce'; peer: number; prefix: number; pathId: number; attrs: number }
  | { kind: 'withdraw'; peer: number; prefix: number; pathId: number }
  | { kind: 'down'; peer: number }
  | { kind: 'stale'; peer: number }
  | { kind: 'sweep'; peer: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('announce' as const),
      peer: fc.nat(2),
      prefix: fc.nat(PREFIXES.length - 1),
      pathId: fc.nat(2),
      attrs: fc.nat(POOL.length - 1),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      peer: fc.nat(2),
      prefix: fc.nat(PREFIXES.length - 1),
      pathId: fc.nat(2),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('down' as const), peer: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('stale' as const), peer: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('sweep' as const), peer: fc.nat(2) }), weight: 1 },
);

/** The reference: a plain map of paths and a plain best-path rule (a total order for POOL). */
class Model {
  readonly paths = new Map<
    string,
    { peer: number; prefix: number; pathId: number; attrs: number; stale: boolean }
  >();
  apply(op: Op): void {
    const effPath = (peer: number, pathId: number): number =>
      PEERS[peer]!.addPathReceive ? pathId : 0;
    switch (op.kind) {
      case 'announce': {
        const pathId = effPath(op.peer, op.pathId);
        this.paths.set(`${op.peer}|${op.prefix}|${pathId}`, { ...op, pathId, stale: false });
        break;
      }
      case 'withdraw':
        this.paths.delete(`${op.peer}|${op.prefix}|${effPath(op.peer, op.pathId)}`);
        break;
      case 'down':
        for (const [k, p] of this.paths) if (p.peer === op.peer) this.paths.delete(k);
        break;
      case 'stale':
        for (const p of this.paths.values()) if (p.peer === op.peer) p.stale = true;
        break;
      case 'sweep':
        for (const [k, p] of this.paths) if (p.peer === op.peer && p.stale) this.paths.delete(k);
        break;
    }
  }
  best(prefix: number): { peer: number; pathId: number; attrs: number } | undefined {
    const key = (p: { peer: number; pathId: number; attrs: number }): number[] => {
      const a = POOL[p.attrs]!;
      const cfg = PEERS[p.peer]!;
      const ibgp = cfg.asn === LOCAL_AS;
      const addr = parseAddress(String(cfg.address));
      return [
        -(a.localPref ?? 100),
        a.asPath[0]!.asns.length,
        a.origin,
        a.med ?? 0,
        ibgp ? 1 : 0,
        cfg.bgpIdentifier,
        0,
        (addr[0]! << 24) + (addr[1]! << 16) + (addr[2]! << 8) + addr[3]!,
        p.pathId,
      ];
    };
    const cands = [...this.paths.values()].filter((p) => p.prefix === prefix);
    cands.sort((x, y) => {
      const kx = key(x);
      const ky = key(y);
      for (let i = 0; i < kx.length; i++) if (kx[i] !== ky[i]) return kx[i]! - ky[i]!;
      return 0;
    });
    return cands[0];
  }
}

/** `expected`: pre-size every table for that many routes (must not change any result). */
function build(expected?: number): { rib: Rib; ids: number[] } {
  if (expected === undefined) {
    const rib = new Rib({ localAsn: LOCAL_AS, routerId: 1 });
    return { rib, ids: PEERS.map((p) => rib.addPeer(p)) };
  }
  const sizes = { ipv4: expected, ipv6: expected };
  const rib = new Rib({ localAsn: LOCAL_AS, routerId: 1, expectedRoutes: sizes });
  return { rib, ids: PEERS.map((p) => rib.addPeer({ ...p, expectedRoutes: sizes })) };
}

function applyOp(rib: Rib, ids: number[], op: Op): void {
  const peer = ids[op.peer]!;
  switch (op.kind) {
    case 'announce':
      rib.announce(peer, parsePrefix(PREFIXES[op.prefix]!), POOL[op.attrs]!, op.pathId);
      break;
    case 'withdraw':
      rib.withdraw(peer, parsePrefix(PREFIXES[op.prefix]!), op.pathId);
      break;
    case 'down':
      rib.peerDown(peer);
      break;
    case 'stale':
      rib.markStale(peer, [1, 2]);
      break;
    case 'sweep':
      rib.sweepStale(peer, 1);
      rib.sweepStale(peer, 2);
      break;
  }
}

describe('Rib', () => {
  it('property: after any sequence of announcements and withdrawals the RIB equals a naive model', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.option(fc.constantFrom(0, 3, 20, 5000), { nil: undefined }),
        (ops, flushEvery, expected) => {
          const { rib, ids } = build(expected);
          const model = new Model();
          const seen = new Map<string, string>(); // prefix text -> "peer|pathId|attrs" from change batches
          const key = (peer: number, pathId: number, attrs: RouteAttributes): string =>
            `${peer}|${pathId}|${POOL.indexOf(attrs)}`;
          ops.forEach((op, i) => {
            applyOp(rib, ids, op);
            model.apply(op);
            if (i % flushEvery === 0) {
              for (const c of rib.flush()) {
                const t = formatPrefix(c.prefix);
                if (c.best)
                  seen.set(t, key(c.best.peer.id - 1, c.best.pathId, c.best.attributes.attributes));
                else seen.delete(t);
              }
            }
          });
          for (const c of rib.flush()) {
            const t = formatPrefix(c.prefix);
            if (c.best)
              seen.set(t, key(c.best.peer.id - 1, c.best.pathId, c.best.attributes.attributes));
            else seen.delete(t);
          }
          // Adj-RIB-In per peer.
          for (let p = 0; p < PEERS.length; p++) {
            const got = [1, 2]
              .flatMap((afi) => [...rib.adjRibIn(ids[p]!, afi)])
              .map(
                (e) =>
                  `${PREFIXES.indexOf(formatPrefix(e.prefix))}|${e.route.pathId}|${POOL.indexOf(e.route.attributes.attributes)}|${e.route.stale}`,
              )
              .sort();
            const want = [...model.paths.values()]
              .filter((m) => m.peer === p)
              .map((m) => `${m.prefix}|${m.pathId}|${m.attrs}|${m.stale}`)
              .sort();
            expect(got).toEqual(want);
          }
          // Loc-RIB best paths, both as queried and as the change batches reported them.
          for (let i = 0; i < PREFIXES.length; i++) {
            const want = model.best(i);
            const got = rib.best(parsePrefix(PREFIXES[i]!));
            const wantKey = want ? `${want.peer}|${want.pathId}|${want.attrs}` : undefined;
            const gotKey = got
              ? key(got.peer.id - 1, got.pathId, got.attributes.attributes)
              : undefined;
            expect(gotKey).toBe(wantKey);
            expect(seen.get(formatPrefix(parsePrefix(PREFIXES[i]!)))).toBe(wantKey);
          }
          expect(rib.pathCount).toBe(model.paths.size);
          // Interning: one set per distinct attributes in use, and none once everything is gone.
          const inUse = new Set([...model.paths.values()].map((m) => m.attrs));
          expect(rib.attributes.size).toBe(inUse.size);
          for (const p of ids) rib.peerDown(p);
          rib.flush();
          expect(rib.attributes.size).toBe(0);
          expect(rib.pathCount).toBe(0);
          expect(rib.prefixCount(1) + rib.prefixCount(2)).toBe(0);
        },
      ),
    );
  });

  it('property: the best path does not depend on the order routes arrive or are withdrawn', () => {
    const routeArb = fc.record({
      peer: fc.nat(5),
      prefix: fc.nat(2),
      asns: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      med: fc.option(fc.nat(3), { nil: undefined }),
      localPref: fc.option(fc.constantFrom(100, 200), { nil: undefined }),
      origin: fc.constantFrom(0, 1, 2),
    });
    const peers: PeerConfig[] = [0, 1, 2, 3, 4, 5].map((i) => ({
      address: `192.0.2.${10 - i}`,
      asn: i < 2 ? LOCAL_AS : 65100 + i,
      bgpIdentifier: (i * 7) % 5,
    }));
    fc.assert(
      fc.property(
        fc.array(routeArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        (routes, shuffle, churn) => {
          const unique = new Map(routes.map((r) => [`${r.peer}|${r.prefix}`, r]));
          const list = [...unique.values()];
          const run = (order: typeof list, withChurn: boolean): string[] => {
            const rib = new Rib({ localAsn: LOCAL_AS, routerId: 99 });
            const ids = peers.map((p) => rib.addPeer(p));
            const prefix = (i: number): Prefix => parsePrefix(`10.${i}.0.0/16`);
            const attrs = (r: (typeof list)[number]): RouteAttributes =>
              routeAttributes({
                asPath: asSequence(...r.asns),
                origin: r.origin as 0 | 1 | 2,
                ...(r.med !== undefined ? { med: r.med } : {}),
                ...(r.localPref !== undefined ? { localPref: r.localPref } : {}),
                nextHop: parseAddress('192.0.2.200'),
              });
            order.forEach((r, i) => {
              rib.announce(ids[r.peer]!, prefix(r.prefix), attrs(r));
              // Withdraw and re-announce some routes on the way: the end state is the same.
              if (withChurn && churn[i]) {
                rib.withdraw(ids[r.peer]!, prefix(r.prefix));
                rib.flush();
              }
            });
            if (withChurn)
              order.forEach((r, i) => {
                if (churn[i]) rib.announce(ids[r.peer]!, prefix(r.prefix), attrs(r));
              });
            return [0, 1, 2].map((i) => {
              const b = rib.best(prefix(i));
              return b ? `${b.peer.id}` : '-';
            });
          };
          const shuffled = list
            .map((r, i) => [shuffle[i % shuffle.length]!, r] as const)
            .sort((x, y) => x[0] - y[0])
            .map(([, r]) => r);
          expect(run(shuffled, true)).toEqual(run(list, false));
          expect(run([...list].reverse(), false)).toEqual(run(list, false));
        },
      ),
    );
  });

  it('graceful restart: stale paths survive until swept, re-announced ones are kept', () => {
    const { rib, ids } = build();
    const a = ids[0]!;
    rib.announce(a, parsePrefix('10.0.0.0/8'), POOL[0]!);
    rib.announce(a, parsePrefix('10.0.0.0/16'), POOL[0]!);
    rib.announce(a, parsePrefix('2001:db8::/32'), POOL[4]!);
    rib.flush();
    expect(rib.markStale(a, [1])).toBe(2);
    expect(rib.best(parsePrefix('10.0.0.0/8'))?.stale).toBe(true);
    expect(rib.best(parsePrefix('2001:db8::/32'))?.stale).toBe(false);
    rib.announce(a, parsePrefix('10.0.0.0/8'), POOL[0]!); // refreshed after the restart
    expect(rib.sweepStale(a, 1)).toBe(1); // End-of-RIB for IPv4
    expect(rib.best(parsePrefix('10.0.0.0/8'))?.stale).toBe(false);
    expect(rib.best(parsePrefix('10.0.0.0/16'))).toBeUndefined();
    expect(rib.best(parsePrefix('2001:db8::/32'))).toBeDefined();
    const changes = rib.flush().map((c) => [formatPrefix(c.prefix), c.best !== undefined]);
    expect(changes).toContainEqual(['10.0.0.0/16', false]);
  });

  it('next hop reachability changes re-run the decision', () => {
    let down = false;
    const rib = new Rib(
      { localAsn: LOCAL_AS, routerId: 1 },
      { nextHopResolver: (nh) => (down && nh[3] === 1 ? undefined : 1) },
    );
    const a = rib.addPeer(PEERS[0]!);
    const b = rib.addPeer({ ...PEERS[1]!, addPathReceive: [] });
    const p = parsePrefix('10.0.0.0/8');
    rib.announce(a, p, POOL[0]!); // next hop .1, shorter path
    rib.announce(b, p, POOL[1]!); // next hop .2
    expect(rib.best(p)?.peer.id).toBe(a);
    down = true;
    rib.nextHopsChanged();
    expect(rib.best(p)?.peer.id).toBe(b);
    expect(rib.explain(p).candidates.find((c) => !c.best)?.ineligible).toBe('next-hop-unreachable');
  });

  it('RIBs sharing an attribute store keep their own next-hop reachability of each set', () => {
    const store = new AttributeStore();
    const unreachable = new Rib(
      { localAsn: LOCAL_AS, routerId: 1 },
      { attributeStore: store, nextHopResolver: () => undefined },
    );
    const reachable = new Rib(
      { localAsn: LOCAL_AS, routerId: 1 },
      { attributeStore: store, nextHopResolver: () => 5 },
    );
    const p = parsePrefix('10.0.0.0/8');
    for (let round = 0; round < 2; round++) {
      for (const rib of [unreachable, reachable]) rib.announce(rib.addPeer(PEERS[0]!), p, POOL[0]!);
      expect(unreachable.best(p)).toBeUndefined();
      expect(reachable.best(p)?.attributes.id).toBe(store.intern(POOL[0]!).id);
      expect(unreachable.explain(p).candidates[0]?.ineligible).toBe('next-hop-unreachable');
    }
  });

  it('locally originated routes enter through the same path and win as eBGP does over iBGP', () => {
    const { rib, ids } = build();
    const p = parsePrefix('192.0.2.0/24');
    rib.announce(ids[2]!, p, POOL[0]!);
    rib.announce(0, p, POOL[0]!);
    expect(rib.best(p)?.peer.kind).toBe('local');
    expect(rib.explain(p).candidates[1]?.lostAt).toBe('ebgp-over-ibgp');
  });

  it('expectedRoutes pre-sizes the Loc-RIB and the path records of every feed', () => {
    const plain = new Rib({ localAsn: LOCAL_AS, routerId: 1 });
    const sized = new Rib({ localAsn: LOCAL_AS, routerId: 1, expectedRoutes: { ipv4: 100_000 } });
    // Loc-RIB keys (2 words + 4-byte value per slot) and 100k path records (prefix key 8 bytes,
    // 11 more without ADD-PATH path ids).
    expect(sized.storageBytes - plain.storageBytes).toBeGreaterThan(100_000 * 12 + 100_000 * 19);
    const before = sized.storageBytes;
    // The first feed fits the records the Loc-RIB sizing made; a second full feed adds room.
    const p = sized.addPeer({ ...PEERS[0]!, expectedRoutes: { ipv4: 100_000 } });
    expect(sized.storageBytes).toBe(before);
    const q = sized.addPeer({ ...PEERS[1]!, expectedRoutes: { ipv4: 100_000 } });
    const second = sized.storageBytes - before;
    expect(second).toBeGreaterThanOrEqual(100_000 * 19);
    const attrs = POOL[0]!;
    const load = (peer: number): void => {
      for (let i = 0; i < 100_000; i++)
        sized.announce(
          peer,
          { afi: 1, length: 32, address: Uint8Array.of(10, i >> 16, (i >> 8) & 255, i & 255) },
          attrs,
        );
      sized.flush();
    };
    load(p);
    load(q);
    // Nothing grew: the tables were big enough from the start.
    expect(sized.storageBytes).toBe(before + second);
    expect(sized.prefixCount(1)).toBe(100_000);
    expect(sized.pathCount).toBe(200_000);
    expect(sized.adjRibInCount(p, 1)).toBe(100_000);
    // A peer down frees records for reuse without shrinking anything.
    sized.peerDown(p);
    sized.flush();
    expect(sized.adjRibInCount(p, 1)).toBe(0);
    expect(sized.pathCount).toBe(100_000);
    expect(sized.storageBytes).toBe(before + second);
    load(p);
    expect(sized.storageBytes).toBe(before + second);
  });
});
