/**
 * The table the peer benchmarks replay: IPv4 prefixes with attribute sets, synthetic or read
 * from an MRT TABLE_DUMP_V2 dump, and its pre-encoded UPDATE stream.
 *
 * The synthetic table is deterministic (seeded), so the feeder, the daemons' configurations and
 * our receiver's child process all rebuild the same prefixes from the same numbers. Its shape
 * follows a full Internet table: mostly /24, then /22-/23, /16-/21 and a few /8-/15; about one
 * attribute set per ten prefixes with a long tail (a set covers consecutive prefixes, as one
 * origin announces neighbouring blocks); AS paths of 2 to 6 ASNs whose first ASN is the
 * sending peer's (FRR enforces the first AS) and some communities.
 *
 * @module
 */
import {
  AS4_CONTEXT,
  type CodecContext,
  decodeAttributeList,
  encodeMessage,
  endOfRib,
  makePrefix,
  type PathAttribute,
  type Prefix,
  readMrtStream,
  type UpdateMessage,
} from '@bgp/wire';

/** A table: parallel arrays, one entry per prefix, ordered by attribute set. */
export interface Table {
  /** Network address of each prefix, host bits clear. */
  readonly address: Uint32Array;
  /** Prefix length of each prefix. */
  readonly length: Uint8Array;
  /** Index of the first prefix of each attribute set; `setStart[i + 1]` ends set i. */
  readonly setStart: Uint32Array;
  /** Attribute sets as wire attributes (ORIGIN, AS_PATH, NEXT_HOP, ...), 4-octet AS. */
  readonly sets: readonly (readonly PathAttribute[])[];
}

/** Number of prefixes in a table. */
export function tableSize(t: Table): number {
  return t.address.length;
}

/** A deterministic 32-bit PRNG (xorshift), so every process builds the same table. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** Prefix-length mix (percent). Roughly the shape of a 2024 IPv4 table. */
const LENGTH_MIX: ReadonlyArray<readonly [number, number]> = [
  [24, 58],
  [23, 10],
  [22, 12],
  [21, 5],
  [20, 5],
  [19, 4],
  [18, 2],
  [17, 1.5],
  [16, 1.5],
  [15, 0.3],
  [14, 0.3],
  [13, 0.2],
  [12, 0.1],
  [11, 0.05],
  [10, 0.03],
  [9, 0.01],
  [8, 0.01],
];

// Unicast space only (1/8-126/8, 128/8-223/8): daemons drop martians, which would skew counts.
const BLOCKS = [
  ...Array.from({ length: 126 }, (_, i) => i + 1),
  ...Array.from({ length: 96 }, (_, i) => i + 128),
];

/** The `index`-th /length block of unicast space, or undefined when the space is exhausted. */
function blockAddress(length: number, index: number): number | undefined {
  const perSlash8 = 2 ** (length - 8);
  const slash8 = Math.floor(index / perSlash8);
  const first = BLOCKS[slash8];
  if (first === undefined) return undefined;
  const rest = index % perSlash8;
  return ((first << 24) | (rest << (32 - length))) >>> 0;
}

/** Options of {@link syntheticTable}. */
export interface SyntheticOptions {
  /** Number of prefixes. */
  readonly prefixes: number;
  /** Prefixes per attribute set on average (default 10). */
  readonly perSet?: number;
  /** The sending peer's AS: first ASN of every path and community high half. */
  readonly peerAs: number;
  /** NEXT_HOP (4 bytes; not loopback: GoBGP turns a loopback next hop into a withdraw). */
  readonly nextHop: Uint8Array;
  /** Which slice of the prefix space: tables with different `slice` never share a prefix. */
  readonly slice?: number;
  /** Number of slices the space is cut into (default 1). */
  readonly slices?: number;
  /** PRNG seed (default 1). */
  readonly seed?: number;
}

/**
 * Builds a synthetic table. Prefix i of slice s is the (i * slices + s)-th block of its length,
 * so slices are disjoint and each is as realistic as the whole.
 *
 * @param o - size, peer, slice
 * @returns the table
 */
