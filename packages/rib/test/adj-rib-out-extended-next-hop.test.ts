import {
  AttributeType,
  createContext,
  decodeMessage,
  familyKey,
  findAttribute,
  formatAddress,
  formatPrefix,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  parseAddress,
  parsePrefix,
  type UpdateMessage,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { AdjRibOut, type AdjRibOutOptions } from '../src/adj-rib-out.js';
import { Rib } from '../src/rib.js';
import { asSequence, routeAttributes } from '../src/route-attributes.js';

const LOCAL_AS = 65000;
const V6_NH = parseAddress('2001:db8::1');
const LINK_LOCAL = parseAddress('fe80::1');
const V4_NH = parseAddress('192.0.2.1');

/** Decodes whole messages as a neighbour that negotiated RFC 8950 for IPv4 unicast would. */
function decode(msgs: Uint8Array[], extendedMessage = false): UpdateMessage[] {
  const max = extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
  const ctx = createContext({
    fourOctetAs: true,
    extendedMessage,
    extendedNextHop: new Set([familyKey(1, 1)]),
  });
  return msgs.map((m) => {
    expect(m.length).toBeLessThanOrEqual(max);
    const d = decodeMessage(m, ctx);
    if (d.type !== 'UPDATE') throw new Error(`not an UPDATE: ${d.type}`);
    expect(d.action).toBeUndefined();
    return d;
  });
}

/** An iBGP neighbour (next hops pass unchanged) and an eBGP source. */
function setup(extra: Partial<AdjRibOutOptions>): { rib: Rib; a: number; out: AdjRibOut } {
  const rib = new Rib({ localAsn: LOCAL_AS, routerId: 0x0a0000fe });
  const a = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 1 });
  const y = rib.addPeer({ address: '198.51.100.2', asn: LOCAL_AS, bgpIdentifier: 12 });
  const out = new AdjRibOut(rib, {
    peer: rib.peer(y),
    localAddress: { ipv4: parseAddress('198.51.100.254') },
    families: [1],
    ...extra,
  });
  rib.subscribe((c) => out.onChanges(c));
  return { rib, a, out };
}

const attrs = (nextHop: Uint8Array, communities: number[] = []) =>
  routeAttributes({ asPath: asSequence(65001), nextHop, communities });

const v4 = (i: number) => parsePrefix(`10.${i >> 8}.${i & 0xff}.0/24`);

/** Every announced IPv4 prefix with the next hop it came with (global, then link-local). */
function announced(msgs: UpdateMessage[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of msgs) {
    const mp = findAttribute(m.attributes, AttributeType.MP_REACH_NLRI)?.value;
    const nh = findAttribute(m.attributes, AttributeType.NEXT_HOP)?.value;
    if (mp) {
      // RFC 8950 §3: AFI 1 / SAFI 1 with an IPv6 next hop, and no NEXT_HOP attribute.
      expect([mp.afi, mp.safi]).toEqual([1, 1]);
      expect(nh).toBeUndefined();
      expect(m.nlri).toEqual([]);
      const hop = [mp.nextHop, mp.linkLocalNextHop]
        .filter((x) => x !== undefined)
        .map((x) => formatAddress(x))
        .join(' ');
      for (const e of mp.nlri) out.set(formatPrefix(e.prefix), hop);
    }
    for (const e of m.nlri) out.set(formatPrefix(e.prefix), formatAddress(nh!));
  }
  return out;
}

