/**
 * A hostile peer: it completes the OPEN exchange, then sends one malformed message of the
 * shared corpus. The session must answer the NOTIFICATION of the typed error the wire decoder
 * raises for those bytes, close that connection only, and a bystander session must stay up.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AS4_CONTEXT, decodeMessage, Framer, isBgpError, type NotificationFields } from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.js';
import { establishedWithRawPeer, settle, until } from './helpers.js';

const CORPUS = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../shared/corpus');

interface Case {
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

function loadCases(): Case[] {
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
  // Every kind of error, then an even sample of the rest, so the run stays short.
  const all = [...cases.values()];
  const byKind = new Map<string, Case>();
  for (const c of all) {
    const k = c.expected ? `${c.expected.code}/${c.expected.subcode}` : 'accepted';
    if (!byKind.has(k)) byKind.set(k, c);
  }
  const step = Math.max(1, Math.floor(all.length / 40));
  const sample = all.filter((_, i) => i % step === 0);
  return [...new Set([...byKind.values(), ...sample])];
}

const haveCorpus = existsSync(CORPUS);

describe.skipIf(!haveCorpus)(`hostile peer with the malformed messages of ${CORPUS}`, () => {
  const cases = haveCorpus ? loadCases() : [];

  it('found malformed messages of several error kinds', () => {
    const kinds = new Set(
      cases.map((c) => (c.expected ? `${c.expected.code}/${c.expected.subcode}` : 'ok')),
    );
    expect(cases.length).toBeGreaterThan(20);
    expect(kinds.size).toBeGreaterThan(3);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const clock = new ManualClock();
    const bystander = await establishedWithRawPeer(
      { peerAddress: '127.0.0.3', name: 'bystander' },
      clock,
    );
    const { session, peer } = await establishedWithRawPeer({}, clock);
    const before = peer.received.length;
    peer.send(c.bytes);
    if (c.expected === null) {
      await settle();
      expect(session.state).toBe('Established');
      expect(peer.notifications()).toEqual([]);
    } else {
      await until(() => peer.closed, 'connection closed');
      const sent = peer.received.slice(before).filter((m) => m.type === 'NOTIFICATION');
      expect(sent.length).toBe(1);
      const n = sent[0] as NotificationFields;
      expect([n.code, n.subcode, [...n.data]]).toEqual([
        c.expected.code,
        c.expected.subcode,
        [...c.expected.data],
      ]);
      expect(session.state).toBe('Idle');
    }
    // Only that session closed: the other one keeps exchanging KEEPALIVEs.
    expect(bystander.session.state).toBe('Established');
    expect(bystander.peer.closed).toBe(false);
    bystander.peer.sendKeepalive();
    await settle(5);
    expect(bystander.session.state).toBe('Established');
    session.destroy();
    bystander.session.destroy();
  });
});
