/**
 * fast-check arbitraries for UPDATE messages, path attributes and NLRI, each generated in the
 * canonical decoded form (masked prefixes, flags as a decoder would report them) so that
 * decode(encode(x)) must equal x.
 */
import {
  type AsPathSegment,
  attributeDescriptors,
  type CodecContext,
  createContext,
  type ExtendedCommunity,
  familyKey,
  maskAddress,
  type NlriEntry,
  type PathAttribute,
  type UpdateMessage,
} from '@bgp/wire';
import fc from 'fast-check';

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

/** A session context: AS width and ADD-PATH for IPv4 and/or IPv6 unicast. */
export const contextArb: fc.Arbitrary<CodecContext> = fc
  .record({ fourOctetAs: fc.boolean(), ap4: fc.boolean(), ap6: fc.boolean() })
  .map(({ fourOctetAs, ap4, ap6 }) => {
    const addPath = new Set<number>();
    if (ap4) addPath.add(familyKey(1, 1));
    if (ap6) addPath.add(familyKey(2, 1));
    return createContext({ fourOctetAs, addPath });
  });

/** A masked prefix entry of `afi`, with a path id when `addPath`. */
export function nlriEntryArb(afi: 1 | 2, addPath: boolean): fc.Arbitrary<NlriEntry> {
  const size = afi === 1 ? 4 : 16;
  return fc
    .record({
      length: fc.integer({ min: 0, max: size * 8 }),
      bytes: fc.uint8Array({ minLength: size, maxLength: size }),
      pathId: u32,
    })
    .map(({ length, bytes, pathId }) => {
      const prefix = { afi, length, address: maskAddress(bytes, length) };
      return addPath ? { prefix, pathId } : { prefix };
    });
}

const nlriList = (afi: 1 | 2, addPath: boolean, max = 6): fc.Arbitrary<NlriEntry[]> =>
  fc.array(nlriEntryArb(afi, addPath), { maxLength: max });

/** Flags for a typed attribute: the expected O/T bits, maybe Partial, maybe Extended Length. */
function flagsFor(typeCode: number): fc.Arbitrary<number> {
  const base = attributeDescriptors.get(typeCode)!.flags;
  return fc
    .record({ partial: fc.boolean(), ext: fc.boolean() })
    .map(({ partial, ext }) => base | (partial && base === 0xc0 ? 0x20 : 0) | (ext ? 0x10 : 0));
}

function attr<T>(typeCode: number, value: fc.Arbitrary<T>): fc.Arbitrary<PathAttribute> {
  return fc
    .record({ flags: flagsFor(typeCode), value })
    .map(({ flags, value }) => ({ typeCode, flags, value }) as PathAttribute);
}

const segmentsArb = (asMax: number): fc.Arbitrary<AsPathSegment[]> =>
  fc.array(
    fc.record({
      type: fc.integer({ min: 1, max: 4 }),
      asns: fc.array(fc.integer({ min: 0, max: asMax }), { minLength: 1, maxLength: 8 }),
    }),
    { maxLength: 3 },
  );

const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 });

const extendedCommunityArb: fc.Arbitrary<ExtendedCommunity> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('route-target' as const, 'route-origin' as const),
    form: fc.constant('as2' as const),
    global: u16,
    local: u32,
  }),
  fc.record({
    kind: fc.constantFrom('route-target' as const, 'route-origin' as const),
    form: fc.constantFrom('ipv4' as const, 'as4' as const),
    global: u32,
    local: u16,
  }),
  // Raw: a type octet that is none of the typed forms.
  fc
    .tuple(fc.integer({ min: 3, max: 0xff }), fc.uint8Array({ minLength: 7, maxLength: 7 }))
    .map(([t, rest]) => ({ kind: 'raw' as const, bytes: Uint8Array.of(t, ...rest) })),
);

/** MP_REACH_NLRI value for a parsed family (IPv4/IPv6 unicast) or a raw one. */
function mpReachValueArb(ctx: CodecContext): fc.Arbitrary<unknown> {
  const ip = (afi: 1 | 2) =>
    fc
      .record({
        nh: afi === 1 ? fc.oneof(ipv4, ipv6) : ipv6,
        ll: fc.option(ipv6, { nil: undefined }),
        nlri: nlriList(afi, ctx.addPath.has(familyKey(afi, 1))),
      })
      .map(({ nh, ll, nlri }) => {
        const base = { afi, safi: 1, nextHop: nh, reserved: 0, nlri };
        return nh.length === 16 && ll !== undefined ? { ...base, linkLocalNextHop: ll } : base;
      });
  const raw = fc.record({
    afi: fc.constantFrom(1, 2, 25, 16388),
    safi: fc.constantFrom(4, 70, 71, 128, 133),
    nextHop: fc.uint8Array({ maxLength: 24 }),
    reserved: u8,
    nlri: fc.constant([]),
    rawNlri: fc.uint8Array({ maxLength: 40 }),
  });
  return fc.oneof(ip(1), ip(2), raw);
}

