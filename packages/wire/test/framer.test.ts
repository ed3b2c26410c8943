import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  type BgpError,
  type BgpMessage,
  createNotification,
  createRouteRefresh,
  encodeMessage,
  Framer,
  isBgpError,
  KEEPALIVE,
  keepaliveBytes,
  MAX_EXTENDED_MESSAGE_LENGTH,
} from '../src/index.js';
import {
  hex,
  MARKER,
  notificationArb,
  plainOpenArb,
  routeRefreshArb,
  thrown,
  toHex,
} from './message-arbitraries.js';

const KA = keepaliveBytes();
const RR = encodeMessage(createRouteRefresh(1, 1), AS4_CONTEXT);
const NOTIF = encodeMessage(
  createNotification(6, 2, Uint8Array.of(3, 0x62, 0x79, 0x65)),
  AS4_CONTEXT,
);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function drain(f: Framer): Uint8Array[] {
  return [...f];
}

/** Everything a framer produces for a chunking: messages, then the error or the leftover count. */
function run(
  chunks: readonly Uint8Array[],
  maxMessageLength?: number,
): { messages: string[]; end: string } {
  const f = new Framer(maxMessageLength === undefined ? {} : { maxMessageLength });
  const messages: string[] = [];
  for (const c of chunks) {
    f.push(c);
    for (;;) {
      let m: Uint8Array | undefined;
      try {
        m = f.next();
      } catch (err) {
        expect(isBgpError(err)).toBe(true);
        const e = err as BgpError;
        return { messages, end: `error ${e.code}/${e.subcode} ${toHex(e.data)}` };
      }
      if (m === undefined) break;
      messages.push(toHex(m));
    }
  }
  return { messages, end: `buffered ${f.buffered}` };
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

describe('Framer', () => {
  it('yields messages from one chunk as zero-copy views', () => {
    const chunk = concat(KA, RR, NOTIF);
    const f = new Framer();
    f.push(chunk);
    const out = drain(f);
    expect(out.map(toHex)).toEqual([KA, RR, NOTIF].map(toHex));
    for (const m of out) expect(m.buffer).toBe(chunk.buffer);
    expect(out[1]!.byteOffset).toBe(19);
    expect(f.buffered).toBe(0);
  });
  it('copies only a message that straddles chunks, header split included', () => {
    const all = concat(KA, RR, NOTIF);
    const f = new Framer();
    f.push(all.subarray(0, 10)); // header of KA split
    expect(f.next()).toBeUndefined();
    f.push(all.subarray(10, 30)); // rest of KA, start of RR
    const ka = f.next()!;
    expect(toHex(ka)).toBe(toHex(KA));
    expect(f.next()).toBeUndefined();
    f.push(all.subarray(30));
    const [rr, notif] = drain(f);
    expect(toHex(rr!)).toBe(toHex(RR));
    expect(toHex(notif!)).toBe(toHex(NOTIF));
    expect(notif!.buffer).toBe(all.buffer); // NOTIF lies whole in the last chunk: a view again
    expect(f.next()).toBeUndefined();
  });
  it('reassembles a maximum-size message pushed one octet at a time', () => {
    const big = encodeMessage(
      createNotification(6, 0, new Uint8Array(4096 - 21).fill(7)),
      AS4_CONTEXT,
    );
    expect(big.length).toBe(4096);
    const f = new Framer();
    for (let i = 0; i < big.length; i++) {
      expect(f.next()).toBeUndefined();
      f.push(big.subarray(i, i + 1));
    }
    expect(toHex(f.next()!)).toBe(toHex(big));
    expect(f.next()).toBeUndefined();
    expect(f.buffered).toBe(0);
  });
  it('ignores empty chunks', () => {
    const f = new Framer();
    f.push(new Uint8Array(0));
    f.push(KA);
    f.push(new Uint8Array(0));
    expect(drain(f).map(toHex)).toEqual([toHex(KA)]);
  });
});

describe('Framer errors (RFC 4271 §6.1)', () => {
  it('a bad marker is 1/1, detected as soon as the header is in', () => {
    const bad = hex(`${'ff'.repeat(15)}fe 0013 04`);
    const f = new Framer();
    f.push(bad);
    const err = thrown(() => f.next());
    expect([err.code, err.subcode, err.data.length]).toEqual([1, 1, 0]);
    expect(err.name).toBe('MessageHeaderError');
  });
  it('a length under 19 or over the maximum is 1/2 with the length field as data', () => {
    for (const [len, max] of [
      ['0012', 4096],
      ['0000', 4096],
      ['1001', 4096],
      ['ffff', 4096],
    ] as const) {
      const f = new Framer({ maxMessageLength: max });
      f.push(hex(`${MARKER} ${len} 02`)); // only the header: the error comes before the body
      const err = thrown(() => f.next());
      expect([err.code, err.subcode, toHex(err.data)]).toEqual([1, 2, len]);
    }
  });
  it('per-type lengths: OPEN >= 29, UPDATE >= 23, KEEPALIVE = 19, NOTIFICATION >= 21, ROUTE-REFRESH >= 23', () => {
    for (const [len, type] of [
      ['001c', '01'],
      ['0016', '02'],
      ['0014', '04'],
      ['0014', '03'],
      ['0016', '05'],
    ]) {
      const f = new Framer();
      f.push(hex(`${MARKER} ${len} ${type}`));
      const err = thrown(() => f.next());
      expect([err.code, err.subcode, toHex(err.data)]).toEqual([1, 2, len]);
    }
  });
  it('an unknown type is 1/3 with the type octet as data', () => {
    for (const type of ['00', '06', 'ff']) {
      const f = new Framer();
      f.push(hex(`${MARKER} 0013 ${type}`));
      const err = thrown(() => f.next());
      expect([err.code, err.subcode, toHex(err.data)]).toEqual([1, 3, type]);
    }
  });
  it('extended messages (RFC 8654): 65535 once negotiated, but never for OPEN', () => {
    const f = new Framer();
    f.push(hex(`${MARKER} 2000 02`));
    expect(thrown(() => f.next()).subcode).toBe(2);
    const g = new Framer();
    g.maxMessageLength = MAX_EXTENDED_MESSAGE_LENGTH;
    g.push(hex(`${MARKER} 2000 02`));
    expect(g.next()).toBeUndefined(); // header accepted, waiting for 8192 octets
    expect(g.buffered).toBe(19);
    const h = new Framer({ maxMessageLength: MAX_EXTENDED_MESSAGE_LENGTH });
    h.push(hex(`${MARKER} 1001 01`));
    expect(thrown(() => h.next()).subcode).toBe(2);
  });
  it('an error sticks until reset()', () => {
    const f = new Framer();
    f.push(concat(KA, hex(`${MARKER} 0013 09`)));
    expect(toHex(f.next()!)).toBe(toHex(KA));
    const first = thrown(() => f.next());
    expect(thrown(() => f.next())).toBe(first);
    f.push(KA);
    expect(thrown(() => f.next())).toBe(first);
    f.reset();
    f.push(KA);
    expect(toHex(f.next()!)).toBe(toHex(KA));
  });
});

const messageArb: fc.Arbitrary<BgpMessage> = fc.oneof(
  plainOpenArb,
  notificationArb,
  routeRefreshArb,
  fc.constant(KEEPALIVE),
);
/** A stream of valid messages, maybe followed by junk (which may or may not frame). */
const streamArb = fc
  .tuple(
    fc.array(messageArb, { maxLength: 6 }),
    fc.option(fc.uint8Array({ maxLength: 40 }), { nil: undefined }),
  )
  .map(([msgs, junk]) =>
    concat(...msgs.map((m) => encodeMessage(m, AS4_CONTEXT)), junk ?? new Uint8Array(0)),
  );

describe('Framer properties', () => {
  it('property: output is independent of chunking (every split position of small streams)', () => {
    fc.assert(
      fc.property(
        fc
          .tuple(
            fc.array(fc.constantFrom(KA, RR, NOTIF), { maxLength: 3 }),
            fc.uint8Array({ maxLength: 8 }),
          )
          .map(([parts, junk]) => concat(...parts, junk)),
        (bytes) => {
          const whole = run([bytes]);
          for (let i = 0; i <= bytes.length; i++) {
            expect(run([bytes.subarray(0, i), bytes.subarray(i)])).toEqual(whole);
          }
          expect(run(splitAt(bytes, [...Array(bytes.length).keys()]))).toEqual(whole); // one octet at a time
        },
      ),
    );
  });
  it('property: output is independent of chunking (random chunkings of larger streams)', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { maxLength: 30 }), (bytes, cuts) => {
        const whole = run([bytes]);
        expect(run(splitAt(bytes, cuts))).toEqual(whole);
      }),
    );
  });
  it('property: a stream of valid messages frames back into exactly those messages', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (msgs, cuts) => {
          const encoded = msgs.map((m) => toHex(encodeMessage(m, AS4_CONTEXT)));
          const bytes = hex(encoded.join(''));
          expect(run(splitAt(bytes, cuts))).toEqual({ messages: encoded, end: 'buffered 0' });
        },
      ),
    );
  });
  it('property: arbitrary bytes only ever throw a BgpError', () => {
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => concat(hex(MARKER), b)),
      fc
        .tuple(fc.integer({ min: 0, max: 0xffff }), fc.nat(255), fc.uint8Array({ maxLength: 100 }))
        .map(([len, type, b]) => concat(hex(MARKER), Uint8Array.of(len >> 8, len & 0xff, type), b)),
    );
    fc.assert(
      fc.property(
        input,
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.boolean(),
        (bytes, cuts, ext) => {
          run(splitAt(bytes, cuts), ext ? MAX_EXTENDED_MESSAGE_LENGTH : undefined);
        },
      ),
    );
  });
});
