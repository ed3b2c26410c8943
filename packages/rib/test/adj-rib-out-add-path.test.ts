import {
  AttributeType,
  createContext,
  decodeMessage,
  familyKey,
  findAttribute,
  formatPrefix,
  type NlriEntry,
  parseAddress,
  parsePrefix,
  type UpdateMessage,
} from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdjRibOut, type AdjRibOutOptions } from '../src/adj-rib-out.js';
import { Rib } from '../src/rib.js';
import { asSequence, type RouteAttributes, routeAttributes } from '../src/route-attributes.js';

const LOCAL_AS = 65000;
const CTX = createContext({
  fourOctetAs: true,
  addPath: new Set([familyKey(1, 1), familyKey(2, 1)]),
});

function decode(msgs: Uint8Array[]): UpdateMessage[] {
  return msgs.map((m) => {
    const d = decodeMessage(m, CTX);
    if (d.type !== 'UPDATE') throw new Error(`not an UPDATE: ${d.type}`);
    return d;
  });
}

/** A RIB with two eBGP sources that send ADD-PATH ids, and an iBGP neighbour to send to. */
function setup(addPathSend: AdjRibOutOptions['addPathSend']): {
  rib: Rib;
  a: number;
  b: number;
  out: AdjRibOut;
} {
  const rib = new Rib({ localAsn: LOCAL_AS, routerId: 0x0a0000fe });
  const a = rib.addPeer({
    address: '192.0.2.1',
    asn: 65001,
    bgpIdentifier: 1,
    addPathReceive: [1],
  });
  const b = rib.addPeer({
    address: '192.0.2.2',
    asn: 65002,
    bgpIdentifier: 2,
    addPathReceive: [1],
  });
  const y = rib.addPeer({ address: '198.51.100.2', asn: LOCAL_AS, bgpIdentifier: 12 });
  const out = new AdjRibOut(rib, {
    peer: rib.peer(y),
    localAddress: { ipv4: parseAddress('198.51.100.254') },
    addPathSend,
  });
  rib.subscribe((c) => out.onChanges(c));
  return { rib, a, b, out };
}

/** Attributes that name their source in a community, so the neighbour's view can be checked. */
const tagged = (peerAs: number, tag: number, hops = 1): RouteAttributes =>
  routeAttributes({
    asPath: asSequence(...Array.from({ length: hops }, () => peerAs)),
    nextHop: parseAddress(`192.0.2.${peerAs - 65000}`),
    communities: [tag],
  });

const P = parsePrefix('203.0.113.0/24');

