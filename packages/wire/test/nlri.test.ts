/**
 * IPv4/IPv6 prefix NLRI (RFC 4271 §4.3, RFC 4760 §5, RFC 7911 §3): golden bytes and errors.
 */
import {
  decodeIpPrefixes,
  encodeIpPrefixes,
  isBgpError,
  isIpPrefixFamily,
  type NlriEntry,
  parsePrefix,
  Reader,
  UpdateMessageError,
  Writer,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from './update-fixtures.js';

function decode(bytes: string, afi: 1 | 2, addPath = false): NlriEntry[] {
  const out: NlriEntry[] = [];
  const buf = hex(bytes);
  decodeIpPrefixes(new Reader(buf, () => new UpdateMessageError(10, 'short')), afi, addPath, out);
  return out;
}

function encode(entries: NlriEntry[], addPath = false): string {
  const w = new Writer();
  encodeIpPrefixes(entries, addPath, w);
  return toHex(w.finish());
}

describe('IP prefix NLRI', () => {
  const cases: [string, 1 | 2, boolean, NlriEntry[]][] = [
    ['00', 1, false, [{ prefix: parsePrefix('0.0.0.0/0') }]],
    [
      '200a000001 1ec0a80004',
      1,
      false,
      [{ prefix: parsePrefix('10.0.0.1/32') }, { prefix: parsePrefix('192.168.0.4/30') }],
    ],
    ['0000000118c00002', 1, true, [{ prefix: parsePrefix('192.0.2.0/24'), pathId: 1 }]],
    ['8020010db8000000000000000000000001', 2, false, [{ prefix: parsePrefix('2001:db8::1/128') }]],
    [
      'ffffffff 40 20010db800000000',
      2,
      true,
      [{ prefix: parsePrefix('2001:db8::/64'), pathId: 0xffffffff }],
    ],
  ];
  for (const [bytes, afi, addPath, entries] of cases) {
    it(`${bytes} <-> ${entries.map((e) => `${e.pathId ?? ''} ${e.prefix.length}`).join(',')}`, () => {
      expect(decode(bytes, afi, addPath)).toEqual(entries);
      expect(encode(entries, addPath)).toBe(toHex(hex(bytes)));
    });
  }

  it('masks host bits in the prefix but keeps the octets for re-encoding', () => {
    const [e] = decode('0d0b0d', 1);
    expect(e!.prefix).toEqual(parsePrefix('11.8.0.0/13'));
    expect(e!.wireBytes).toEqual(Uint8Array.of(0x0b, 0x0d));
    expect(encode([e!])).toBe('0d0b0d');
  });

  it('sends path id 0 for an entry without one on an ADD-PATH session', () => {
    expect(encode([{ prefix: parsePrefix('10.0.0.0/8') }], true)).toBe('00000000080a');
  });

  const errors: [string, string, 1 | 2, boolean][] = [
    ['IPv4 length 33', '21000000000a', 1, false],
    ['IPv6 length 129', `81${'00'.repeat(17)}`, 2, false],
    ['prefix overruns', '180a01', 1, false],
    ['ADD-PATH entry shorter than path id + length', '00000001', 1, true],
  ];
  for (const [name, bytes, afi, addPath] of errors) {
    it(`rejects ${name} with the caller's subcode`, () => {
      const out: NlriEntry[] = [];
      let caught: unknown;
      try {
        decodeIpPrefixes(
          new Reader(hex(bytes), () => new UpdateMessageError(10, 'short')),
          afi,
          addPath,
          out,
          9,
        );
      } catch (err) {
        caught = err;
      }
      expect(isBgpError(caught)).toBe(true);
      expect((caught as UpdateMessageError).subcode).toBe(9);
    });
  }

  it('knows which families it parses', () => {
    expect(isIpPrefixFamily(1, 1)).toBe(true);
    expect(isIpPrefixFamily(2, 2)).toBe(true);
    expect(isIpPrefixFamily(1, 128)).toBe(false);
    expect(isIpPrefixFamily(25, 70)).toBe(false);
  });
});
