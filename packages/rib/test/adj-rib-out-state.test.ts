import {
  AttributeType,
  createContext,
  decodeMessage,
  findAttribute,
  formatPrefix,
  isEndOfRib,
  type NlriEntry,
  parseAddress,
  parsePrefix,
  type UpdateMessage,
} from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdjRibOut } from '../src/adj-rib-out.js';
import { Rib } from '../src/rib.js';
import { asSequence, routeAttributes } from '../src/route-attributes.js';

const LOCAL_AS = 65000;
const CTX = createContext({ fourOctetAs: true });

function decode(msgs: Uint8Array[]): UpdateMessage[] {
  return msgs.map((m) => {
    const d = decodeMessage(m, CTX);
    if (d.type !== 'UPDATE') throw new Error(`not an UPDATE: ${d.type}`);
    return d;
  });
}

function withdrawnOf(m: UpdateMessage): readonly NlriEntry[] {
  return [
    ...m.withdrawn,
    ...(findAttribute(m.attributes, AttributeType.MP_UNREACH_NLRI)?.value.withdrawn ?? []),
  ];
}

function announcedOf(m: UpdateMessage): readonly NlriEntry[] {
  return [
    ...m.nlri,
    ...(findAttribute(m.attributes, AttributeType.MP_REACH_NLRI)?.value.nlri ?? []),
  ];
}

/** With `columns`, the Adj-RIB-Out reads column batches (onBatch), else change objects. */
function setup(
  mrai = 0,
  columns = false,
): {
  rib: Rib;
  peers: number[];
  out: AdjRibOut;
  clock: { now: number };
} {
  const rib = new Rib({ localAsn: LOCAL_AS, routerId: 0x0a0000fe });
  const peers = [65001, 65002].map((asn, i) =>
    rib.addPeer({ address: `192.0.2.${i + 1}`, asn, bgpIdentifier: i + 1 }),
  );
  const c = rib.addPeer({ address: '192.0.2.3', asn: 65003, bgpIdentifier: 3 });
  const clock = { now: 1_000_000 };
  const out = new AdjRibOut(
    rib,
    {
      peer: rib.peer(c),
      localAddress: { ipv4: parseAddress('192.0.2.254'), ipv6: parseAddress('2001:db8::fe') },
      minRouteAdvertisementInterval: mrai,
    },
    { clock: () => clock.now },
  );
  if (columns) rib.subscribeBatch((b) => out.onBatch(b));
  else rib.subscribe((ch) => out.onChanges(ch));
  return { rib, peers, out, clock };
}