function mpUnreachValueArb(ctx: CodecContext): fc.Arbitrary<unknown> {
  const ip = (afi: 1 | 2) =>
    nlriList(afi, ctx.addPath.has(familyKey(afi, 1))).map((withdrawn) => ({
      afi,
      safi: 1,
      withdrawn,
    }));
  const raw = fc.record({
    afi: fc.constantFrom(1, 2, 25, 16388),
    safi: fc.constantFrom(4, 70, 71, 128, 133),
    withdrawn: fc.constant([]),
    rawNlri: fc.uint8Array({ maxLength: 40 }),
  });
  return fc.oneof(ip(1), ip(2), raw);
}

/** One arbitrary per typed attribute kind, by name, for a context. */
export function attributeArbs(ctx: CodecContext): Record<string, fc.Arbitrary<PathAttribute>> {
  const asMax = ctx.fourOctetAs ? 0xffffffff : 0xffff;
  return {
    ORIGIN: attr(1, fc.integer({ min: 0, max: 2 })),
    AS_PATH: attr(2, segmentsArb(asMax)),
    NEXT_HOP: attr(3, ipv4),
    MULTI_EXIT_DISC: attr(4, u32),
    LOCAL_PREF: attr(5, u32),
    ATOMIC_AGGREGATE: attr(6, fc.constant(true)),
    AGGREGATOR: attr(7, fc.record({ asn: fc.integer({ min: 0, max: asMax }), address: ipv4 })),
    COMMUNITIES: attr(8, fc.array(u32, { minLength: 1, maxLength: 10 })),
    ORIGINATOR_ID: attr(9, u32),
    CLUSTER_LIST: attr(10, fc.array(u32, { minLength: 1, maxLength: 6 })),
    MP_REACH_NLRI: attr(14, mpReachValueArb(ctx)),
    MP_UNREACH_NLRI: attr(15, mpUnreachValueArb(ctx)),
    EXTENDED_COMMUNITIES: attr(16, fc.array(extendedCommunityArb, { minLength: 1, maxLength: 6 })),
    AS4_PATH: attr(17, segmentsArb(0xffffffff)),
    AS4_AGGREGATOR: attr(18, fc.record({ asn: u32, address: ipv4 })),
    LARGE_COMMUNITY: attr(
      32,
      fc.array(fc.record({ globalAdmin: u32, localData1: u32, localData2: u32 }), {
        minLength: 1,
        maxLength: 5,
      }),
    ),
    OTC: attr(35, u32),
    UNKNOWN: fc
      .record({
        typeCode: fc.integer({ min: 0, max: 255 }).filter((t) => !attributeDescriptors.has(t)),
        flags: fc.integer({ min: 0, max: 0x7f }).map((f) => 0x80 | (f & 0x70)),
        value: fc.uint8Array({ maxLength: 60 }),
      })
      .map(({ typeCode, flags, value }) => ({ typeCode, flags, value, raw: true as const })),
  };
}

/** A context and a well-formed UPDATE for it. */
export const updateArb: fc.Arbitrary<{ ctx: CodecContext; msg: UpdateMessage }> = contextArb.chain(
  (ctx) => {
    const arbs = attributeArbs(ctx);
    const addPath4 = ctx.addPath.has(familyKey(1, 1));
    const others = fc.uniqueArray(fc.oneof(...Object.values(arbs)), {
      selector: (a) => a.typeCode,
      maxLength: 8,
    });
    return fc
      .record({
        withdrawn: nlriList(1, addPath4),
        nlri: nlriList(1, addPath4),
        others,
        origin: arbs.ORIGIN!,
        asPath: arbs.AS_PATH!,
        nextHop: arbs.NEXT_HOP!,
      })
      .map(({ withdrawn, nlri, others, origin, asPath, nextHop }) => {
        // RFC 7606 §3.d: announcing needs ORIGIN, AS_PATH (and NEXT_HOP for the NLRI field);
        // add the missing ones so that the message is well-formed.
        const attributes = [...others];
        const has = (c: number) => attributes.some((a) => a.typeCode === c);
        const announces = nlri.length > 0 || has(14);
        if (announces && !has(1)) attributes.unshift(origin);
        if (announces && !has(2)) attributes.unshift(asPath);
        if (nlri.length > 0 && !has(3)) attributes.push(nextHop);
        return { ctx, msg: { type: 'UPDATE' as const, withdrawn, attributes, nlri } };
      });
  },
);
