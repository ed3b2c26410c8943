/**
 * @bgp/wire codec throughput: decode and encode of whole UPDATE messages, in prefixes/s and
 * MB/s, beside the cost of copying the same bytes (one `slice` per message) measured in the same
 * run, and the allocation-free prefix walk in ns/prefix.
 *
 * Workloads:
 *   dense-ipv4   UPDATEs of 4096 bytes packed with IPv4 /24s (about 1,000 per message)
 *   corpus-mix   every UPDATE in two RIPE RIS update dumps of the shared corpus (real attribute
 *                mixes, mostly IPv6 MP_REACH / MP_UNREACH with a few prefixes each)
 *   ipv6-mp      UPDATEs of 4096 bytes whose MP_REACH_NLRI carries IPv6 /48s
 *
 * Each figure is the median of RUNS runs (default 7); each run repeats the workload until it has
 * taken at least MIN_MS milliseconds (default 250).
 *
 * Run: `npx tsx bench/wire/codec.ts` (env RUNS, MIN_MS; CORPUS to point at another corpus folder).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  AS4_CONTEXT,
  AttributeFlag,
  AttributeType,
  type BgpMessage,
  type CodecContext,
  decodeMessage,
  encodeMessage,
  HEADER_LENGTH,
  mrtMessageContext,
  type NlriEntry,
  readMrtRecords,
  type UpdateMessage,
  walkUpdatePrefixes,
} from '../../packages/wire/src/index.js';

const RUNS = Number(process.env.RUNS ?? 7);
const MIN_MS = Number(process.env.MIN_MS ?? 250);
const corpus =
  process.env.CORPUS ?? fileURLToPath(new URL('../../../shared/corpus', import.meta.url));

interface Workload {
  readonly name: string;
  readonly messages: readonly Uint8Array[];
  readonly contexts: readonly CodecContext[];
  readonly prefixes: number;
  readonly bytes: number;
}

function workload(name: string, messages: Uint8Array[], contexts: CodecContext[]): Workload {
  let prefixes = 0;
  let bytes = 0;
  messages.forEach((m, i) => {
    prefixes += walkUpdatePrefixes(m.subarray(HEADER_LENGTH), contexts[i]!, () => {});
    bytes += m.length;
  });
  return { name, messages, contexts, prefixes, bytes };
}

const WK = AttributeFlag.TRANSITIVE;

/** UPDATEs of at most 4096 bytes, filled with as many prefixes as fit. */
function packed(
  count: number,
  make: (msg: number, i: number) => NlriEntry,
  v6: boolean,
): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let m = 0; m < count; m++) {
    const base: PathAttributeList = [
      { typeCode: AttributeType.ORIGIN, flags: WK, value: 0 },
      {
        typeCode: AttributeType.AS_PATH,
        flags: WK,
        value: [{ type: 2, asns: [65001, 64500, 64511 + m] }],
      },
    ];
    const room = v6 ? (4096 - 19 - 4 - 12 - 8 - 25) / 7 : (4096 - 19 - 4 - 12 - 14 - 7) / 4;
    const nlri = Array.from({ length: Math.floor(room) }, (_, i) => make(m, i));
    const msg: UpdateMessage = v6
      ? {
          type: 'UPDATE',
          withdrawn: [],
          nlri: [],
          attributes: [
            ...base,
            {
              typeCode: AttributeType.MP_REACH_NLRI,
              flags: AttributeFlag.OPTIONAL | AttributeFlag.EXTENDED_LENGTH,
              value: { afi: 2, safi: 1, nextHop: ipv6(0x20010db8, 1), reserved: 0, nlri },
            },
          ],
        }
      : {
          type: 'UPDATE',
          withdrawn: [],
          nlri,
          attributes: [
            ...base,
            { typeCode: AttributeType.NEXT_HOP, flags: WK, value: Uint8Array.of(192, 0, 2, 1) },
          ],
        };
    out.push(encodeMessage(msg, AS4_CONTEXT));
  }
  return out;
}
type PathAttributeList = UpdateMessage['attributes'][number][];

function ipv6(high: number, low: number): Uint8Array {
  const a = new Uint8Array(16);
  new DataView(a.buffer).setUint32(0, high);
  new DataView(a.buffer).setUint32(12, low);
  return a;
}

