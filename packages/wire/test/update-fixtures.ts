/**
 * Helpers for the UPDATE tests: hex, and the real UPDATEs of the shared corpus with the session
 * context their comment lines describe (see /work/shared/corpus/SOURCES.md).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CodecContext,
  createContext,
  decodeUpdate,
  encodeUpdate,
  familyKey,
  Writer,
} from '@bgp/wire';

/** Hex text (spaces allowed) to bytes. */
export function hex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Bytes to lower-case hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Encodes an UPDATE body. */
export function encodeBody(msg: Parameters<typeof encodeUpdate>[0], ctx: CodecContext): Uint8Array {
  const w = new Writer();
  encodeUpdate(msg, ctx, w);
  return w.finish();
}

/** One UPDATE of the corpus. */
export interface CorpusUpdate {
  /** File and line, for messages. */
  readonly where: string;
  /** Comment lines just above the message. */
  readonly comments: string;
  /** The UPDATE body (header removed). */
  readonly body: Uint8Array;
  /** Contexts to try, most likely first (several when the capture does not say). */
  readonly contexts: readonly CodecContext[];
  /** `status=ok` (or no status, for ExaBGP's listings which only hold valid messages). */
  readonly ok: boolean;
}

/** Root of the shared corpus. */
export const CORPUS = '/work/shared/corpus';

const ALL_IP_FAMILIES = [familyKey(1, 1), familyKey(2, 1), familyKey(1, 2), familyKey(2, 2)];
const EXA_FAMILIES: Record<string, number> = {
  'ipv4 unicast': familyKey(1, 1),
  'ipv6 unicast': familyKey(2, 1),
  'ipv4 multicast': familyKey(1, 2),
  'ipv6 multicast': familyKey(2, 2),
  'ipv4 mpls-vpn': familyKey(1, 128),
  'ipv6 mpls-vpn': familyKey(2, 128),
};

function contextsFor(comments: string): CodecContext[] {
  const addPath = new Set<number>();
  let extendedNextHop = new Set<number>();
  let as4: boolean | undefined;
  const as4m = /\bas4=(yes|no)\b/.exec(comments);
  if (as4m) as4 = as4m[1] === 'yes';
  const apDir = /addpath-in-this-direction=(\S+)/.exec(comments);
  if (apDir && apDir[1] !== 'none') {
    for (const f of apDir[1]!.split(',')) {
      const [a, s] = f.split('/').map(Number);
      addPath.add(familyKey(a!, s!));
    }
  }
  if (/\baddpath=yes\b/.test(comments)) for (const k of ALL_IP_FAMILIES) addPath.add(k);
  const session = /# session: (.*)/.exec(comments)?.[1];
  if (session !== undefined && !session.startsWith('as4=') && !session.startsWith('unknown')) {
    as4 = !/asn4 disable/.test(session);
    const ap = /add-path\{([^}]*)\}/.exec(session) ?? /family\{([^}]*)\}/.exec(session);
    if (ap && /capability\{[^}]*add-path/.test(session)) {
      // ExaBGP applies ADD-PATH to every configured family when no add-path block names some.
      const words = ap[1]!.trim().split(/\s+/);
      for (let i = 0; i + 1 < words.length; i += 2) {
        const k = EXA_FAMILIES[`${words[i]} ${words[i + 1]}`];
        if (k !== undefined) addPath.add(k);
      }
    }
  }
  // BMP route monitoring carries 4-octet AS numbers unless the peer's A flag is set (RFC 7854).
  if (as4 === undefined && /bmp-type=/.test(comments)) {
    const flags = /peer-flags=0x([0-9a-f]+)/.exec(comments);
    as4 = !(flags && (Number.parseInt(flags[1]!, 16) & 0x20) !== 0);
  }
  if (/capability\{[^}]*nexthop true/.test(comments)) {
    extendedNextHop = new Set(ALL_IP_FAMILIES);
  }
  if (as4 !== undefined) {
    const first = createContext({ fourOctetAs: as4, addPath, extendedNextHop });
    // SOURCES.md: BIRD's plain-MESSAGE MRT records carry ADD-PATH path ids all the same.
    if (/mrtparse:samples\/bird6?_bgp/.test(comments) && addPath.size === 0) {
      return [first, createContext({ fourOctetAs: as4, addPath: new Set(ALL_IP_FAMILIES) })];
    }
    return [first];
  }
  // Unknown session: try the likely combinations.
  const ap = new Set([familyKey(1, 1), familyKey(2, 1)]);
  return [
    createContext({ fourOctetAs: true }),
    createContext({ fourOctetAs: false }),
    createContext({ fourOctetAs: true, addPath: ap }),
    createContext({ fourOctetAs: false, addPath: ap }),
  ];
}

/** Every UPDATE line of every `.hex` listing. */
export function corpusUpdates(): CorpusUpdate[] {
  const out: CorpusUpdate[] = [];
  if (!existsSync(CORPUS)) return out;
  for (const dir of readdirSync(CORPUS, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of readdirSync(join(CORPUS, dir.name))) {
      if (!file.endsWith('.hex') || file === 'decoding-fragments.hex') continue;
      const lines = readFileSync(join(CORPUS, dir.name, file), 'utf8').split('\n');
      let comments: string[] = [];
      lines.forEach((line, i) => {
        if (line.startsWith('#')) {
          comments.push(line);
          return;
        }
        if (line.trim() === '') return;
        const block = comments.join('\n');
        comments = [];
        const last = block.split('\n').filter((l) => /type=/.test(l));
        const typeLine = last[last.length - 1] ?? '';
        if (!/type=UPDATE\b/.test(typeLine)) return;
        const bytes = hex(line.trim());
        if (bytes.length < 19 || bytes[18] !== 2) return;
        const ok = /status=ok\b/.test(typeLine) || !/status=/.test(typeLine);
        out.push({
          where: `${dir.name}/${file}:${i + 1}`,
          comments: block,
          body: bytes.subarray(19),
          contexts: contextsFor(block),
          ok,
        });
      });
    }
  }
  return out;
}

/** Decodes with each candidate context; returns the first that decodes cleanly and round-trips. */
export function roundTrip(u: CorpusUpdate): { ctx: CodecContext; encoded: Uint8Array } | string {
  let lastError = 'no context';
  for (const ctx of u.contexts) {
    try {
      const msg = decodeUpdate(u.body, ctx);
      if (msg.action !== undefined && u.contexts.length > 1) {
        lastError = `problems: ${msg.problems?.map((p) => p.error.message).join('; ')}`;
        continue;
      }
      const encoded = encodeBody(msg, ctx);
      if (toHex(encoded) !== toHex(u.body)) {
        lastError = 'round trip differs';
        continue;
      }
      return { ctx, encoded };
    } catch (err) {
      lastError = String(err);
    }
  }
  return lastError;
}