export function syntheticTable(o: SyntheticOptions): Table {
  const n = o.prefixes;
  const slices = o.slices ?? 1;
  const slice = o.slice ?? 0;
  const rand = rng((o.seed ?? 1) * 7919 + slice);
  const address = new Uint32Array(n);
  const length = new Uint8Array(n);
  const used = new Map<number, number>();
  const total = LENGTH_MIX.reduce((a, [, w]) => a + w, 0);
  for (let i = 0; i < n; i++) {
    let pick = rand() * total;
    let len = 24;
    for (const [l, w] of LENGTH_MIX) {
      pick -= w;
      if (pick <= 0) {
        len = l;
        break;
      }
    }
    for (;;) {
      const k = used.get(len) ?? 0;
      const a = blockAddress(len, k * slices + slice);
      if (a !== undefined) {
        used.set(len, k + 1);
        address[i] = a;
        length[i] = len;
        break;
      }
      if (len === 24) throw new RangeError(`${n} prefixes do not fit the unicast space`);
      len = 24;
    }
  }
  // Attribute sets: sizes drawn from an exponential distribution (mean perSet, long tail).
  const perSet = o.perSet ?? 10;
  const starts: number[] = [];
  const sets: PathAttribute[][] = [];
  for (let i = 0; i < n; ) {
    starts.push(i);
    const size = Math.max(1, Math.min(400, Math.round(-Math.log(1 - rand()) * perSet)));
    i += size;
    const s = sets.length;
    const hops = 2 + Math.floor(rand() * 5); // 2-6 ASNs
    const asns = [o.peerAs];
    for (let h = 2; h < hops; h++) asns.push(1000 + Math.floor(rand() * 60000));
    asns.push(200000 + slice * 1_000_000 + s); // a distinct origin AS per set: sets are distinct
    const communities: number[] = [];
    for (let c = Math.floor(rand() * 4); c > 0; c--) {
      communities.push(((o.peerAs & 0xffff) * 65536 + Math.floor(rand() * 1000)) >>> 0);
    }
    const attrs: PathAttribute[] = [
      { typeCode: 1, flags: 0x40, value: rand() < 0.9 ? 0 : 2 },
      { typeCode: 2, flags: 0x40, value: [{ type: 2, asns }] },
      { typeCode: 3, flags: 0x40, value: o.nextHop },
    ];
    if (rand() < 0.3) attrs.push({ typeCode: 4, flags: 0x80, value: Math.floor(rand() * 1000) });
    if (communities.length > 0) attrs.push({ typeCode: 8, flags: 0xc0, value: communities });
    sets.push(attrs);
  }
  starts.push(n);
  return { address, length, setStart: Uint32Array.from(starts), sets };
}

/** The prefix object of entry i (allocates; not for hot paths). */
export function prefixAt(t: Table, i: number): Prefix {
  const a = t.address[i]!;
  return makePrefix(
    Uint8Array.of(a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255),
    t.length[i]!,
  );
}

