import {
  Afi,
  AS4_CONTEXT,
  AttributeFlag,
  AttributeType,
  decodeUpdate,
  ErrorCode,
  encodeMessage,
  endOfRib,
  isBgpError,
  parseAddress,
  parsePrefix,
  Safi,
  type UpdateMessage,
  UpdateMessageError,
  UpdateMessageErrorSubcode,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import type { Family, SessionOptions } from '../src/index.js';
import { establishedWithRawPeer, until } from './helpers.js';

/** An UPDATE message around a hand-made body (to send what the encoder would refuse). */
function updateBytes(body: readonly number[]): Uint8Array {
  const length = 19 + body.length;
  return Uint8Array.from([...new Array(16).fill(0xff), length >> 8, length & 255, 2, ...body]);
}

const ANNOUNCE: UpdateMessage = {
  type: 'UPDATE',
  withdrawn: [{ prefix: parsePrefix('192.0.2.0/24') }],
  attributes: [
    { typeCode: AttributeType.ORIGIN, flags: AttributeFlag.TRANSITIVE, value: 0 },
    {
      typeCode: AttributeType.AS_PATH,
      flags: AttributeFlag.TRANSITIVE,
      value: [{ type: 2, asns: [65001, 4200000000] }],
    },
    {
      typeCode: AttributeType.NEXT_HOP,
      flags: AttributeFlag.TRANSITIVE,
      value: parseAddress('127.0.0.2'),
    },
  ],
  nlri: [{ prefix: parsePrefix('10.0.0.0/8') }, { prefix: parsePrefix('198.51.100.128/25') }],
};

const WITHDRAW_V6: UpdateMessage = {
  type: 'UPDATE',
  withdrawn: [],
  attributes: [
    {
      typeCode: AttributeType.MP_UNREACH_NLRI,
      flags: AttributeFlag.OPTIONAL,
      value: {
        afi: Afi.IPV6,
        safi: Safi.UNICAST,
        withdrawn: [{ prefix: parsePrefix('2001:db8::/32') }],
      },
    },
  ],
  nlri: [],
};

async function rawSession(options: Partial<SessionOptions> = {}) {
  const r = await establishedWithRawPeer({ updateDecoding: 'raw', ...options });
  const raw: { body: Uint8Array; bytes: Uint8Array; fourOctetAs: boolean }[] = [];
  const decoded: UpdateMessage[] = [];
  const eor: Family[] = [];
  r.session.on('update:raw', ({ body, bytes, context }) =>
    // Copies: the views are only valid during the event.
    raw.push({ body: body.slice(), bytes: bytes.slice(), fourOctetAs: context.fourOctetAs }),
  );
  r.session.on('update:received', ({ update }) => decoded.push(update));
  r.session.on('eor:received', (f) => eor.push(f));
  return { ...r, raw, decoded, eor };
}

describe("Session with updateDecoding: 'raw'", () => {
  it('hands over the exact bytes of each UPDATE, undecoded, with the receive context', async () => {
    const { session, peer, raw, decoded } = await rawSession();
    const sent = [ANNOUNCE, WITHDRAW_V6].map((u) => encodeMessage(u, AS4_CONTEXT));
    for (const m of sent) peer.send(m);
    await until(() => raw.length === 2, 'two raw UPDATEs');
    expect(decoded).toEqual([]);
    for (let i = 0; i < sent.length; i++) {
      expect([...raw[i]!.bytes]).toEqual([...sent[i]!]);
      expect([...raw[i]!.body]).toEqual([...sent[i]!.subarray(19)]);
      expect(raw[i]!.fourOctetAs).toBe(true);
    }
    // The listener can decode what it was given: the same UPDATE comes back.
    expect(decodeUpdate(raw[0]!.body, AS4_CONTEXT).nlri).toEqual(ANNOUNCE.nlri);
    expect(session.state).toBe('Established');
    session.destroy();
  });

  it('still recognises End-of-RIB (IPv4 empty UPDATE, MP_UNREACH_NLRI marker) and not a real withdrawal', async () => {
    const { session, peer, raw, eor } = await rawSession();
    peer.send(encodeMessage(endOfRib(Afi.IPV4, Safi.UNICAST), AS4_CONTEXT));
    peer.send(encodeMessage(WITHDRAW_V6, AS4_CONTEXT));
    peer.send(encodeMessage(endOfRib(Afi.IPV6, Safi.UNICAST), AS4_CONTEXT));
    await until(() => eor.length === 2 && raw.length === 1, 'two EoR and one UPDATE');
    expect(eor).toEqual([
      { afi: Afi.IPV4, safi: Safi.UNICAST },
      { afi: Afi.IPV6, safi: Safi.UNICAST },
    ]);
    expect([...raw[0]!.bytes]).toEqual([...encodeMessage(WITHDRAW_V6, AS4_CONTEXT)]);
    session.destroy();
  });

  it('default (full) mode is unchanged: update:received, no update:raw', async () => {
    const { session, peer, raw, decoded } = await rawSession({ updateDecoding: 'full' });
    peer.send(encodeMessage(ANNOUNCE, AS4_CONTEXT));
    await until(() => decoded.length === 1, 'decoded UPDATE');
    expect(raw).toEqual([]);
    expect(decoded[0]!.nlri).toEqual(ANNOUNCE.nlri);
    session.destroy();
  });

  it('length fields that do not frame the body still reset the session itself (3/1)', async () => {
    const { session, peer, raw } = await rawSession();
    // Withdrawn Routes Length 200 in a 4-octet body (RFC 4271 §6.3, RFC 7606 §5).
    peer.send(updateBytes([0, 200, 0, 0]));
    await until(() => peer.closed, 'connection closed');
    const n = peer.notifications()[0]!;
    expect([n.code, n.subcode]).toEqual([
      ErrorCode.UPDATE_MESSAGE_ERROR,
      UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST,
    ]);
    expect(raw).toEqual([]);
    expect(session.state).toBe('Idle');
    session.destroy();
  });

  it('fail() sends the NOTIFICATION the listener found and ends the session', async () => {
    const { session, peer } = await rawSession();
    const downs: string[] = [];
    session.on('session:down', (e) => downs.push(e.reason));
    session.on('update:raw', ({ body, context }) => {
      try {
        decodeUpdate(body, context);
      } catch (err) {
        if (!isBgpError(err)) throw err;
        expect(session.fail(err)).toBe(true);
      }
    });
    // An NLRI prefix of length 33: framing is fine, the NLRI field is not (RFC 7606 §5.3).
    peer.send(updateBytes([0, 0, 0, 0, 33, 10, 0, 0, 0, 0]));
    await until(() => peer.closed, 'connection closed');
    const n = peer.notifications()[0]!;
    expect([n.code, n.subcode]).toEqual([
      ErrorCode.UPDATE_MESSAGE_ERROR,
      UpdateMessageErrorSubcode.INVALID_NETWORK_FIELD,
    ]);
    expect(downs).toEqual(['UpdateMsgErr']);
    expect(session.state).toBe('Idle');
    // Not Established any more: nothing to send.
    expect(
      session.fail(
        new UpdateMessageError(UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST, 'late'),
      ),
    ).toBe(false);
    expect(peer.notifications()).toHaveLength(1);
    session.destroy();
  });
});
