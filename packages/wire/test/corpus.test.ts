/**
 * The shared corpus of real BGP messages (/work/shared/corpus, described by its SOURCES.md):
 * every listed message decodes (status=ok) or fails with the typed error (everything else), and
 * decoded messages re-encode byte for byte. MRT files are read to the end and their counts are
 * compared with bgpdump's expected `-m` output.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { guessFourOctetAs } from '../src/cli/as-width.js';
import {
  AttributeType,
  type BgpMessage,
  type CodecContext,
  createContext,
  decodeMessage,
  decodeMrtMessage,
  decodeRibEntryAttributes,
  encodeMessage,
  familyKey,
  formatAddress,
  formatPrefix,
  isBgpError,
  type MrtRecord,
  type NlriEntry,
  parseAddress,
  readMrtStream,
  type UpdateMessage,
  UpdateMessageErrorSubcode,
} from '../src/index.js';
import {
  corpusAvailable,
  corpusDir,
  corpusFiles,
  corpusMissing,
  type HexEntry,
  readListing,
} from './corpus-listing.js';

/** ExaBGP family names (its config syntax) to AFI/SAFI. */
const EXABGP_FAMILIES: Record<string, [number, number]> = {
  'ipv4 unicast': [1, 1],
  'ipv4 multicast': [1, 2],
  'ipv4 nlri-mpls': [1, 4],
  'ipv4 mcast-vpn': [1, 5],
  'ipv4 sr-policy': [1, 73],
  'ipv4 mup': [1, 85],
  'ipv4 mpls-vpn': [1, 128],
  'ipv4 flow': [1, 133],
  'ipv4 flow-vpn': [1, 134],
  'ipv6 unicast': [2, 1],
  'ipv6 multicast': [2, 2],
  'ipv6 nlri-mpls': [2, 4],
  'ipv6 mcast-vpn': [2, 5],
  'ipv6 sr-policy': [2, 73],
  'ipv6 mup': [2, 85],
  'ipv6 mpls-vpn': [2, 128],
  'ipv6 flow': [2, 133],
  'ipv6 flow-vpn': [2, 134],
  'l2vpn vpls': [25, 65],
  'l2vpn evpn': [25, 70],
};

function exabgpFamilies(block: string | undefined): number[] {
  if (block === undefined) return [];
  const words = block.trim().split(/\s+/);
  const out: number[] = [];
  for (let i = 0; i + 1 < words.length; i += 2) {
    const f = EXABGP_FAMILIES[`${words[i]} ${words[i + 1]}`];
    if (f) out.push(familyKey(f[0], f[1]));
  }
  return out;
}

/** How the context of a message was found, for failure reports. */
type Basis = 'mrt' | 'session' | 'bmp' | 'exabgp' | 'guess';

/** Per-listing state: BMP peer-up OPENs seen so far, by peer. */
interface ListingState {
  readonly bmpOpens: Map<string, { sent?: BgpMessage; received?: BgpMessage }>;
}

/**
 * The codec context for a listed message, from its comment fields (SOURCES.md): MRT `as4=` and
 * `addpath=`; pcap `session: as4=… addpath-in-this-direction=…`; BMP (4-octet AS unless the
 * per-peer A flag 0x20 is set; ADD-PATH from the peer-up OPENs); ExaBGP `# session:` blocks;
 * otherwise a guess from the message's AGGREGATOR / AS_PATH layout.
 */