describe('Adj-RIB-Out ADD-PATH send path ids (RFC 7911)', () => {
  it('two paths from one peer with path ids 1 and 65537 go out under distinct ids; withdrawing one withdraws exactly its id', () => {
    const { rib, a, out } = setup({ 1: 'all' });
    rib.announce(a, P, tagged(65001, 1), 1);
    rib.announce(a, P, tagged(65001, 2, 2), 65537);
    rib.flush();
    const sent = decode(out.generate()).flatMap((m) => m.nlri);
    expect(sent).toHaveLength(2);
    expect(new Set(sent.map((e) => e.pathId)).size).toBe(2);
    const adv = out.advertised(P);
    expect([...adv.values()].map((x) => x.communities[0]).sort()).toEqual([1, 2]);
    const idOf65537 = [...adv].find(([, x]) => x.communities[0] === 2)![0];
    const idOf1 = [...adv].find(([, x]) => x.communities[0] === 1)![0];

    rib.withdraw(a, P, 65537);
    rib.flush();
    const after = decode(out.generate());
    expect(after.flatMap((m) => m.nlri)).toEqual([]);
    expect(
      after.flatMap((m) => m.withdrawn.map((e) => [formatPrefix(e.prefix), e.pathId])),
    ).toEqual([[formatPrefix(P), idOf65537]]);
    expect([...out.advertised(P).keys()]).toEqual([idOf1]);
    expect(out.advertisedCount).toBe(1);
  });

  it('a path keeps its id while advertised, even when its attributes change', () => {
    const { rib, a, b, out } = setup({ 1: 'all' });
    rib.announce(a, P, tagged(65001, 1), 7);
    rib.announce(b, P, tagged(65002, 2, 2), 7);
    rib.flush();
    out.generate();
    const before = new Map([...out.advertised(P)].map(([id, x]) => [x.communities[0], id]));
    rib.announce(b, P, tagged(65002, 2, 1), 7); // b now ties on path length
    rib.announce(a, P, tagged(65001, 1, 3), 7); // and a is longer: the ranking flips
    rib.flush();
    const msgs = decode(out.generate());
    expect(msgs.flatMap((m) => m.withdrawn)).toEqual([]);
    const after = new Map([...out.advertised(P)].map(([id, x]) => [x.communities[0], id]));
    expect(after).toEqual(before);
  });

  it('best 1: a new best path replaces the old one under the same id (no withdrawal)', () => {
    const { rib, a, b, out } = setup({ 1: 1 });
    rib.announce(a, P, tagged(65001, 1), 1);
    rib.announce(b, P, tagged(65002, 2, 3), 1);
    rib.flush();
    expect(decode(out.generate()).flatMap((m) => m.nlri.map((e) => e.pathId))).toEqual([0]);
    rib.withdraw(a, P, 1);
    rib.flush();
    const msgs = decode(out.generate());
    expect(msgs.flatMap((m) => m.withdrawn)).toEqual([]);
    expect(msgs.flatMap((m) => m.nlri.map((e) => e.pathId))).toEqual([0]);
    expect(out.advertised(P).get(0)?.communities).toEqual([2]);
  });

  it('a path withdrawn before it was sent frees its id without sending anything', () => {
    const { rib, a, out } = setup({ 1: 'all' });
    rib.announce(a, P, tagged(65001, 1), 1);
    rib.flush();
    rib.withdraw(a, P, 1);
    rib.flush();
    expect(out.pending).toBe(0);
    expect(out.generate()).toEqual([]);
    rib.announce(a, P, tagged(65001, 1), 9);
    rib.flush();
    expect(decode(out.generate()).flatMap((m) => m.nlri.map((e) => e.pathId))).toEqual([0]);
  });

  it('property: send ids are unique per prefix, kept while advertised, and withdrawals name advertised ids', () => {
    const prefixes = ['203.0.113.0/24', '198.51.100.0/24', '2001:db8:1::/48'].map((t) =>
      parsePrefix(t),
    );
    const sources = [1, 2, 65537, 0xffffffff]; // source path ids, including ones above 65535
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('announce' as const),
        peer: fc.nat(1),
        prefix: fc.nat(prefixes.length - 1),
        source: fc.nat(sources.length - 1),
        hops: fc.integer({ min: 1, max: 3 }),
      }),
      fc.record({
        kind: fc.constant('withdraw' as const),
        peer: fc.nat(1),
        prefix: fc.nat(prefixes.length - 1),
        source: fc.nat(sources.length - 1),
      }),
      fc.record({ kind: fc.constant('flush' as const), generate: fc.boolean() }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom<'all' | number>('all', 1, 2, 3),
        fc.array(op, { maxLength: 60 }),
        (mode, ops) => {
          const rib = new Rib({ localAsn: LOCAL_AS, routerId: 0x0a0000fe });
          const peers = [65001, 65002].map((asn, i) =>
            rib.addPeer({
              address: `192.0.2.${i + 1}`,
              asn,
              bgpIdentifier: i + 1,
              addPathReceive: [1, 2],
            }),
          );
          const y = rib.addPeer({ address: '198.51.100.2', asn: LOCAL_AS, bgpIdentifier: 12 });
          const out = new AdjRibOut(rib, {
            peer: rib.peer(y),
            localAddress: {
              ipv4: parseAddress('198.51.100.254'),
              ipv6: parseAddress('2001:db8::fe'),
            },
            addPathSend: { 1: mode, 2: mode },
          });
          rib.subscribe((c) => out.onChanges(c));
          // The neighbour's Adj-RIB-In: prefix -> send id -> source tag.
          const view = new Map<string, Map<number, number>>();
          const apply = (): void => {
            for (const m of decode(out.generate())) {
              for (const e of [...m.withdrawn, ...mpWithdrawn(m)]) {
                const ids = view.get(formatPrefix(e.prefix));
                expect(ids?.has(e.pathId ?? -1)).toBe(true); // only advertised ids are withdrawn
                ids!.delete(e.pathId!);
              }
              const tag = communityOf(m);
              for (const e of [...m.nlri, ...mpNlri(m)]) {
                const k = formatPrefix(e.prefix);
                if (!view.has(k)) view.set(k, new Map());
                view.get(k)!.set(e.pathId!, tag!);
              }
            }
          };
          for (const o of ops) {
            if (o.kind === 'flush') {
              rib.flush();
              if (!o.generate) continue;
              const before = snapshot(view);
              apply();
              // A source advertised before and after kept its id.
              for (const [k, ids] of snapshot(view)) {
                for (const [tag, id] of ids) {
                  const old = before.get(k)?.get(tag);
                  if (old !== undefined) expect(id).toBe(old);
                }
              }
              continue;
            }
            const prefix = prefixes[o.prefix]!;
            const tag = (o.peer + 1) * 100 + o.source;
            if (o.kind === 'announce') {
              const asn = 65001 + o.peer;
              rib.announce(
                peers[o.peer]!,
                prefix,
                routeAttributes({
                  asPath: asSequence(...Array.from({ length: o.hops }, () => asn)),
                  nextHop:
                    prefix.afi === 1
                      ? parseAddress(`192.0.2.${o.peer + 1}`)
                      : parseAddress(`2001:db8::${o.peer + 1}`),
                  communities: [tag],
                }),
                sources[o.source]!,
              );
            } else rib.withdraw(peers[o.peer]!, prefix, sources[o.source]!);
          }
          rib.flush();
          apply();
          // Settled: the neighbour holds exactly the top paths, each source once, ids distinct.
          for (const prefix of prefixes) {
            const ranked = rib.ranked(prefix);
            const top = mode === 'all' ? ranked : ranked.slice(0, mode);
            const expected = top.map((r) => r.attributes.attributes.communities[0]!).sort();
            const got = [...(view.get(formatPrefix(prefix)) ?? new Map<number, number>()).values()];
            expect(got.sort()).toEqual(expected);
            expect(new Set(got).size).toBe(got.length);
            expect(
              [...out.advertised(prefix)].map(([id, x]) => [id, x.communities[0]]).sort(),
            ).toEqual([...(view.get(formatPrefix(prefix)) ?? [])].sort());
          }
          expect(out.pending).toBe(0);
        },
      ),
    );
  });
});

function snapshot(view: Map<string, Map<number, number>>): Map<string, Map<number, number>> {
  // prefix -> source tag -> id
  return new Map([...view].map(([k, ids]) => [k, new Map([...ids].map(([id, t]) => [t, id]))]));
}

function communityOf(m: UpdateMessage): number | undefined {
  return findAttribute(m.attributes, AttributeType.COMMUNITIES)?.value[0];
}

function mpNlri(m: UpdateMessage): readonly NlriEntry[] {
  return findAttribute(m.attributes, AttributeType.MP_REACH_NLRI)?.value.nlri ?? [];
}

function mpWithdrawn(m: UpdateMessage): readonly NlriEntry[] {
  return findAttribute(m.attributes, AttributeType.MP_UNREACH_NLRI)?.value.withdrawn ?? [];
}
