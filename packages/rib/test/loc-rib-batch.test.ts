import { formatPrefix, parseAddress, parsePrefix } from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocRibBatch } from '../src/loc-rib-batch.js';
import { prefixToWords } from '../src/prefix-key.js';
import { type LocRibChange, Rib } from '../src/rib.js';
import { asSequence, routeAttributes } from '../src/route-attributes.js';

const PREFIXES = ['10.0.0.0/8', '10.1.0.0/16', '192.0.2.0/24', '2001:db8::/32', '2001:db8:1::/48'];
const SETS = [
  routeAttributes({ asPath: asSequence(100), nextHop: parseAddress('192.0.2.1') }),
  routeAttributes({ asPath: asSequence(100, 200), nextHop: parseAddress('192.0.2.2') }),
  routeAttributes({ asPath: asSequence(300), med: 4, nextHop: parseAddress('2001:db8::1') }),
  // Our own AS in the path: an ineligible route, reported as "no usable path".
  routeAttributes({ asPath: asSequence(100, 65000), nextHop: parseAddress('192.0.2.3') }),
];

type Op =
  | { kind: 'announce'; peer: number; prefix: number; pathId: number; set: number }
  | { kind: 'withdraw'; peer: number; prefix: number; pathId: number }
  | { kind: 'down'; peer: number }
  | { kind: 'flush' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('announce' as const),
      peer: fc.nat(1),
      prefix: fc.nat(PREFIXES.length - 1),
      pathId: fc.nat(1),
      set: fc.nat(SETS.length - 1),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      peer: fc.nat(1),
      prefix: fc.nat(PREFIXES.length - 1),
      pathId: fc.nat(1),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('down' as const), peer: fc.nat(1) }), weight: 1 },
  { arbitrary: fc.constant({ kind: 'flush' as const }), weight: 2 },
);

function build(): { rib: Rib; ids: number[] } {
  const rib = new Rib({ localAsn: 65000, routerId: 1 });
  const ids = [
    rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 2 }),
    rib.addPeer({ address: '192.0.2.2', asn: 65002, bgpIdentifier: 3, addPathReceive: [1, 2] }),
  ];
  return { rib, ids };
}

function apply(rib: Rib, ids: number[], op: Op): void {
  if (op.kind === 'announce')
    rib.announce(ids[op.peer]!, parsePrefix(PREFIXES[op.prefix]!), SETS[op.set]!, op.pathId);
  else if (op.kind === 'withdraw')
    rib.withdraw(ids[op.peer]!, parsePrefix(PREFIXES[op.prefix]!), op.pathId);
  else if (op.kind === 'down') rib.peerDown(ids[op.peer]!);
}

const text = (changes: readonly LocRibChange[]): string[] =>
  changes.map(
    (c) =>
      `${formatPrefix(c.prefix)} ${c.best ? `${c.best.peer.id}/${c.best.pathId}/${Buffer.from(c.best.attributes.key).toString('hex')}` : '-'}`,
  );

/** The batch read through its column accessors only. */
function columns(rib: Rib, b: LocRibBatch): string[] {
  const out: string[] = [];
  const key = new Uint32Array(6);
  for (let i = 0; i < b.size; i++) {
    const prefix = b.prefixAt(i);
    const width = b.keyAt(i, key);
    const want = new Uint32Array(6);
    prefixToWords(prefix, want);
    expect([...key.subarray(0, width)]).toEqual([...want.subarray(0, width)]);
    expect(b.afiAt(i)).toBe(prefix.afi);
    const peer = b.bestPeer(i);
    const best = b.bestAt(i);
    expect(best?.peer.id ?? -1).toBe(peer);
    out.push(
      `${formatPrefix(prefix)} ${best ? `${peer}/${best.pathId}/${Buffer.from(rib.attributes.get(b.bestAttributeId(i)).key).toString('hex')}` : '-'}`,
    );
  }
  return out;
}

describe('LocRibBatch', () => {
  it('property: flushBatch reports exactly what flush reports, through every accessor and to every subscriber', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), (ops) => {
        const a = build();
        const b = build();
        const viaArraySubscriber: string[][] = [];
        const viaBatchSubscriber: string[][] = [];
        b.rib.subscribe((changes) => viaArraySubscriber.push(text(changes)));
        b.rib.subscribeBatch((batch) => viaBatchSubscriber.push(columns(b.rib, batch)));
        for (const op of [...ops, { kind: 'flush' as const }]) {
          apply(a.rib, a.ids, op);
          apply(b.rib, b.ids, op);
          if (op.kind !== 'flush') continue;
          // The two RIBs' tables have different hash seeds, so a peer down lists the same
          // changes in another order: compare them sorted; within one RIB, in order.
          const want = text(a.rib.flush()).sort();
          const batch = b.rib.flushBatch();
          const got = text(batch.toArray());
          expect([...got].sort()).toEqual(want);
          expect(columns(b.rib, batch)).toEqual(got);
          expect(viaArraySubscriber.pop()).toEqual(got);
          expect(viaBatchSubscriber.pop()).toEqual(got);
        }
      }),
    );
  });

  it.each([
    ['pre-sized: the slots remembered when listing are used', { ipv4: 5000 }],
    ['growing: entries move, so every change is looked up again', undefined],
  ])('reports each prefix of a loading table once (%s)', (_name, expectedRoutes) => {
    const rib = new Rib({
      localAsn: 65000,
      routerId: 1,
      ...(expectedRoutes ? { expectedRoutes } : {}),
    });
    const p = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 2 });
    const set = rib.intern(SETS[0]!);
    // Each prefix announced twice in the batch (the second an implicit withdraw with a new set):
    // still one change per prefix.
    for (let i = 0; i < 5000; i++) rib.announceIpv4(p, (0x0a000000 + i * 256) >>> 0, 24, set);
    const other = rib.intern(SETS[1]!);
    for (let i = 0; i < 5000; i++) rib.announceIpv4(p, (0x0a000000 + i * 256) >>> 0, 24, other);
    const batch = rib.flushBatch();
    expect(batch.size).toBe(5000);
    const seen = new Set<string>();
    for (let i = 0; i < batch.size; i++) {
      seen.add(formatPrefix(batch.prefixAt(i)));
      expect(batch.bestAttributeId(i)).toBe(other.id);
    }
    expect(seen.size).toBe(5000);
    // Nothing pending afterwards; the next change is reported again.
    expect(rib.flushBatch().size).toBe(0);
    rib.withdrawIpv4(p, 0x0a000000, 24);
    const next = rib.flushBatch();
    expect(next.size).toBe(1);
    expect(next.bestPeer(0)).toBe(-1);
    expect(() => next.afiAt(1)).toThrow(RangeError);
  });
});