function denseIpv4(): Workload {
  const msgs = packed(
    200,
    (m, i) => {
      const n = m * 1024 + i;
      return {
        prefix: {
          afi: 1,
          length: 24,
          address: Uint8Array.of(10 + (n >> 16), (n >> 8) & 0xff, n & 0xff, 0),
        },
      };
    },
    false,
  );
  return workload(
    'dense-ipv4 (/24s)',
    msgs,
    msgs.map(() => AS4_CONTEXT),
  );
}

function ipv6Mp(): Workload {
  const msgs = packed(
    200,
    (m, i) => {
      const n = m * 1024 + i;
      const address = new Uint8Array(16);
      address.set([0x20, 0x01, 0x0d, 0xb8, (n >> 8) & 0xff, n & 0xff]);
      return { prefix: { afi: 2, length: 48, address } };
    },
    true,
  );
  return workload(
    'ipv6-mp (/48s)',
    msgs,
    msgs.map(() => AS4_CONTEXT),
  );
}

function corpusMix(): Workload | undefined {
  const files = ['bgp-rs/updates.20190101.0000.gz', 'bgpdump/updates.20160811.1600.gz'].map(
    (f) => `${corpus}/${f}`,
  );
  if (!files.every(existsSync)) return undefined;
  const msgs: Uint8Array[] = [];
  const ctxs: CodecContext[] = [];
  for (const f of files) {
    for (const r of readMrtRecords(gunzipSync(readFileSync(f)))) {
      if (r.kind !== 'MESSAGE' || r.message[18] !== 2) continue;
      const ctx = mrtMessageContext(r);
      try {
        decodeMessage(r.message, ctx);
      } catch {
        continue;
      }
      msgs.push(r.message.slice());
      ctxs.push(ctx);
    }
  }
  return workload('corpus-mix (RIS dumps)', msgs, ctxs);
}

/** Runs `fn` (one pass over the workload) until MIN_MS have passed; returns ms per pass. */
function timePass(fn: () => void): number {
  let passes = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    fn();
    passes++;
    t = performance.now();
  } while (t - t0 < MIN_MS);
  return (t - t0) / passes;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

let sink = 0;
/** One visitor for every call, so that the walk itself allocates nothing. */
const visit = (_kind: unknown, _afi: number, length: number): void => {
  sink += length;
};

function bench(w: Workload): Record<string, string> {
  const decoded: BgpMessage[] = w.messages.map((m, i) => decodeMessage(m, w.contexts[i]!));
  // Bodies sliced once, outside the timed loop, so that the walk allocates nothing.
  const bodies = w.messages.map((m) => m.subarray(HEADER_LENGTH));
  const decode: number[] = [];
  const encode: number[] = [];
  const copy: number[] = [];
  const walk: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    decode.push(
      timePass(() => {
        for (let i = 0; i < w.messages.length; i++)
          sink += decodeMessage(w.messages[i]!, w.contexts[i]!).type.length;
      }),
    );
    encode.push(
      timePass(() => {
        for (let i = 0; i < decoded.length; i++)
          sink += encodeMessage(decoded[i]!, w.contexts[i]!).length;
      }),
    );
    copy.push(
      timePass(() => {
        for (const m of w.messages) sink += m.slice().length;
      }),
    );
    walk.push(
      timePass(() => {
        for (let i = 0; i < bodies.length; i++)
          sink += walkUpdatePrefixes(bodies[i]!, w.contexts[i]!, visit);
      }),
    );
  }
  const mb = w.bytes / 1e6;
  const rate = (ms: number): string =>
    `${(((w.prefixes / ms) * 1e3) / 1e6).toFixed(2)} M prefixes/s, ${((mb / ms) * 1e3).toFixed(0)} MB/s`;
  return {
    workload: w.name,
    size: `${w.messages.length} msgs, ${w.prefixes} prefixes, ${(mb).toFixed(2)} MB`,
    decode: rate(median(decode)),
    encode: rate(median(encode)),
    'copy (slice)': rate(median(copy)),
    'prefix walk': `${((median(walk) * 1e6) / w.prefixes).toFixed(1)} ns/prefix`,
  };
}

const workloads = [denseIpv4(), corpusMix(), ipv6Mp()].filter(
  (w): w is Workload => w !== undefined,
);
console.log(`# @bgp/wire codec bench: node ${process.version}, RUNS=${RUNS}, MIN_MS=${MIN_MS}`);
for (const w of workloads) {
  const r = bench(w);
  console.log(
    Object.entries(r)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n  '),
  );
}
if (sink === 42) console.log('');