function contextFor(e: HexEntry, state: ListingState): { ctx: CodecContext; basis: Basis } {
  const text = e.comments.join(' ');
  const make = (
    fourOctetAs: boolean,
    addPath: Iterable<number> = [],
    extendedNextHop: Iterable<number> = [],
  ): CodecContext =>
    createContext({
      fourOctetAs,
      addPath: new Set(addPath),
      extendedMessage: true,
      extendedNextHop: new Set(extendedNextHop),
    });
  const mrt = /\bas4=(yes|no) addpath=(yes|no)\b/.exec(text);
  if (mrt) {
    const every = [1, 2].flatMap((afi) => [1, 2, 4, 128].map((safi) => familyKey(afi, safi)));
    return { ctx: make(mrt[1] === 'yes', mrt[2] === 'yes' ? every : []), basis: 'mrt' };
  }
  const session = /session: as4=(yes|no) addpath-in-this-direction=(\S+)/.exec(text);
  if (session) {
    const fams =
      session[2] === 'none'
        ? []
        : session[2]!.split(',').map((s) => {
            const [afi, safi] = s.split('/').map(Number);
            return familyKey(afi!, safi!);
          });
    return { ctx: make(session[1] === 'yes', fams), basis: 'session' };
  }
  const bmp = /peer-flags=0x([0-9a-f]+) peer-as=\d+ peer=(\S+)/.exec(text);
  if (bmp) {
    const as4 = (Number.parseInt(bmp[1]!, 16) & 0x20) === 0;
    const opens = state.bmpOpens.get(bmp[2]!);
    return { ctx: make(as4, bmpAddPath(opens?.sent, opens?.received)), basis: 'bmp' };
  }
  const exa = /session: (.*)$/.exec(e.comments.find((c) => c.startsWith('session:')) ?? '');
  if (exa) {
    const s = exa[1]!;
    const caps = /capability\{([^}]*)\}/.exec(s)?.[1] ?? '';
    const as4 = !/asn4 disable/.test(caps);
    const addPath = /add-path (send|send\/receive)/.test(caps)
      ? exabgpFamilies(/add-path\{([^}]*)\}/.exec(s)?.[1] ?? /family\{([^}]*)\}/.exec(s)?.[1])
      : [];
    // `nexthop true` is ExaBGP's extended next hop capability (RFC 8950) for its families.
    const families = exabgpFamilies(/family\{([^}]*)\}/.exec(s)?.[1]);
    const extendedNextHop = /nexthop true/.test(caps) ? families : [];
    return { ctx: make(as4, addPath, extendedNextHop), basis: 'exabgp' };
  }
  if (e.file.startsWith('exabgp/')) return { ctx: make(true), basis: 'exabgp' };
  return { ctx: make(guessFourOctetAs(e.bytes) ?? true), basis: 'guess' };
}

/** ADD-PATH families for UPDATEs a BMP-monitored router received from its peer (RFC 7911 §4). */
function bmpAddPath(sent: BgpMessage | undefined, received: BgpMessage | undefined): number[] {
  if (sent?.type !== 'OPEN' || received?.type !== 'OPEN') return [];
  const modes = (m: BgpMessage): Map<number, number> => {
    const out = new Map<number, number>();
    if (m.type !== 'OPEN') return out;
    for (const c of m.capabilities) {
      if (c.name === 'ADD_PATH')
        for (const f of c.families) out.set(familyKey(f.afi, f.safi), f.mode);
    }
    return out;
  };
  const local = modes(sent);
  const peer = modes(received);
  // The peer sends path identifiers when it may send (2|3) and the local side may receive (1|3).
  return [...peer]
    .filter(([k, m]) => (m & 2) !== 0 && ((local.get(k) ?? 0) & 1) !== 0)
    .map(([k]) => k);
}

function noteBmpOpen(e: HexEntry, msg: BgpMessage, state: ListingState): void {
  const text = e.comments.join(' ');
  const peer = /peer=(\S+)/.exec(text)?.[1];
  if (peer === undefined || msg.type !== 'OPEN') return;
  const rec = state.bmpOpens.get(peer) ?? {};
  if (text.includes('peer-up-sent-open')) rec.sent = msg;
  if (text.includes('peer-up-received-open')) rec.received = msg;
  state.bmpOpens.set(peer, rec);
}

/** An ok-status message that does not decode cleanly, for a stated reason. */
interface OkException {
  /** Why the listing's "ok" and our decoder disagree. */
  readonly reason: string;
  /** Exactly how many listed messages the rule covers (so that it cannot silently grow). */
  readonly count: number;
  readonly match: (o: Outcome) => boolean;
}

const at =
  (file: string, ...lines: number[]) =>
  (o: Outcome): boolean =>
    o.entry.file === file && lines.includes(o.entry.line);

const FRR_BMP = 'pmacct-test-automation/205-BMP-6wind-FRR-peer_down_traffic-00.pcap.hex';

/**
 * The allow-list: ok-status messages where our decoder (rightly) reports an error. The listings'
 * walker checks framing and attribute layout, not RFC 4271 §6.3 semantics, so it calls these ok.
 */