describe('Adj-RIB-Out state', () => {
  it('property: the neighbour ends up with exactly the exported Loc-RIB, whatever the sequence of changes, MRAI and batch form', () => {
    const prefixes = ['203.0.113.0/24', '198.51.100.0/24', '10.0.0.0/8', '2001:db8:1::/48'].map(
      (t) => parsePrefix(t),
    );
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('announce' as const),
        peer: fc.nat(1),
        prefix: fc.nat(prefixes.length - 1),
        tag: fc.nat(3),
        hops: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({
        kind: fc.constant('withdraw' as const),
        peer: fc.nat(1),
        prefix: fc.nat(prefixes.length - 1),
      }),
      fc.record({ kind: fc.constant('peerDown' as const), peer: fc.nat(1) }),
      fc.record({
        kind: fc.constant('generate' as const),
        advance: fc.constantFrom(0, 400, 1000),
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1000),
        fc.boolean(),
        fc.array(op, { maxLength: 50 }),
        (mrai, columns, ops) => {
          const { rib, peers, out, clock } = setup(mrai, columns);
          const view = new Map<string, number>(); // prefix -> community tag
          const apply = (): void => {
            for (const m of decode(out.generate())) {
              if (isEndOfRib(m)) continue;
              for (const e of withdrawnOf(m)) {
                // Only what was advertised is withdrawn.
                expect(view.delete(formatPrefix(e.prefix))).toBe(true);
              }
              const tag = findAttribute(m.attributes, AttributeType.COMMUNITIES)?.value[0];
              for (const e of announcedOf(m)) view.set(formatPrefix(e.prefix), tag!);
            }
          };
          for (const o of ops) {
            if (o.kind === 'generate') {
              rib.flush();
              clock.now += o.advance;
              apply();
            } else if (o.kind === 'peerDown') rib.peerDown(peers[o.peer]!);
            else if (o.kind === 'withdraw') rib.withdraw(peers[o.peer]!, prefixes[o.prefix]!);
            else {
              const prefix = prefixes[o.prefix]!;
              const asn = 65001 + o.peer;
              rib.announce(
                peers[o.peer]!,
                prefix,
                routeAttributes({
                  asPath: asSequence(...Array.from({ length: o.hops }, () => asn)),
                  nextHop: parseAddress(prefix.afi === 1 ? '192.0.2.1' : '2001:db8::1'),
                  communities: [o.tag],
                }),
              );
            }
          }
          rib.flush();
          clock.now += mrai;
          apply();
          expect(out.pending).toBe(0);
          const expected = new Map<string, number>();
          for (const p of prefixes) {
            const best = rib.best(p);
            if (best) expected.set(formatPrefix(p), best.attributes.attributes.communities[0]!);
          }
          expect(view).toEqual(expected);
          expect(out.advertisedCount).toBe(expected.size);
          for (const p of prefixes) {
            expect(out.advertised(p).get(0)?.communities[0]).toBe(expected.get(formatPrefix(p)));
          }
          // One outbound set per distinct advertised attribute set, no more (none leaked).
          const sets = new Set(
            prefixes
              .map((p) => out.advertised(p).get(0))
              .filter((a) => a !== undefined)
              .map((a) => JSON.stringify({ ...a, nextHop: [...a.nextHop] })),
          );
          expect(out.attributeSets).toBe(sets.size);
          // Everything goes: all withdrawn, every set released.
          for (const p of peers) rib.peerDown(p);
          rib.flush();
          apply();
          expect(view.size).toBe(0);
          expect(out.advertisedCount).toBe(0);
          expect(out.attributeSets).toBe(0);
        },
      ),
    );
  });

  it('holds a few typed-array words per advertised prefix', () => {
    const { rib, peers, out } = setup();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      rib.announceIpv4(
        peers[0]!,
        (0x0a000000 + i * 256) >>> 0,
        24,
        rib.intern(
          routeAttributes({
            asPath: asSequence(65001, 1000 + (i % 50)),
            nextHop: parseAddress('192.0.2.1'),
          }),
        ),
      );
    }
    rib.flush();
    while (out.generate().length > 0);
    expect(out.advertisedCount).toBe(n);
    expect(out.attributeSets).toBe(50);
    // An IPv4 key (2 words) and a set id per slot, at most 80 % full, grown by 1.5×.
    expect(out.storageBytes / n).toBeLessThan(32);
  });

  it('reset forgets what was sent; the initial table then sends everything again, then End-of-RIB', () => {
    const { rib, peers, out } = setup();
    rib.announce(
      peers[0]!,
      parsePrefix('203.0.113.0/24'),
      routeAttributes({ asPath: asSequence(65001), nextHop: parseAddress('192.0.2.1') }),
    );
    rib.flush();
    expect(decode(out.generate())).toHaveLength(1);
    out.reset();
    expect(out.advertisedCount).toBe(0);
    expect(out.attributeSets).toBe(0);
    expect(out.pending).toBe(0);
    out.initialTable();
    const msgs = decode(out.generate());
    expect(msgs.flatMap((m) => m.nlri.map((e) => formatPrefix(e.prefix)))).toEqual([
      '203.0.113.0/24',
    ]);
    expect(msgs.map(isEndOfRib).filter((x) => x !== undefined)).toEqual([
      { afi: 1, safi: 1 },
      { afi: 2, safi: 1 },
    ]);
    expect(out.advertisedCount).toBe(1);
  });

  it('an announcement held by the MRAI and then withdrawn sends nothing; End-of-RIB waits for held ones', () => {
    const { rib, peers, out, clock } = setup(30_000);
    const p = parsePrefix('203.0.113.0/24');
    const q = parsePrefix('198.51.100.0/24');
    const attrs = routeAttributes({
      asPath: asSequence(65001),
      nextHop: parseAddress('192.0.2.1'),
    });
    rib.announce(peers[0]!, p, attrs);
    rib.flush();
    out.generate(); // starts the interval
    out.initialTable(); // End-of-RIB due once nothing is pending
    rib.announce(peers[0]!, q, attrs);
    rib.flush();
    const early = decode(out.generate());
    expect(early.flatMap(announcedOf)).toEqual([]);
    expect(early.map(isEndOfRib).filter((x) => x !== undefined)).toEqual([]);
    expect(out.pending).toBe(3); // q, and two End-of-RIB markers
    rib.withdraw(peers[0]!, q);
    rib.flush();
    const mid = decode(out.generate());
    expect(mid.flatMap(withdrawnOf)).toEqual([]); // q was never sent
    expect(mid.map(isEndOfRib).filter((x) => x !== undefined)).toHaveLength(2);
    clock.now += 30_000;
    expect(out.generate()).toEqual([]);
    expect(out.advertisedCount).toBe(1);
  });
});
