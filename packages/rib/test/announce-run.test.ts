/**
 * `Rib.announceIpv4Run` (an UPDATE's IPv4 prefixes handed over together) against one
 * `announceIpv4` per prefix, and the "fresh" batches a table load flushes without reading the
 * Loc-RIB table again.
 */
import { formatPrefix, parseAddress } from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LocRibChange, Rib } from '../src/rib.js';
import { asSequence, routeAttributes } from '../src/route-attributes.js';

const SETS = [
  routeAttributes({ asPath: asSequence(65001), nextHop: parseAddress('192.0.2.1') }),
  routeAttributes({ asPath: asSequence(65001, 7), nextHop: parseAddress('192.0.2.1') }),
  routeAttributes({ asPath: asSequence(65002), med: 5, nextHop: parseAddress('192.0.2.2') }),
];

/** Prefix number `i` as a /24 (enough of them that the Loc-RIB table grows within a batch). */
const address = (i: number): number => (0x0a000000 + i * 256) >>> 0;

type Op =
  | { kind: 'run'; peer: number; set: number; prefixes: number[]; pathIds: number[] }
  | { kind: 'withdraw'; peer: number; prefix: number; pathId: number }
  | { kind: 'flush' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc
      .record({
        peer: fc.nat(1),
        set: fc.nat(SETS.length - 1),
        // Repeats within a run and across runs: new and known prefixes mixed.
        prefixes: fc.array(fc.nat(1500), { minLength: 1, maxLength: 40 }),
        pathIds: fc.array(fc.nat(2), { minLength: 40, maxLength: 40 }),
      })
      .map((r) => ({ kind: 'run' as const, ...r })),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      peer: fc.nat(1),
      prefix: fc.nat(1500),
      pathId: fc.nat(2),
    }),
    weight: 3,
  },
  { arbitrary: fc.constant({ kind: 'flush' as const }), weight: 1 },
);

function build(): { rib: Rib; peers: number[] } {
  const rib = new Rib({ localAsn: 65000, routerId: 1 });
  const peers = [
    rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 2 }),
    rib.addPeer({ address: '192.0.2.2', asn: 65002, bgpIdentifier: 3, addPathReceive: [1] }),
  ];
  return { rib, peers };
}

const text = (changes: readonly LocRibChange[]): string[] =>
  changes
    .map(
      (c) =>
        `${formatPrefix(c.prefix)} ${c.best ? `${c.best.peer.id}/${c.best.pathId}/${c.best.attributes.id}` : '-'}`,
    )
    .sort();

describe('Rib.announceIpv4Run', () => {
  it('equals one announceIpv4 per prefix, flush by flush (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const a = build();
        const b = build();
        const addresses = new Uint32Array(40);
        const lengths = new Uint8Array(40).fill(24);
        const ids = new Uint32Array(40);
        for (const op of [...ops, { kind: 'flush' as const }]) {
          if (op.kind === 'run') {
            const setA = a.rib.intern(SETS[op.set]!);
            const setB = b.rib.intern(SETS[op.set]!);
            op.prefixes.forEach((p, i) => {
              addresses[i] = address(p);
              ids[i] = op.pathIds[i]!;
            });
            a.rib.announceIpv4Run(
              a.peers[op.peer]!,
              addresses,
              lengths,
              op.prefixes.length,
              setA,
              ids,
            );
            for (let i = 0; i < op.prefixes.length; i++)
              b.rib.announceIpv4(
                b.peers[op.peer]!,
                address(op.prefixes[i]!),
                24,
                setB,
                op.pathIds[i]!,
              );
          } else if (op.kind === 'withdraw') {
            a.rib.withdrawIpv4(a.peers[op.peer]!, address(op.prefix), 24, op.pathId);
            b.rib.withdrawIpv4(b.peers[op.peer]!, address(op.prefix), 24, op.pathId);
          } else {
            const fromA = text(a.rib.flush());
            expect(fromA).toEqual(text(b.rib.flush()));
            // Each prefix at most once in a batch.
            expect(new Set(fromA.map((l) => l.split(' ')[0])).size).toBe(fromA.length);
          }
        }
        expect(a.rib.pathCount).toBe(b.rib.pathCount);
        expect(a.rib.prefixCount(1)).toBe(b.rib.prefixCount(1));
      }),
    );
  });

  it('counts its references to the set before a known prefix may release it', () => {
    const { rib, peers } = build();
    const set = rib.intern(SETS[0]!);
    // 1 is new, 1 again is the same route (its identical re-announcement releases the set once).
    rib.announceIpv4Run(
      peers[0]!,
      Uint32Array.of(address(1), address(1)),
      Uint8Array.of(24, 24),
      2,
      set,
    );
    expect(set.refCount).toBe(1);
    expect(rib.flush().length).toBe(1);
    expect(rib.attributes.size).toBe(1);
  });
});

describe('fresh batches', () => {
  it('end at the first change to a listed prefix, even after the table has grown', () => {
    const { rib, peers } = build();
    const [p] = peers as [number];
    const one = rib.intern(SETS[0]!);
    // 3000 new prefixes in one batch: the Loc-RIB table (1024 slots to start) grows under them.
    for (let i = 0; i < 3000; i++) rib.announceIpv4(p, address(i), 24, one);
    // Then, in the same batch, a changed route, a withdrawn one and a second path.
    rib.announceIpv4(p, address(5), 24, rib.intern(SETS[1]!));
    rib.withdrawIpv4(p, address(7), 24);
    rib.announceIpv4(peers[1]!, address(9), 24, rib.intern(SETS[2]!));
    const changes = rib.flush();
    expect(changes.length).toBe(3000);
    const byPrefix = new Map(changes.map((c) => [formatPrefix(c.prefix), c.best]));
    expect(byPrefix.size).toBe(3000);
    expect(byPrefix.get('10.0.5.0/24')!.attributes.attributes.asPath[0]!.asns).toEqual([65001, 7]);
    expect(byPrefix.get('10.0.7.0/24')).toBeUndefined();
    expect(byPrefix.get('10.0.9.0/24')!.peer.id).toBe(p);
    expect(byPrefix.get('10.0.11.0/24')!.attributes.id).toBe(one.id);
    // The next batch lists only what changes in it.
    rib.announceIpv4(p, address(11), 24, rib.intern(SETS[1]!));
    expect(rib.flush().map((c) => formatPrefix(c.prefix))).toEqual(['10.0.11.0/24']);
  });
});