const OK_EXCEPTIONS: readonly OkException[] = [
  {
    reason:
      'ExaBGP generic-attribute test sends type 153 with the Optional bit clear (flags 0x60, 0x70): ' +
      'an unrecognised well-known attribute, error 3/2 (RFC 4271 §6.3)',
    count: 2,
    match: at('exabgp/encoding.hex', 260, 265),
  },
  {
    reason:
      'tcpdump fuzz capture: attribute types 171 and 114 with well-known flags (0x40), ' +
      'an unrecognised well-known attribute, error 3/2 (RFC 4271 §6.3)',
    count: 2,
    match: at('tcpdump/bgp-aigp-oobr.pcap.hex', 7, 11),
  },
  {
    reason:
      'SOURCES.md itself calls this crafted UPDATE malformed (two MP_REACH and two MP_UNREACH, ' +
      'NEXT_HOP of length 0, ADD-PATH ids in every NLRI field) though its listing line says ok',
    count: 1,
    match: at('tcpdump/bgp-addpath.pcap.hex', 7),
  },
  {
    reason:
      'FRR/6WIND BMP route monitoring whose AS_PATH has 2-octet AS numbers (one segment, AS ' +
      '65000) although the per-peer A flag is clear, so it is read with 4-octet ones',
    count: 2,
    match: at(FRR_BMP, 413, 415),
  },
  {
    reason:
      'FRR/6WIND BMP (Loc-RIB and post-policy) UPDATEs with IPv4 NLRI but no NEXT_HOP: a missing ' +
      'well-known mandatory attribute, treat-as-withdraw (RFC 4271 §5, RFC 7606 §3.d)',
    count: 140,
    match: (o) =>
      o.entry.file === FRR_BMP &&
      o.msg?.type === 'UPDATE' &&
      o.msg.problems?.every(
        (p) =>
          p.error.subcode === UpdateMessageErrorSubcode.MISSING_WELL_KNOWN_ATTRIBUTE &&
          p.error.data[0] === AttributeType.NEXT_HOP,
      ) === true,
  },
];

/**
 * The `bird6_bgp` trap: the listing's walker did not parse MP_REACH NLRI, so it marked these
 * ok; the records are plain MESSAGE_AS4 but their IPv6 NLRI carry ADD-PATH path identifiers
 * (BIRD wrote the non-ADDPATH subtype for a session that negotiated ADD-PATH, as SOURCES.md
 * describes for `bird_bgp`). They must decode cleanly once ADD-PATH is assumed.
 */
const ADD_PATH_MISLABELLED = /^mrtparse\/bird6_bgp\.hex$/;

interface Outcome {
  readonly entry: HexEntry;
  readonly basis: Basis;
  readonly msg?: BgpMessage;
  readonly error?: unknown;
  readonly reencoded?: Uint8Array;
  readonly encodeError?: unknown;
  readonly ctx: CodecContext;
}

function decodeAll(): Outcome[] {
  const out: Outcome[] = [];
  for (const path of corpusFiles().filter((p) => p.endsWith('.hex'))) {
    // A bare BGP-LS NLRI, not a message (its own header says so).
    if (basename(path) === 'decoding-fragments.hex') continue;
    const state: ListingState = { bmpOpens: new Map() };
    for (const entry of readListing(path)) {
      let { ctx, basis } = contextFor(entry, state);
      if (entry.status === 'ok' && ADD_PATH_MISLABELLED.test(entry.file)) {
        const every = [familyKey(1, 1), familyKey(2, 1), familyKey(1, 2), familyKey(2, 2)];
        try {
          decodeMessage(entry.bytes, ctx);
        } catch {
          ctx = createContext({ ...ctx, addPath: new Set(every) });
        }
      }
      try {
        const msg = decodeMessage(entry.bytes, ctx);
        if (/peer-up-(sent|received)-open/.test(entry.comments.join(' ')))
          noteBmpOpen(entry, msg, state);
        try {
          out.push({ entry, basis, ctx, msg, reencoded: encodeMessage(msg, ctx) });
        } catch (encodeError) {
          out.push({ entry, basis, ctx, msg, encodeError });
        }
      } catch (error) {
        out.push({ entry, basis, ctx, error });
      }
    }
  }
  return out;
}

const outcomes = corpusAvailable ? decodeAll() : [];
const isOk = (o: Outcome): boolean =>
  o.entry.status === 'ok' || (o.entry.status === undefined && o.entry.file.startsWith('exabgp/'));
const okOutcomes = outcomes.filter(isOk);
const badOutcomes = outcomes.filter((o) => !isOk(o));
const fmt = (n: number): string => n.toLocaleString('en-US');
const where = (o: Outcome): string => `${o.entry.file}:${o.entry.line}`;