describe('Adj-RIB-Out and IPv4 routes with an IPv6 next hop (RFC 8950)', () => {
  it('negotiated: packed in MP_REACH_NLRI with AFI 1 / SAFI 1 and a 16- or 32-octet next hop', () => {
    for (const extendedMessage of [false, true]) {
      const { rib, a, out } = setup({ extendedNextHop: true, extendedMessage });
      const want = new Map<string, string>();
      for (let i = 0; i < 2000; i++) {
        rib.announce(a, v4(i), attrs(V6_NH));
        want.set(formatPrefix(v4(i)), '2001:db8::1');
      }
      const both = new Uint8Array(32);
      both.set(V6_NH);
      both.set(LINK_LOCAL, 16);
      for (let i = 2000; i < 2003; i++) {
        rib.announce(a, v4(i), attrs(both));
        want.set(formatPrefix(v4(i)), '2001:db8::1 fe80::1');
      }
      for (let i = 2003; i < 2008; i++) {
        rib.announce(a, v4(i), attrs(V4_NH));
        want.set(formatPrefix(v4(i)), '192.0.2.1');
      }
      rib.flush();
      const msgs = decode(out.generate(), extendedMessage);
      expect(announced(msgs)).toEqual(want);
      // 2000 /24s take 8000 octets of NLRI: two 4096-octet messages, or one extended one.
      const mpMessages = msgs.filter(
        (m) => findAttribute(m.attributes, AttributeType.MP_REACH_NLRI) !== undefined,
      );
      expect(mpMessages.length).toBe(extendedMessage ? 2 : 3);
      expect(out.unsendableCount).toBe(0);
      expect(out.advertisedCount).toBe(2008);
      expect(out.advertised(v4(0)).get(0)?.nextHop).toEqual(V6_NH);

      // Withdrawals of such routes go in the Withdrawn Routes field as any IPv4 route's.
      rib.withdraw(a, v4(1));
      rib.flush();
      const w = decode(out.generate(), extendedMessage);
      expect(w.flatMap((m) => m.withdrawn.map((e) => formatPrefix(e.prefix)))).toEqual([
        formatPrefix(v4(1)),
      ]);
    }
  });

  it('eBGP next-hop self with an IPv6 session address', () => {
    const rib = new Rib({ localAsn: LOCAL_AS, routerId: 0x0a0000fe });
    const a = rib.addPeer({ address: '192.0.2.1', asn: 65001, bgpIdentifier: 1 });
    const b = rib.addPeer({ address: '2001:db8::2', asn: 65002, bgpIdentifier: 2 });
    const out = new AdjRibOut(rib, {
      peer: rib.peer(b),
      localAddress: { ipv4: parseAddress('2001:db8::fe') },
      families: [1],
      extendedNextHop: true,
    });
    rib.subscribe((c) => out.onChanges(c));
    rib.announce(a, v4(7), attrs(V4_NH));
    rib.flush();
    expect(announced(decode(out.generate()))).toEqual(
      new Map([[formatPrefix(v4(7)), '2001:db8::fe']]),
    );
  });

  it('one attribute set on an IPv4 and an IPv6 route in one batch gets each family its own next hop self', () => {
    // Regression: the per-batch export cache must be keyed by family too.
    const rib = new Rib({ localAsn: LOCAL_AS, routerId: 0x0a0000fe });
    const a = rib.addPeer({ address: '2001:db8::1', asn: 65001, bgpIdentifier: 1 });
    const b = rib.addPeer({ address: '2001:db8::2', asn: 65002, bgpIdentifier: 2 });
    const out = new AdjRibOut(rib, {
      peer: rib.peer(b),
      localAddress: { ipv4: parseAddress('192.0.2.254'), ipv6: parseAddress('2001:db8::fe') },
      extendedNextHop: true,
    });
    rib.subscribe((c) => out.onChanges(c));
    const set = attrs(V6_NH);
    rib.announce(a, v4(3), set);
    rib.announce(a, parsePrefix('2001:db8:5::/48'), set);
    rib.flush();
    out.generate();
    expect(out.advertised(v4(3)).get(0)?.nextHop).toEqual(parseAddress('192.0.2.254'));
    expect(out.advertised(parsePrefix('2001:db8:5::/48')).get(0)?.nextHop).toEqual(
      parseAddress('2001:db8::fe'),
    );
  });

  it('not negotiated: such routes are not sent but counted, and a route that becomes one is withdrawn', () => {
    const { rib, a, out } = setup({});
    rib.announce(a, v4(0), attrs(V6_NH));
    rib.announce(a, v4(1), attrs(V6_NH));
    rib.announce(a, v4(2), attrs(V4_NH));
    rib.flush();
    const msgs = decode(out.generate());
    expect(announced(msgs)).toEqual(new Map([[formatPrefix(v4(2)), '192.0.2.1']]));
    expect(out.unsendableCount).toBe(2);
    expect(out.unsendablePrefixes().map(formatPrefix).sort()).toEqual(
      [v4(0), v4(1)].map(formatPrefix).sort(),
    );
    expect(out.advertisedCount).toBe(1);

    // One of them gets an IPv4 next hop: it goes out and is no longer counted.
    rib.announce(a, v4(0), attrs(V4_NH));
    // The advertised one gets an IPv6 next hop: it must be withdrawn.
    rib.announce(a, v4(2), attrs(V6_NH));
    rib.flush();
    const next = decode(out.generate());
    expect(announced(next)).toEqual(new Map([[formatPrefix(v4(0)), '192.0.2.1']]));
    expect(next.flatMap((m) => m.withdrawn.map((e) => formatPrefix(e.prefix)))).toEqual([
      formatPrefix(v4(2)),
    ]);
    expect(out.unsendablePrefixes().map(formatPrefix).sort()).toEqual(
      [v4(1), v4(2)].map(formatPrefix).sort(),
    );
    // Withdrawn from the RIB: nothing to count any more.
    rib.withdraw(a, v4(1));
    rib.withdraw(a, v4(2));
    rib.flush();
    expect(out.generate()).toEqual([]);
    expect(out.unsendableCount).toBe(0);
    out.reset();
    expect(out.unsendableCount).toBe(0);
  });
});
