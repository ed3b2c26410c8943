/**
 * A hostile peer: it completes the OPEN exchange, then sends one malformed message of the
 * shared corpus. The session must answer the NOTIFICATION of the typed error the wire decoder
 * raises for those bytes, close that connection only, and a bystander session must stay up.
 */
import type { NotificationFields } from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/index.js';
import { establishedWithRawPeer, settle, until } from './helpers.js';
import { CORPUS, haveCorpus, loadCases } from './malformed-corpus.js';

describe.skipIf(!haveCorpus)(
  `hostile peer with the malformed messages of ${CORPUS}${haveCorpus ? '' : ' (skipped: the shared corpus is not there)'}`,
  () => {
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
  },
);
