import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AddressFormatError,
  formatAddress,
  formatPrefix,
  makePrefix,
  parseAddress,
  parsePrefix,
  prefixContains,
} from '../src/index.js';

describe('prefix text', () => {
  it('formats IPv6 per RFC 5952', () => {
    expect(formatAddress(parseAddress('2001:0db8:0000:0000:0000:0000:0000:0001'))).toBe(
      '2001:db8::1',
    );
    expect(formatAddress(parseAddress('2001:db8:0:1:1:1:1:1'))).toBe('2001:db8:0:1:1:1:1:1');
    expect(formatAddress(parseAddress('2001:0:0:1:0:0:0:1'))).toBe('2001:0:0:1::1');
    expect(formatAddress(parseAddress('::'))).toBe('::');
    expect(formatAddress(parseAddress('::ffff:192.0.2.1'))).toBe('::ffff:192.0.2.1');
    expect(formatAddress(parseAddress('fe80::1%eth0'))).toBe('fe80::1');
  });
  it('masks host bits unless strict', () => {
    expect(formatPrefix(parsePrefix('10.1.2.3/8'))).toBe('10.0.0.0/8');
    expect(() => parsePrefix('10.1.2.3/8', true)).toThrow(AddressFormatError);
    expect(formatPrefix(parsePrefix('192.0.2.1'))).toBe('192.0.2.1/32');
  });
  it('rejects junk with a typed error', () => {
    for (const bad of ['10.0.0', '10.0.0.256/8', '1::2::3', '10.0.0.0/33', 'x', '::/129']) {
      expect(() => parsePrefix(bad), bad).toThrow(AddressFormatError);
    }
  });
  it('property: round-trips any prefix through text', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.nat(128),
        (v6, raw, len) => {
          const addr = v6 ? raw : raw.subarray(0, 4);
          const p = makePrefix(addr, len % (addr.length * 8 + 1));
          expect(parsePrefix(formatPrefix(p))).toEqual(p);
        },
      ),
    );
  });
  it('containment', () => {
    expect(prefixContains(parsePrefix('10.0.0.0/8'), parsePrefix('10.9.0.0/16'))).toBe(true);
    expect(prefixContains(parsePrefix('10.0.0.0/9'), parsePrefix('10.200.0.0/16'))).toBe(false);
    expect(prefixContains(parsePrefix('::/0'), parsePrefix('10.0.0.0/8'))).toBe(false);
  });
});
