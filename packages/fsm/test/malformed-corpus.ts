/**
 * The malformed messages of the shared corpus, each with the NOTIFICATION a session must answer
 * (the one of the typed error the wire decoder raises), for the hostile-peer tests over the
 * in-memory transport (packages/fsm/test) and over real TCP (test/interop).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AS4_CONTEXT, decodeMessage, Framer, isBgpError, type NotificationFields } from '@bgp/wire';

/** The shared corpus beside the checkout (`../shared/corpus` from the repository root). */
export const CORPUS = resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../../../shared/corpus',
);

/** True when the corpus is there. */
export const haveCorpus = existsSync(CORPUS);

/** One malformed message and what a session must answer. */
export interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** The NOTIFICATION expected, or null when the message must be accepted (RFC 7606 soft errors). */
  readonly expected: NotificationFields | null;
}

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.trim();
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** What the session's receive path (framer, then decoder) makes of these bytes in Established. */
function expectedFor(bytes: Uint8Array): NotificationFields | null | undefined {
  const framer = new Framer();
  framer.push(bytes);
  let msg: Uint8Array | undefined;
  try {
    msg = framer.next();
  } catch (err) {
    if (isBgpError(err)) return err.toNotification();
    throw err;
  }
  if (msg === undefined) return undefined; // incomplete: the peer would just wait
  if (msg[18] === 1 || msg[18] === 3) return undefined; // OPEN/NOTIFICATION: other tests cover them
  try {
    decodeMessage(msg, AS4_CONTEXT);
    return framer.buffered > 0 ? undefined : null;
  } catch (err) {
    if (isBgpError(err)) return err.toNotification();
    throw err;
  }
}

/**
 * Reads every malformed listing of the corpus. With `sample`, keeps one case of each error kind
 * and an even sample of about 40 of the rest, so that a slow harness stays short.
 */
export function loadCases(sampled = true): Case[] {
  const cases = new Map<string, Case>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.hex')) {
        const lines = readFileSync(p, 'utf8').split('\n');
        let comment = '';
        for (const line of lines) {
          if (line.startsWith('#')) {
            comment = line;
            continue;
          }
          if (!/^[0-9a-fA-F]+$/.test(line.trim()) || line.trim().length % 2 !== 0) continue;
          if (!/status=(malformed|bad-marker|bad-length)/.test(comment)) continue;
          const bytes = hexToBytes(line);
          const key = line.trim().toLowerCase();
          if (cases.has(key)) continue;
          const expected = expectedFor(bytes);
          if (expected === undefined) continue;
          const outcome = expected
            ? `NOTIFICATION ${expected.code}/${expected.subcode}`
            : 'accepted';
          const status = comment.match(/status=[a-z-]+/)?.[0] ?? '';
          cases.set(key, { name: `${e.name} ${status} -> ${outcome}`, bytes, expected });
        }
      }
    }
  };
  walk(CORPUS);
  const all = [...cases.values()];
  if (!sampled) return all;
  // Every kind of error, then an even sample of the rest, so the run stays short.
  const byKind = new Map<string, Case>();
  for (const c of all) {
    const k = c.expected ? `${c.expected.code}/${c.expected.subcode}` : 'accepted';
    if (!byKind.has(k)) byKind.set(k, c);
  }
  const step = Math.max(1, Math.floor(all.length / 40));
  const sample = all.filter((_, i) => i % step === 0);
  return [...new Set([...byKind.values(), ...sample])];
}