function describeFailure(o: Outcome): string {
  const why =
    o.error !== undefined
      ? `${(o.error as Error).name}: ${(o.error as Error).message}`
      : o.encodeError !== undefined
        ? `encode threw ${(o.encodeError as Error).name}: ${(o.encodeError as Error).message}`
        : o.msg?.type === 'UPDATE' && o.msg.problems
          ? `RFC 7606: ${o.msg.problems.map((p) => p.error.message).join('; ')}`
          : 'bytes differ after re-encode';
  return `${where(o)} [${o.basis} as4=${o.ctx.fourOctetAs}] ${why}`;
}

/** The `update` object of an entry's `# json:` line (ExaBGP's decoding), if it has one. */
function exabgpUpdate(o: Outcome): ExabgpUpdate | undefined {
  const line = o.entry.comments.find((c) => c.startsWith('json: '));
  if (line === undefined) return undefined;
  const j = JSON.parse(line.slice(6)) as { neighbor?: { message?: { update?: ExabgpUpdate } } };
  return j.neighbor?.message?.update;
}

interface ExabgpUpdate {
  attribute?: Record<string, unknown>;
  announce?: Record<string, Record<string, { nlri: string; 'path-information'?: string }[]>>;
  withdraw?: Record<string, { nlri: string; 'path-information'?: string }[]>;
}

const UNICAST = ['ipv4 unicast', 'ipv6 unicast'];

/** What both decoders state in comparable form: sorted unicast routes and a few attributes. */
function exabgpView(u: ExabgpUpdate): unknown {
  const route = (r: { nlri: string; 'path-information'?: string }): string =>
    r['path-information'] === undefined ? r.nlri : `${r.nlri}#${r['path-information']}`;
  const announce = UNICAST.flatMap((f) =>
    Object.values(u.announce?.[f] ?? {})
      .flat()
      .map(route),
  ).sort();
  const withdraw = UNICAST.flatMap((f) => (u.withdraw?.[f] ?? []).map(route)).sort();
  const a = u.attribute ?? {};
  return {
    announce,
    withdraw,
    origin: a.origin,
    med: a.med,
    localPref: a['local-preference'],
    originatorId: a['originator-id'],
  };
}

