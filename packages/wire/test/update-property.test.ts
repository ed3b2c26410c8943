/**
 * Property tests for the UPDATE codec: round trips of arbitrary messages and of each attribute
 * kind, byte-level losslessness of NLRI fields, robustness against arbitrary and mutated bytes,
 * and agreement of the prefix walk with the decoder.
 */
import {
  AS4_CONTEXT,
  createContext,
  DEFAULT_CONTEXT,
  decodeAttributes,
  decodeIpPrefixes,
  decodeUpdate,
  encodeAttributes,
  encodeIpPrefixes,
  familyKey,
  isBgpError,
  type NlriEntry,
  Reader,
  type UpdateMessage,
  UpdateMessageError,
  Writer,
  walkUpdatePrefixes,
} from '@bgp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeArbs, contextArb, updateArb } from './update-arbitraries.js';
import { corpusUpdates, encodeBody, toHex } from './update-fixtures.js';

function onlyBgpErrors(run: () => void): void {
  try {
    run();
  } catch (err) {
    if (!isBgpError(err)) throw err;
  }
}

/** Prefixes of a decoded UPDATE as walk-comparable strings, in wire order. */
function decodedPrefixes(msg: UpdateMessage): string[] {
  const fmt = (kind: string, afi: number, e: NlriEntry) =>
    `${kind} ${afi} ${e.prefix.length} ${toHex(e.wireBytes ?? e.prefix.address.subarray(0, (e.prefix.length + 7) >> 3))} ${e.pathId}`;
  const out = msg.withdrawn.map((e) => fmt('withdraw', 1, e));
  for (const a of msg.attributes) {
    if (a.raw) continue;
    if (a.typeCode === 14 && a.value.safi === 1 && a.value.rawNlri === undefined) {
      for (const e of a.value.nlri) out.push(fmt('announce', a.value.afi, e));
    }
    if (a.typeCode === 15 && a.value.safi === 1 && a.value.rawNlri === undefined) {
      for (const e of a.value.withdrawn) out.push(fmt('withdraw', a.value.afi, e));
    }
  }
  for (const e of msg.nlri) out.push(fmt('announce', 1, e));
  return out;
}

function walkedPrefixes(body: Uint8Array, ctx: Parameters<typeof walkUpdatePrefixes>[1]): string[] {
  const out: string[] = [];
  walkUpdatePrefixes(body, ctx, (kind, afi, length, bytes, offset, pathId) => {
    out.push(
      `${kind} ${afi} ${length} ${toHex(bytes.subarray(offset, offset + ((length + 7) >> 3)))} ${pathId}`,
    );
  });
  return out;
}

