/**
 * RFC 7606 table: each malformed case gives the documented outcome and NOTIFICATION code/subcode.
 * Bodies are built by hand from the RFC 4271 §4.3 layout.
 */
import {
  createContext,
  DEFAULT_CONTEXT,
  decodeUpdate,
  type ErrorAction,
  familyKey,
  isBgpError,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from './update-fixtures.js';

const ORIGIN = '40010100';
const AS_PATH = '4002040201fde8';
const NEXT_HOP = '400304c0000201';
const BASE = ORIGIN + AS_PATH + NEXT_HOP;
const NLRI = '180a0102'; // 10.1.2.0/24

/** Builds an UPDATE body from hex sections, with correct length fields. */
function body(withdrawn: string, attrs: string, nlri: string): Uint8Array {
  const w = hex(withdrawn);
  const a = hex(attrs);
  const n = hex(nlri);
  const out = new Uint8Array(4 + w.length + a.length + n.length);
  out[0] = w.length >> 8;
  out[1] = w.length & 0xff;
  out.set(w, 2);
  out[2 + w.length] = a.length >> 8;
  out[3 + w.length] = a.length & 0xff;
  out.set(a, 4 + w.length);
  out.set(n, 4 + w.length + a.length);
  return out;
}

interface Case {
  /** What is wrong, and the RFC section that decides. */
  name: string;
  body: Uint8Array;
  action: ErrorAction;
  subcode: number;
  /** Expected NOTIFICATION data (hex), when the RFC prescribes it. */
  data?: string;
  attributeType?: number;
}

const IPV6_NH = '20010db8000000000000000000000001';

const cases: Case[] = [
  // RFC 7606 §7.1
  {
    name: 'ORIGIN of length 2 (§7.1)',
    body: body('', `4001020000${AS_PATH}${NEXT_HOP}`, NLRI),
    action: 'withdraw',
    subcode: 5,
    data: '4001020000',
    attributeType: 1,
  },
  {
    name: 'ORIGIN value 3 (§7.1)',
    body: body('', `40010103${AS_PATH}${NEXT_HOP}`, NLRI),
    action: 'withdraw',
    subcode: 6,
    data: '40010103',
  },
  // RFC 7606 §7.2
  {
    name: 'AS_PATH unknown segment type (§7.2)',
    body: body('', `${ORIGIN}4002040501fde8${NEXT_HOP}`, NLRI),
    action: 'withdraw',
    subcode: 11,
    data: '4002040501fde8',
  },
  {
    name: 'AS_PATH segment overruns (§7.2)',
    body: body('', `${ORIGIN}4002040202fde8${NEXT_HOP}`, NLRI),
    action: 'withdraw',
    subcode: 11,
  },
  {
    name: 'AS_PATH zero segment length (§7.2)',
    body: body('', `${ORIGIN}400202020${'0'}${NEXT_HOP}`, NLRI),
    action: 'withdraw',
    subcode: 11,
  },
  {
    name: 'AS_PATH single trailing octet (§7.2)',
    body: body('', `${ORIGIN}4002050201fde802${NEXT_HOP}`, NLRI),
    action: 'withdraw',
    subcode: 11,
  },
  // RFC 7606 §7.3
  {
    name: 'NEXT_HOP of length 3 (§7.3)',
    body: body('', `${ORIGIN}${AS_PATH}400303c00002`, NLRI),
    action: 'withdraw',
    subcode: 5,
    data: '400303c00002',
  },
  // RFC 7606 §7.4, §7.5
  {
    name: 'MULTI_EXIT_DISC of length 3 (§7.4)',
    body: body('', `${BASE}800403000001`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  {
    name: 'LOCAL_PREF of length 5 (§7.5)',
    body: body('', `${BASE}4005050000000064`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  // RFC 7606 §7.6, §7.7: attribute discard
  {
    name: 'ATOMIC_AGGREGATE of length 1 (§7.6)',
    body: body('', `${BASE}40060100`, NLRI),
    action: 'discard',
    subcode: 5,
    attributeType: 6,
  },
  {
    name: 'AGGREGATOR of length 7 on a 2-octet session (§7.7)',
    body: body('', `${BASE}c00707fde80a00000100`, NLRI),
    action: 'discard',
    subcode: 5,
    attributeType: 7,
  },
  // RFC 7606 §7.8 – §7.10, §7.14; RFC 8092 §6; RFC 9234 §5
  {
    name: 'COMMUNITIES of length 3 (§7.8)',
    body: body('', `${BASE}c00803fde800`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  {
    name: 'COMMUNITIES of length 0 (§7.8)',
    body: body('', `${BASE}c00800`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  {
    name: 'ORIGINATOR_ID of length 3 (§7.9)',
    body: body('', `${BASE}800903010203`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  {
    name: 'CLUSTER_LIST of length 6 (§7.10)',
    body: body('', `${BASE}800a06010101010202`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  {
    name: 'EXTENDED_COMMUNITIES of length 7 (§7.14)',
    body: body('', `${BASE}c010070002fde8000000`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  {
    name: 'LARGE_COMMUNITY of length 13 (RFC 8092 §6)',
    body: body('', `${BASE}c0200d${'00'.repeat(13)}`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  {
    name: 'OTC of length 2 (RFC 9234 §5)',
    body: body('', `${BASE}c0230200fd`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  // RFC 6793 §6: AS4_PATH / AS4_AGGREGATOR malformed: discard
  {
    name: 'AS4_PATH overrun (RFC 6793 §6)',
    body: body('', `${BASE}c01106020200010000`, NLRI),
    action: 'discard',
    subcode: 9,
    attributeType: 17,
  },
  {
    name: 'AS4_AGGREGATOR of length 6 (RFC 6793 §6)',
    body: body('', `${BASE}c01206fde80a000001`, NLRI),
    action: 'discard',
    subcode: 5,
    attributeType: 18,
  },
  // RFC 7606 §3.g: duplicates
  {
    name: 'duplicate ORIGIN (§3.g)',
    body: body('', `${BASE}40010101`, NLRI),
    action: 'discard',
    subcode: 1,
    attributeType: 1,
  },
  // RFC 7606 §3.d: missing well-known mandatory attributes
  {
    name: 'missing ORIGIN with NLRI (§3.d)',
    body: body('', AS_PATH + NEXT_HOP, NLRI),
    action: 'withdraw',
    subcode: 3,
    data: '01',
  },
  {
    name: 'missing NEXT_HOP with IPv4 NLRI (§3.d)',
    body: body('', ORIGIN + AS_PATH, NLRI),
    action: 'withdraw',
    subcode: 3,
    data: '03',
  },
  {
    name: 'NLRI with no attributes at all (§3.d)',
    body: body('', '', NLRI),
    action: 'withdraw',
    subcode: 3,
    data: '01',
  },
  {
    name: 'missing AS_PATH with MP_REACH_NLRI (§3.d)',
    body: body('', `${ORIGIN}800e1a000201 10${IPV6_NH} 00 20 20010db8`.replace(/ /g, ''), ''),
    action: 'withdraw',
    subcode: 3,
    data: '02',
  },
  // RFC 7606 §3.c: Optional/Transitive bits in conflict
  {
    name: 'ORIGIN flagged optional (§3.c)',
    body: body('', `c0010100${AS_PATH}${NEXT_HOP}`, NLRI),
    action: 'withdraw',
    subcode: 4,
    data: 'c0010100',
  },
  {
    name: 'ATOMIC_AGGREGATE flagged optional (§3.c)',
    body: body('', `${BASE}c00600`, NLRI),
    action: 'withdraw',
    subcode: 4,
  },
  {
    name: 'MULTI_EXIT_DISC flagged transitive (§3.c)',
    body: body('', `${BASE}c0040400000001`, NLRI),
    action: 'withdraw',
    subcode: 4,
  },
  // RFC 7606 §4: attribute overruns the Path Attributes field; too few octets for a header
  {
    name: 'last attribute overruns the field (§4)',
    body: body('', `${BASE}c00808fde80064`, NLRI),
    action: 'withdraw',
    subcode: 5,
  },
  {
    name: 'two octets left in the field (§4)',
    body: body('', `${BASE}c008`, NLRI),
    action: 'withdraw',
    subcode: 1,
  },
  // Strongest outcome wins
  {
    name: 'discard + withdraw gives withdraw',
    body: body('', `40010103${AS_PATH}${NEXT_HOP}40060100`, NLRI),
    action: 'withdraw',
    subcode: 6,
  },
];

interface ResetCase {
  name: string;
  body: Uint8Array;
  subcode: number;
  ctx?: ReturnType<typeof createContext>;
}

const resets: ResetCase[] = [
  // RFC 7606 §4 / RFC 4271 §6.3: length fields inconsistent with the message
  { name: 'body shorter than the two length fields', body: hex('000000'), subcode: 1 },
  { name: 'Withdrawn Routes Length overruns (§4)', body: hex('0010 0000'), subcode: 1 },
  {
    name: 'Total Path Attribute Length overruns (§4)',
    body: hex('0000 0010 40010100'),
    subcode: 1,
  },
  // RFC 7606 §5.3: Withdrawn Routes / NLRI fields that cannot be parsed
  { name: 'NLRI prefix length 33 (§5.3)', body: body('', BASE, '210a010203ff'), subcode: 10 },
  { name: 'NLRI prefix overruns the message (§5.3)', body: body('', BASE, '180a01'), subcode: 10 },
  { name: 'withdrawn prefix overruns its field (§5.3)', body: body('180a01', '', ''), subcode: 10 },
  {
    name: 'ADD-PATH NLRI too short for the path id (RFC 7911)',
    body: body('', BASE, '000000'),
    subcode: 10,
    ctx: createContext({ addPath: new Set([familyKey(1, 1)]) }),
  },
  // RFC 7606 §7.11, §5.3: MP_REACH_NLRI / MP_UNREACH_NLRI
  {
    name: 'MP_REACH_NLRI IPv6 next hop of length 5 (§7.11)',
    body: body('', `${ORIGIN}${AS_PATH}800e0d0002010520010db80100201234`, ''),
    subcode: 9,
  },
  {
    name: 'MP_REACH_NLRI prefix length 129 (§5.3)',
    body: body('', `${ORIGIN}${AS_PATH}800e1a00020110${IPV6_NH}0081${'00'.repeat(4)}`, ''),
    subcode: 9,
  },
  {
    name: 'MP_UNREACH_NLRI prefix overruns (§5.3)',
    body: body('', '800f0600020140200' + '1', ''),
    subcode: 9,
  },
  {
    name: 'MP_REACH_NLRI shorter than AFI/SAFI',
    body: body('', `${ORIGIN}${AS_PATH}800e020002`, ''),
    subcode: 5,
  },
  // RFC 7606 §3.g: MP_REACH_NLRI / MP_UNREACH_NLRI twice
  {
    name: 'duplicate MP_UNREACH_NLRI (§3.g)',
    body: body('', '800f03000201800f03000201', ''),
    subcode: 1,
  },
  // RFC 7606 §3.c with an MP attribute: its NLRI cannot be trusted
  {
    name: 'MP_UNREACH_NLRI flagged well-known (§3.c)',
    body: body('', '400f03000201', ''),
    subcode: 4,
  },
  // RFC 4271 §6.3: unrecognised well-known attribute
  {
    name: 'unrecognised well-known attribute',
    body: body('', `${BASE}40c80100`, NLRI),
    subcode: 2,
  },
];

describe('RFC 7606 outcomes', () => {
  for (const c of cases) {
    it(`${c.name} -> ${c.action} 3/${c.subcode}`, () => {
      const msg = decodeUpdate(c.body, DEFAULT_CONTEXT);
      expect(msg.action).toBe(c.action);
      const strongest = msg.problems!.find((p) => p.action === c.action)!;
      expect(strongest.error.code).toBe(3);
      expect(strongest.error.subcode).toBe(c.subcode);
      if (c.data !== undefined) expect(toHex(strongest.error.data)).toBe(c.data);
      if (c.attributeType !== undefined) expect(strongest.attributeType).toBe(c.attributeType);
      // The offending attribute is kept raw (so the message re-encodes), except when it could
      // not be delimited (§4) or is missing (§3.d).
      if (!c.name.includes('(§4)')) {
        expect(msg.attributes.some((a) => a.raw && a.malformed) || c.subcode === 3).toBe(true);
      }
    });
  }

  for (const c of resets) {
    it(`${c.name} -> reset 3/${c.subcode} (thrown)`, () => {
      let caught: unknown;
      try {
        decodeUpdate(c.body, c.ctx ?? DEFAULT_CONTEXT);
      } catch (err) {
        caught = err;
      }
      expect(isBgpError(caught)).toBe(true);
      const e = caught as { code: number; subcode: number; name: string };
      expect([e.name, e.code, e.subcode]).toEqual(['UpdateMessageError', 3, c.subcode]);
    });
  }

  it('an UPDATE that only withdraws needs no attributes', () => {
    const msg = decodeUpdate(body(NLRI, '', ''), DEFAULT_CONTEXT);
    expect(msg.action).toBeUndefined();
    expect(msg.withdrawn).toHaveLength(1);
  });

  it('a discarded attribute leaves the rest of the UPDATE usable', () => {
    const msg = decodeUpdate(body('', `${BASE}40060100`, NLRI), DEFAULT_CONTEXT);
    expect(msg.action).toBe('discard');
    expect(msg.nlri).toHaveLength(1);
    expect(msg.attributes.filter((a) => !a.raw).map((a) => a.typeCode)).toEqual([1, 2, 3]);
  });
});