function ourView(m: UpdateMessage): unknown {
  const dotted = (n: number): string =>
    [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  const route = (e: NlriEntry): string =>
    e.pathId === undefined
      ? formatPrefix(e.prefix)
      : `${formatPrefix(e.prefix)}#${dotted(e.pathId)}`;
  const announce = m.nlri.map(route);
  const withdraw = m.withdrawn.map(route);
  const view: Record<string, unknown> = {};
  for (const a of m.attributes) {
    if (a.raw) continue;
    if (a.typeCode === AttributeType.MP_REACH_NLRI && a.value.safi === 1)
      announce.push(...a.value.nlri.map(route));
    if (a.typeCode === AttributeType.MP_UNREACH_NLRI && a.value.safi === 1)
      withdraw.push(...a.value.withdrawn.map(route));
    if (a.typeCode === AttributeType.ORIGIN) view.origin = ['igp', 'egp', 'incomplete'][a.value];
    if (a.typeCode === AttributeType.MULTI_EXIT_DISC) view.med = a.value;
    if (a.typeCode === AttributeType.LOCAL_PREF) view.localPref = a.value;
    if (a.typeCode === AttributeType.ORIGINATOR_ID) view.originatorId = dotted(a.value);
  }
  const { origin, med, localPref, originatorId } = view;
  return {
    announce: announce.sort(),
    withdraw: withdraw.sort(),
    origin,
    med,
    localPref,
    originatorId,
  };
}

function cleanRoundTrip(o: Outcome): boolean {
  if (o.msg === undefined || o.reencoded === undefined) return false;
  if (o.msg.type === 'UPDATE' && o.msg.problems !== undefined && o.msg.problems.length > 0)
    return false;
  return Buffer.from(o.reencoded).equals(o.entry.bytes);
}

describe.skipIf(!corpusAvailable)(`corpus .hex listings (${corpusDir})`, () => {
  const allowListed = OK_EXCEPTIONS.reduce((n, x) => n + x.count, 0);
  it(`decodes ${fmt(okOutcomes.length - allowListed)} ok messages with no error and re-encodes them byte for byte (${allowListed} more allow-listed with reasons)`, () => {
    const failures = okOutcomes
      .filter((o) => !OK_EXCEPTIONS.some((x) => x.match(o)) && !cleanRoundTrip(o))
      .map(describeFailure);
    expect(failures).toEqual([]);
  });

  it(`gives the typed error for all ${fmt(badOutcomes.length)} malformed, incomplete and bad-marker items`, () => {
    const failures: string[] = [];
    for (const o of badOutcomes) {
      if (o.error !== undefined) {
        if (!isBgpError(o.error)) failures.push(`${describeFailure(o)} (not a BgpError)`);
      } else if (
        o.msg?.type !== 'UPDATE' ||
        o.msg.problems === undefined ||
        o.msg.problems.length === 0
      ) {
        failures.push(`${where(o)} [${o.entry.status}] decoded as ${o.msg?.type} without an error`);
      }
    }
    expect(failures).toEqual([]);
  });

  const exabgp = okOutcomes.filter(
    (o) => o.msg?.type === 'UPDATE' && exabgpUpdate(o) !== undefined,
  );
  it(`agrees with ExaBGP's own JSON for ${exabgp.length} UPDATEs: unicast prefixes, path ids, origin, MED, local-pref, originator`, () => {
    const failures: string[] = [];
    for (const o of exabgp) {
      const want = exabgpView(exabgpUpdate(o)!);
      const got = ourView(o.msg as UpdateMessage);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        failures.push(`${where(o)}: ExaBGP ${JSON.stringify(want)} ours ${JSON.stringify(got)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(exabgp.length).toBeGreaterThan(100);
  });

  it(`allow-lists ${allowListed} ok messages under ${OK_EXCEPTIONS.length} rules, each matching exactly its count of messages that really fail with a typed error`, () => {
    for (const x of OK_EXCEPTIONS) {
      const hits = okOutcomes.filter(x.match);
      expect({ reason: x.reason, hits: hits.length }).toEqual({ reason: x.reason, hits: x.count });
      for (const o of hits) {
        expect(cleanRoundTrip(o), where(o)).toBe(false);
        const typed =
          o.error !== undefined
            ? isBgpError(o.error)
            : o.msg?.type === 'UPDATE' && (o.msg.problems?.length ?? 0) > 0;
        expect(typed, where(o)).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// MRT files against bgpdump's expected `bgpdump -m` output.
//
// `bgpdump -m` prints one line per RIB entry for TABLE_DUMP_V2 (`TABLE_DUMP2|…|B|…`, or
// `TABLE_DUMP2_AP` with a path id), and for BGP4MP one `STATE` line per state change, one `A` line
// per announced prefix (IPv4 NLRI field and MP_REACH_NLRI) and one `W` line per withdrawn prefix
// (Withdrawn Routes field and MP_UNREACH_NLRI); OPEN, KEEPALIVE and NOTIFICATION print nothing.
// So the comparable quantity is, per line kind: RIB entries; state changes; announced prefixes;
// withdrawn prefixes.

/** One multiset of bgpdump lines, reduced to the fields both sides know: kind, peer, AS, prefix. */
type DumpLines = Map<string, number>;

function add(m: DumpLines, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

/**
 * bgpdump's lines as keys: `B|peer|as|prefix[|pathId]`, `STATE|peer|as|old|new`, `A|peer|as|prefix`,
 * `W|peer|as|prefix` (fields 2–6 of `bgpdump -m`; `TABLE_DUMP2_AP` lines carry the path id in
 * field 6).
 */
function expectedLines(path: string): DumpLines {
  const m: DumpLines = new Map();
  for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
    const f = line.split('|');
    const [tag, , kind, rawPeer, as] = f;
    if (rawPeer === undefined) continue;
    // glibc's inet_ntop writes "::" for a single zero group, which RFC 5952 §4.2.2 forbids and
    // our formatter does not do: compare addresses in the RFC 5952 form.
    const peer = formatAddress(parseAddress(rawPeer));
    if (kind === 'B')
      add(m, `B|${peer}|${as}|${f[5]}${tag === 'TABLE_DUMP2_AP' ? `|${f[6]}` : ''}`);
    else if (kind === 'STATE') add(m, `STATE|${peer}|${as}|${f[5]}|${f[6]}`);
    else if (kind === 'A' || kind === 'W') add(m, `${kind}|${peer}|${as}|${f[5]}`);
  }
  return m;
}

/** The same keys from our reading of the MRT file, plus whatever failed to decode. */
async function ourLines(path: string): Promise<{ lines: DumpLines; errors: string[] }> {
  const lines: DumpLines = new Map();
  const errors: string[] = [];
  let peers: { address: string; asn: number }[] = [];
  for await (const rec of readMrtStream(path) as AsyncIterable<MrtRecord>) {
    if (rec.kind === 'PEER_INDEX_TABLE') {
      peers = rec.peers.map((p) => ({ address: formatAddress(p.address), asn: p.asn }));
    } else if (rec.kind === 'RIB') {
      const prefix = rec.prefix === undefined ? '?' : formatPrefix(rec.prefix);
      for (const e of rec.entries) {
        const peer = peers[e.peerIndex];
        add(
          lines,
          `B|${peer?.address}|${peer?.asn}|${prefix}${e.pathId === undefined ? '' : `|${e.pathId}`}`,
        );
        const { problems } = decodeRibEntryAttributes(e);
        if (problems.length > 0) errors.push(`${rec.offset}: ${problems[0]!.error.message}`);
      }
    } else if (rec.kind === 'STATE_CHANGE') {
      add(
        lines,
        `STATE|${formatAddress(rec.peerAddress)}|${rec.peerAs}|${rec.oldState}|${rec.newState}`,
      );
    } else if (rec.kind === 'MESSAGE') {
      const head = `${formatAddress(rec.peerAddress)}|${rec.peerAs}`;
      try {
        const msg = decodeMrtMessage(rec);
        if (msg.type !== 'UPDATE') continue;
        const announce = (e: NlriEntry): void => add(lines, `A|${head}|${formatPrefix(e.prefix)}`);
        const withdraw = (e: NlriEntry): void => add(lines, `W|${head}|${formatPrefix(e.prefix)}`);
        msg.withdrawn.forEach(withdraw);
        for (const a of msg.attributes) {
          if (a.raw) continue;
          if (a.typeCode === AttributeType.MP_REACH_NLRI) a.value.nlri.forEach(announce);
          if (a.typeCode === AttributeType.MP_UNREACH_NLRI) a.value.withdrawn.forEach(withdraw);
        }
        msg.nlri.forEach(announce);
      } catch (err) {
        errors.push(`${rec.offset}: ${(err as Error).message}`);
      }
    } else if (rec.kind === 'ERROR') errors.push(`${rec.offset}: ${rec.error.message}`);
  }
  return { lines, errors };
}

/** Keys whose counts differ, as `key: bgpdump N, ours M`. */
function difference(want: DumpLines, got: DumpLines): string[] {
  const out: string[] = [];
  for (const key of new Set([...want.keys(), ...got.keys()])) {
    const a = want.get(key) ?? 0;
    const b = got.get(key) ?? 0;
    if (a !== b) out.push(`${key}: bgpdump ${a}, ours ${b}`);
  }
  return out.sort();
}

const expectedDir = join(corpusDir, 'bgpdump/expected-bgpdump-m-output');
const dumps = corpusAvailable
  ? corpusFiles()
      .filter((p) => p.startsWith(expectedDir) && p.endsWith('.bgp.gz'))
      .map((p) => ({ expected: p, mrt: join(corpusDir, 'bgpdump', basename(p, '.bgp.gz')) }))
  : [];
const expectedTotal = dumps.reduce(
  (n, d) => n + [...expectedLines(d.expected).values()].reduce((a, b) => a + b, 0),
  0,
);

/**
 * Where our reading and bgpdump's output differ, with the reason. `updates.nlri_mask_trailing_bits`
 * ends its NLRI field with one stray byte: bgpdump prints the one good prefix and ignores the rest;
 * we report the UPDATE as malformed (RFC 4271 §6.3, RFC 7606 §5.3: an NLRI field that does not
 * parse is a session reset), so it gives no `A` line and one decode error.
 */
const DUMP_EXCEPTIONS: Record<string, { differences: string[]; errors: number }> = {
  'updates.nlri_mask_trailing_bits.gz': {
    differences: ['A|12.0.1.63|7018|11.8.0.0/13: bgpdump 1, ours 0'],
    errors: 1,
  },
};

describe.skipIf(!corpusAvailable)('corpus MRT files against bgpdump -m', () => {
  it(`matches bgpdump's ${fmt(expectedTotal)} output lines over ${dumps.length} files, line for line by kind, peer, AS and prefix`, async () => {
    for (const d of dumps) {
      const name = basename(d.mrt);
      const got = await ourLines(d.mrt);
      const ex = DUMP_EXCEPTIONS[name];
      expect({
        name,
        differences: difference(expectedLines(d.expected), got.lines),
        errors: got.errors.length,
      }).toEqual({
        name,
        differences: ex?.differences ?? [],
        errors: ex?.errors ?? 0,
      });
    }
  });
});

if (!corpusAvailable) {
  describe('corpus', () => {
    it.skip(`skipped: ${corpusMissing}`, () => {});
  });
}