/** Dotted text of entry i. */
export function prefixText(t: Table, i: number): string {
  const a = t.address[i]!;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/${t.length[i]}`;
}

/**
 * Reads the IPv4 unicast prefixes of an MRT TABLE_DUMP_V2 dump, keeping the first entry's
 * attributes with the AS path rewritten to start at `peerAs` (the feeder is that peer) and the
 * next hop replaced, and grouping prefixes that share attributes as a router would pack them.
 *
 * @param file - MRT file (gzip/bzip2 detected)
 * @param o - peer AS, next hop, maximum number of prefixes
 * @returns the table
 */
export async function mrtTable(
  file: string,
  o: { peerAs: number; nextHop: Uint8Array; max: number },
): Promise<Table> {
  const byAttrs = new Map<string, { attrs: PathAttribute[]; prefixes: number[] }>();
  const seen = new Set<number>();
  let count = 0;
  for await (const rec of readMrtStream(file)) {
    if (count >= o.max) break;
    if (rec.kind !== 'RIB' || rec.afi !== 1 || rec.safi !== 1 || !rec.prefix) continue;
    const e = rec.entries[0];
    if (!e) continue;
    const p = rec.prefix;
    const a =
      ((p.address[0]! << 24) | (p.address[1]! << 16) | (p.address[2]! << 8) | p.address[3]!) >>> 0;
    const first = a >>> 24;
    if (first === 0 || first === 127 || first >= 224) continue;
    const key = a * 33 + p.length;
    if (seen.has(key)) continue;
    seen.add(key);
    const { attributes } = decodeAttributeList(e.attributes, 0, e.attributes.length, AS4_CONTEXT);
    const kept: PathAttribute[] = [];
    for (const attr of attributes) {
      if (attr.raw) continue;
      if (attr.typeCode === 2) {
        const asns = attr.value.flatMap((s) => [...s.asns]).filter((x) => x !== o.peerAs);
        kept.push({
          typeCode: 2,
          flags: 0x40,
          value: [{ type: 2, asns: [o.peerAs, ...asns.slice(0, 20)] }],
        });
      } else if (attr.typeCode === 1 || attr.typeCode === 4 || attr.typeCode === 8) kept.push(attr);
    }
    if (!kept.some((x) => x.typeCode === 1)) kept.unshift({ typeCode: 1, flags: 0x40, value: 0 });
    if (!kept.some((x) => x.typeCode === 2))
      kept.push({ typeCode: 2, flags: 0x40, value: [{ type: 2, asns: [o.peerAs] }] });
    kept.push({ typeCode: 3, flags: 0x40, value: o.nextHop });
    kept.sort((x, y) => x.typeCode - y.typeCode);
    const k = JSON.stringify(kept, (_, v) => (v instanceof Uint8Array ? [...v] : v));
    let g = byAttrs.get(k);
    if (!g) {
      g = { attrs: kept, prefixes: [] };
      byAttrs.set(k, g);
    }
    g.prefixes.push(a, p.length);
    count++;
  }
  const address = new Uint32Array(count);
  const length = new Uint8Array(count);
  const starts: number[] = [];
  const sets: PathAttribute[][] = [];
  let i = 0;
  for (const g of byAttrs.values()) {
    starts.push(i);
    sets.push(g.attrs);
    for (let j = 0; j < g.prefixes.length; j += 2) {
      address[i] = g.prefixes[j]!;
      length[i] = g.prefixes[j + 1]!;
      i++;
    }
  }
  starts.push(i);
  return { address, length, setStart: Uint32Array.from(starts), sets };
}

/** A pre-encoded UPDATE stream. */
export interface EncodedStream {
  /** Chunks of whole messages (about 64 KiB each), End-of-RIB last. */
  readonly chunks: readonly Uint8Array[];
  /** Total bytes. */
  readonly bytes: number;
  /** UPDATE messages, End-of-RIB included. */
  readonly messages: number;
}

const MAX_MESSAGE = 4096;
const CHUNK = 64 * 1024;

/**
 * Encodes the table as UPDATEs, each packed with as many prefixes of its attribute set as fit
 * in 4096 bytes, followed by the IPv4 End-of-RIB (RFC 4724 §2). Done before connecting, so that
 * encoding never slows the feeder down.
 *
 * @param t - the table
 * @param ctx - the session's codec context (4-octet AS)
 * @returns the stream
 */
export function encodeStream(t: Table, ctx: CodecContext = AS4_CONTEXT): EncodedStream {
  const chunks: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let bytes = 0;
  let messages = 0;
  const push = (m: Uint8Array): void => {
    if (pendingBytes + m.length > CHUNK) {
      chunks.push(Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
    }
    pending.push(m);
    pendingBytes += m.length;
    bytes += m.length;
    messages++;
  };
  for (let s = 0; s < t.sets.length; s++) {
    const attributes = t.sets[s]!;
    const empty: UpdateMessage = { type: 'UPDATE', withdrawn: [], attributes, nlri: [] };
    const room = MAX_MESSAGE - encodeMessage(empty, ctx).length;
    const end = t.setStart[s + 1]!;
    let i = t.setStart[s]!;
    while (i < end) {
      const nlri: { prefix: Prefix }[] = [];
      let used = 0;
      while (i < end) {
        const size = 1 + ((t.length[i]! + 7) >> 3);
        if (used + size > room) break;
        used += size;
        nlri.push({ prefix: prefixAt(t, i) });
        i++;
      }
      push(encodeMessage({ type: 'UPDATE', withdrawn: [], attributes, nlri }, ctx));
    }
  }
  push(encodeMessage(endOfRib(1, 1), ctx));
  if (pending.length > 0) chunks.push(Buffer.concat(pending));
  return { chunks, bytes, messages };
}
