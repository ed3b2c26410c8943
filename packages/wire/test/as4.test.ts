/**
 * RFC 6793 §4.2.3: reconstructing AS_PATH and AGGREGATOR from a 2-octet speaker's UPDATE.
 */
import {
  AS_TRANS,
  asPathCount,
  DEFAULT_CONTEXT,
  decodeUpdate,
  findAttribute,
  mergeAs4,
  mergeAsPath,
  type PathAttribute,
} from '@bgp/wire';
import { describe, expect, it } from 'vitest';
import { hex } from './update-fixtures.js';

const SEQ = 2;
const SET = 1;
const CONFED_SEQ = 3;

describe('mergeAsPath (RFC 6793 §4.2.3)', () => {
  it('replaces the trailing AS_TRANS entries with AS4_PATH', () => {
    const asPath = [{ type: SEQ, asns: [100, AS_TRANS, AS_TRANS] }];
    const as4 = [{ type: SEQ, asns: [70000, 80000] }];
    expect(mergeAsPath(asPath, as4)).toEqual([{ type: SEQ, asns: [100, 70000, 80000] }]);
  });
  it('ignores AS4_PATH when it is longer than AS_PATH', () => {
    const asPath = [{ type: SEQ, asns: [AS_TRANS] }];
    expect(mergeAsPath(asPath, [{ type: SEQ, asns: [1, 2] }])).toEqual(asPath);
  });
  it('counts an AS_SET as one and confederation segments as none', () => {
    const asPath = [
      { type: CONFED_SEQ, asns: [65001, 65002] },
      { type: SEQ, asns: [100] },
      { type: SET, asns: [AS_TRANS, 200] },
    ];
    expect(asPathCount(asPath)).toBe(2);
    const as4 = [{ type: SET, asns: [70000, 200] }];
    expect(mergeAsPath(asPath, as4)).toEqual([
      { type: CONFED_SEQ, asns: [65001, 65002] },
      { type: SEQ, asns: [100] },
      { type: SET, asns: [70000, 200] },
    ]);
  });
  it('drops confederation segments found in AS4_PATH (RFC 6793 §3)', () => {
    const asPath = [{ type: SEQ, asns: [AS_TRANS] }];
    const as4 = [
      { type: CONFED_SEQ, asns: [1] },
      { type: SEQ, asns: [70000] },
    ];
    expect(mergeAsPath(asPath, as4)).toEqual([{ type: SEQ, asns: [70000] }]);
  });
});

describe('mergeAs4', () => {
  const base: PathAttribute[] = [
    { typeCode: 2, flags: 0x40, value: [{ type: SEQ, asns: [300, AS_TRANS] }] },
    { typeCode: 17, flags: 0xc0, value: [{ type: SEQ, asns: [131072] }] },
  ];
  it('merges the path when there is no AGGREGATOR', () => {
    expect(mergeAs4(base)).toEqual({ asPath: [{ type: SEQ, asns: [300, 131072] }] });
  });
  it('takes AS4_AGGREGATOR when AGGREGATOR holds AS_TRANS', () => {
    const attrs: PathAttribute[] = [
      ...base,
      { typeCode: 7, flags: 0xc0, value: { asn: AS_TRANS, address: Uint8Array.of(1, 1, 1, 1) } },
      { typeCode: 18, flags: 0xc0, value: { asn: 131072, address: Uint8Array.of(1, 1, 1, 1) } },
    ];
    expect(mergeAs4(attrs)).toEqual({
      asPath: [{ type: SEQ, asns: [300, 131072] }],
      aggregator: { asn: 131072, address: Uint8Array.of(1, 1, 1, 1) },
    });
  });
  it('ignores AS4_PATH and AS4_AGGREGATOR when AGGREGATOR holds a real AS', () => {
    const attrs: PathAttribute[] = [
      ...base,
      { typeCode: 7, flags: 0xc0, value: { asn: 300, address: Uint8Array.of(2, 2, 2, 2) } },
      { typeCode: 18, flags: 0xc0, value: { asn: 131072, address: Uint8Array.of(1, 1, 1, 1) } },
    ];
    expect(mergeAs4(attrs)).toEqual({
      asPath: [{ type: SEQ, asns: [300, AS_TRANS] }],
      aggregator: { asn: 300, address: Uint8Array.of(2, 2, 2, 2) },
    });
  });
  it('decoding keeps both attributes as received', () => {
    // ORIGIN; AS_PATH [300 23456] (2-octet); AS4_PATH [131072]; no NLRI.
    const body = hex('0000 0016 40010100 400206 0202012c5ba0 c01106 020100020000');
    const msg = decodeUpdate(body, DEFAULT_CONTEXT);
    expect(findAttribute(msg.attributes, 2)?.value).toEqual([{ type: SEQ, asns: [300, AS_TRANS] }]);
    expect(findAttribute(msg.attributes, 17)?.value).toEqual([{ type: SEQ, asns: [131072] }]);
    expect(mergeAs4(msg.attributes).asPath).toEqual([{ type: SEQ, asns: [300, 131072] }]);
  });
});
