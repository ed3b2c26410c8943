import {
  AttributeType,
  createContext,
  decodeHeader,
  decodeUpdate,
  familyKey,
  findAttribute,
  formatPrefix,
  isEndOfRib,
  MAX_EXTENDED_MESSAGE_LENGTH,
  MAX_MESSAGE_LENGTH,
  makePrefix,
  type UpdateMessage,
} from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asSequence, routeAttributes } from '../src/route-attributes.js';
import {
  endOfRibMessage,
  type PackEntry,
  type PackOptions,
  packAnnouncements,
  packWithdrawals,
} from '../src/update-packer.js';

function decodeAll(messages: Uint8Array[], options: PackOptions): UpdateMessage[] {
  const max = options.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
  const ctx = createContext({
    fourOctetAs: options.fourOctetAs,
    extendedMessage: options.extendedMessage,
    addPath: new Set([...options.addPathSend].map((afi) => familyKey(afi, 1))),
  });
  return messages.map((m) => {
    expect(m.length).toBeLessThanOrEqual(max);
    expect(decodeHeader(m, max).length).toBe(m.length);
    const msg = decodeUpdate(m.subarray(19), ctx);
    expect(msg.action).toBeUndefined();
    return msg;
  });
}

/** Every (prefix, path id) a decoded UPDATE announces or withdraws, as text. */
function entriesOf(msgs: UpdateMessage[], kind: 'announce' | 'withdraw'): string[] {
  const out: string[] = [];
  for (const m of msgs) {
    const list = kind === 'announce' ? [...m.nlri] : [...m.withdrawn];
    const mp =
      kind === 'announce'
        ? findAttribute(m.attributes, AttributeType.MP_REACH_NLRI)?.value.nlri
        : findAttribute(m.attributes, AttributeType.MP_UNREACH_NLRI)?.value.withdrawn;
    list.push(...(mp ?? []));
    for (const e of list) out.push(`${formatPrefix(e.prefix)}#${e.pathId ?? 0}`);
  }
  return out.sort();
}

const entryArb = (afi: 1 | 2): fc.Arbitrary<PackEntry> =>
  fc
    .record({
      bytes: fc.uint8Array({ minLength: afi === 1 ? 4 : 16, maxLength: afi === 1 ? 4 : 16 }),
      length: fc.integer({ min: 0, max: afi === 1 ? 32 : 128 }),
      pathId: fc.nat(),
    })
    .map(({ bytes, length, pathId }) => ({ prefix: makePrefix(bytes, length), pathId }));

const optionsArb: fc.Arbitrary<PackOptions> = fc.record({
  extendedMessage: fc.boolean(),
  fourOctetAs: fc.boolean(),
  addPathSend: fc.subarray([1, 2]).map((a) => new Set(a)),
});

describe('update packing', () => {
  it('property: announcements never exceed the maximum size and lose no prefix', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(1 as const, 2 as const)
          .chain((afi) =>
            fc.tuple(fc.constant(afi), fc.array(entryArb(afi), { maxLength: 2000, size: 'max' })),
          ),
        optionsArb,
        fc.array(fc.nat(), { maxLength: 300, size: 'max' }),
        fc.array(fc.integer({ min: 1, max: 4_000_000 }), { maxLength: 40 }),
        ([afi, entries], options, communities, path) => {
          // ADD-PATH ids only distinguish entries when the family sends them.
          const addPath = options.addPathSend.has(afi);
          const norm = entries.map((e) => ({ ...e, pathId: addPath ? e.pathId : 0 }));
          const attrs = routeAttributes({
            asPath: asSequence(...path),
            communities,
            nextHop: afi === 1 ? Uint8Array.of(192, 0, 2, 1) : new Uint8Array(16).fill(0x20),
          });
          const msgs = packAnnouncements(afi, attrs, norm, options);
          const decoded = decodeAll(msgs, options);
          expect(entriesOf(decoded, 'announce')).toEqual(
            norm.map((e) => `${formatPrefix(e.prefix)}#${e.pathId}`).sort(),
          );
          // As few messages as the size allows: all but the last are too full for one more entry.
          const max = options.extendedMessage ? MAX_EXTENDED_MESSAGE_LENGTH : MAX_MESSAGE_LENGTH;
          for (const m of msgs.slice(0, -1))
            expect(m.length).toBeGreaterThan(max - (addPath ? 4 : 0) - 17);
          for (const d of decoded) {
            expect(findAttribute(d.attributes, AttributeType.COMMUNITIES)?.value ?? []).toEqual(
              communities,
            );
          }
        },
      ),
    );
  });

  it('property: withdrawals never exceed the maximum size and lose no prefix', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(1 as const, 2 as const)
          .chain((afi) =>
            fc.tuple(fc.constant(afi), fc.array(entryArb(afi), { maxLength: 2000, size: 'max' })),
          ),
        optionsArb,
        ([afi, entries], options) => {
          const addPath = options.addPathSend.has(afi);
          const norm = entries.map((e) => ({ ...e, pathId: addPath ? e.pathId : 0 }));
          const msgs = packWithdrawals(afi, norm, options);
          const decoded = decodeAll(msgs, options);
          expect(entriesOf(decoded, 'withdraw')).toEqual(
            norm.map((e) => `${formatPrefix(e.prefix)}#${e.pathId}`).sort(),
          );
          for (const d of decoded) expect(isEndOfRib(d)).toBeUndefined();
        },
      ),
    );
  });

  it('End-of-RIB markers decode as End-of-RIB (RFC 4724 §2)', () => {
    const ctx = createContext({ fourOctetAs: true });
    expect(endOfRibMessage(1).length).toBe(23);
    expect(isEndOfRib(decodeUpdate(endOfRibMessage(1).subarray(19), ctx))).toEqual({
      afi: 1,
      safi: 1,
    });
    expect(isEndOfRib(decodeUpdate(endOfRibMessage(2).subarray(19), ctx))).toEqual({
      afi: 2,
      safi: 1,
    });
  });

  it('10,000 /24s with one attribute set fit in the fewest 4096-byte UPDATEs', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({
      prefix: makePrefix(Uint8Array.of(10, i >> 8, i & 0xff, 0), 24),
      pathId: 0,
    }));
    const attrs = routeAttributes({
      asPath: asSequence(65001),
      nextHop: Uint8Array.of(192, 0, 2, 1),
    });
    const opts = { extendedMessage: false, fourOctetAs: true, addPathSend: new Set<number>() };
    const msgs = packAnnouncements(1, attrs, entries, opts);
    // 4096 - 19 - 4 - 21 bytes of attributes leave 4052 bytes: 1013 four-byte entries each.
    expect(msgs.length).toBe(Math.ceil(10_000 / 1013));
    expect(packAnnouncements(1, attrs, entries, { ...opts, extendedMessage: true })).toHaveLength(
      1,
    );
  });
});