describe('UPDATE properties', () => {
  it('property: decode(encode(x)) equals x for arbitrary well-formed UPDATEs', () => {
    fc.assert(
      fc.property(updateArb, ({ ctx, msg }) => {
        const body = encodeBody(msg, ctx);
        const back = decodeUpdate(body, ctx);
        expect(back).toEqual(msg);
        expect(toHex(encodeBody(back, ctx))).toBe(toHex(body));
      }),
    );
  });

  for (const name of Object.keys(attributeArbs(DEFAULT_CONTEXT))) {
    it(`property: ${name} round-trips alone`, () => {
      fc.assert(
        fc.property(
          contextArb.chain((ctx) => attributeArbs(ctx)[name]!.map((attr) => ({ ctx, attr }))),
          ({ ctx, attr }) => {
            const w = new Writer();
            encodeAttributes([attr], ctx, w);
            const { attributes, problems } = decodeAttributes(w.finish(), ctx);
            expect(problems).toEqual([]);
            expect(attributes).toEqual([attr]);
          },
        ),
      );
    });
  }

  for (const addPath of [false, true]) {
    for (const afi of [1, 2] as const) {
      it(`property: IPv${afi === 1 ? 4 : 6} NLRI bytes ${addPath ? 'with' : 'without'} ADD-PATH re-encode exactly, host bits included`, () => {
        const entry = fc
          .record({
            pathId: fc.uint8Array({ minLength: 4, maxLength: 4 }),
            length: fc.integer({ min: 0, max: afi === 1 ? 32 : 128 }),
            bytes: fc.uint8Array({ minLength: 16, maxLength: 16 }),
          })
          .map(({ pathId, length, bytes }) => {
            const n = (length + 7) >> 3;
            return Uint8Array.of(...(addPath ? pathId : []), length, ...bytes.subarray(0, n));
          });
        fc.assert(
          fc.property(fc.array(entry, { maxLength: 8 }), (entries) => {
            const field = Uint8Array.from(entries.flatMap((e) => [...e]));
            const out: NlriEntry[] = [];
            decodeIpPrefixes(
              new Reader(field, () => new UpdateMessageError(10, 'short')),
              afi,
              addPath,
              out,
            );
            expect(out).toHaveLength(entries.length);
            const w = new Writer();
            encodeIpPrefixes(out, addPath, w);
            expect(toHex(w.finish())).toBe(toHex(field));
          }),
        );
      });
    }
  }

  it('property: arbitrary bytes only ever throw BgpError or report problems', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), contextArb, (bytes, ctx) => {
        onlyBgpErrors(() => {
          const msg = decodeUpdate(bytes, ctx);
          // Whatever decodes also re-encodes.
          encodeBody(msg, ctx);
        });
        onlyBgpErrors(() => decodeAttributes(bytes, ctx));
        onlyBgpErrors(() => decodeAttributes(bytes, ctx, { mrtAbbreviatedMpReach: true }));
        onlyBgpErrors(() => walkUpdatePrefixes(bytes, ctx, () => {}));
      }),
    );
  });

  const corpus = corpusUpdates().filter((u) => u.ok);
  it.skipIf(corpus.length === 0)(
    'property: mutated corpus UPDATEs only ever throw BgpError or report problems',
    () => {
      const mutation = fc.record({
        index: fc.nat({ max: corpus.length - 1 }),
        edits: fc.array(fc.tuple(fc.nat(), u8()), { minLength: 1, maxLength: 4 }),
        cut: fc.option(fc.nat(), { nil: undefined }),
      });
      fc.assert(
        fc.property(mutation, ({ index, edits, cut }) => {
          const u = corpus[index]!;
          let body = Uint8Array.from(u.body);
          for (const [pos, v] of edits) if (body.length > 0) body[pos % body.length] = v;
          if (cut !== undefined) body = body.subarray(0, cut % (body.length + 1));
          for (const ctx of [u.contexts[0]!, DEFAULT_CONTEXT, AS4_CONTEXT]) {
            onlyBgpErrors(() => encodeBody(decodeUpdate(body, ctx), ctx));
            onlyBgpErrors(() => walkUpdatePrefixes(body, ctx, () => {}));
          }
        }),
      );
    },
  );

  it('property: the prefix walk visits exactly the prefixes decodeUpdate returns', () => {
    fc.assert(
      fc.property(updateArb, ({ ctx, msg }) => {
        const body = encodeBody(msg, ctx);
        expect(walkedPrefixes(body, ctx)).toEqual(decodedPrefixes(decodeUpdate(body, ctx)));
      }),
    );
  });

  it.skipIf(corpus.length === 0)(
    'the prefix walk agrees with the decoder on every corpus UPDATE',
    () => {
      let prefixes = 0;
      for (const u of corpus) {
        const ctx = u.contexts[0]!;
        let msg: UpdateMessage;
        try {
          msg = decodeUpdate(u.body, ctx);
        } catch {
          continue;
        }
        const walked = walkedPrefixes(u.body, ctx);
        expect(walked, u.where).toEqual(decodedPrefixes(msg));
        prefixes += walked.length;
      }
      expect(prefixes).toBeGreaterThan(1000);
    },
  );
});

function u8(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 255 });
}

describe('ADD-PATH context', () => {
  it('property: the same bytes decode differently with and without ADD-PATH only through the context', () => {
    fc.assert(
      fc.property(updateArb, ({ ctx, msg }) => {
        const other = createContext({
          fourOctetAs: ctx.fourOctetAs,
          addPath: ctx.addPath.has(familyKey(1, 1)) ? new Set() : new Set([familyKey(1, 1)]),
        });
        const body = encodeBody(msg, ctx);
        // Decoding with the wrong ADD-PATH setting may fail, but only with a BgpError.
        onlyBgpErrors(() => decodeUpdate(body, other));
      }),
    );
  });
});
