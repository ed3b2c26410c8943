import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AS4_CONTEXT,
  type BgpError,
  CeaseSubcode,
  ceaseWithShutdownMessage,
  createNotification,
  decodeMessage,
  decodeNotification,
  describeNotification,
  ErrorCode,
  ErrorSubcodes,
  encodeMessage,
  encodeNotification,
  hardReset,
  hardResetCause,
  type NotificationMessage,
  notificationFromError,
  notificationName,
  OpenMessageError,
  shutdownMessage,
  Writer,
} from '../src/index.js';
import { hex, MARKER, notificationArb, toHex } from './message-arbitraries.js';

function body(n: NotificationMessage): Uint8Array {
  const w = new Writer();
  encodeNotification(n, w);
  return w.finish();
}

describe('NOTIFICATION golden bytes', () => {
  it('Cease / Administrative Reset without data (RFC 4271 §4.5)', () => {
    const bytes = hex(`${MARKER} 0015 03 06 04`);
    const n = decodeMessage(bytes, AS4_CONTEXT);
    expect(n).toStrictEqual(createNotification(6, 4));
    expect(toHex(encodeMessage(n, AS4_CONTEXT))).toBe(toHex(bytes));
  });
  it('OPEN error with data (bgp-rs capture: 2/2 with the peer AS)', () => {
    const bytes = hex(`${MARKER} 0017 03 02 02 feb0`);
    const n = decodeMessage(bytes, AS4_CONTEXT) as NotificationMessage;
    expect([n.code, n.subcode, toHex(n.data)]).toEqual([2, 2, 'feb0']);
    expect(describeNotification(n)).toBe('OPEN_MESSAGE_ERROR/BAD_PEER_AS');
    expect(toHex(encodeMessage(n, AS4_CONTEXT))).toBe(toHex(bytes));
  });
  it('a body under 2 octets is 1/2', () => {
    for (const b of ['', '06']) {
      try {
        decodeNotification(hex(b));
        expect.unreachable();
      } catch (err) {
        expect([(err as BgpError).code, (err as BgpError).subcode]).toEqual([1, 2]);
      }
    }
  });
  it('notificationFromError carries code, subcode and data', () => {
    const err = new OpenMessageError(1, 'version', Uint8Array.of(0, 4));
    const n = notificationFromError(err);
    expect(toHex(body(n))).toBe('02010004');
  });
});

describe('RFC 9003 shutdown communication', () => {
  it('decodes Cease 2 with a message', () => {
    const n = decodeMessage(
      hex(`${MARKER} 0019 03 06 02 03 627965`),
      AS4_CONTEXT,
    ) as NotificationMessage;
    expect(shutdownMessage(n)).toBe('bye');
    expect(describeNotification(n)).toBe('CEASE/ADMINISTRATIVE_SHUTDOWN "bye"');
  });
  it('decodes Cease 4 with UTF-8 text and an empty message', () => {
    const text = 'maintenance – ☕';
    expect(shutdownMessage(ceaseWithShutdownMessage(4, text))).toBe(text);
    expect(shutdownMessage(createNotification(6, 4, Uint8Array.of(0)))).toBe('');
  });
  it('malformed communications still decode, with raw data and no text', () => {
    const cases = [
      '06 02 05 627965', // length past the data
      '06 02 01 627965', // length short of the data
      '06 02 02 c328', // invalid UTF-8
    ];
    for (const c of cases) {
      const n = decodeNotification(hex(c));
      expect(shutdownMessage(n)).toBeUndefined();
      expect(toHex(n.data)).toBe(toHex(hex(c).subarray(2)));
      expect(describeNotification(n)).toBe('CEASE/ADMINISTRATIVE_SHUTDOWN');
    }
  });
  it('only Cease 2 and 4 carry one', () => {
    expect(shutdownMessage(decodeNotification(hex('06 03 03 627965')))).toBeUndefined();
    expect(shutdownMessage(decodeNotification(hex('02 02 03 627965')))).toBeUndefined();
    expect(shutdownMessage(decodeNotification(hex('06 02')))).toBeUndefined();
  });
  it('ceaseWithShutdownMessage cuts to 255 octets on a UTF-8 boundary', () => {
    const ascii = ceaseWithShutdownMessage(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, 'a'.repeat(300));
    expect(ascii.data.length).toBe(256);
    expect(ascii.data[0]).toBe(255);
    const wide = ceaseWithShutdownMessage(CeaseSubcode.ADMINISTRATIVE_SHUTDOWN, 'é'.repeat(200)); // 2 octets each
    expect(wide.data[0]).toBe(254);
    expect(shutdownMessage(wide)).toBe('é'.repeat(127));
    const emoji = ceaseWithShutdownMessage(
      CeaseSubcode.ADMINISTRATIVE_RESET,
      `${'a'.repeat(253)}😀`,
    ); // 4-octet char at 253
    expect(emoji.data[0]).toBe(253);
    expect(shutdownMessage(emoji)).toBe('a'.repeat(253));
  });
  it('property: any text survives (possibly cut) and stays valid UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const n = ceaseWithShutdownMessage(2, text);
        const back = shutdownMessage(decodeNotification(body(n)));
        expect(back).toBeDefined();
        expect(text.startsWith(back!)).toBe(true);
        expect(n.data.length).toBeLessThanOrEqual(256);
      }),
    );
  });
});

describe('RFC 8538 Hard Reset', () => {
  it('wraps and unwraps the inner NOTIFICATION', () => {
    const inner = ceaseWithShutdownMessage(2, 'bye');
    const outer = hardReset(inner);
    expect(toHex(body(outer))).toBe('0609' + '0602' + '03627965');
    const back = hardResetCause(decodeNotification(body(outer)));
    expect(back).toStrictEqual(inner);
    expect(describeNotification(outer)).toBe(
      'CEASE/HARD_RESET (CEASE/ADMINISTRATIVE_SHUTDOWN "bye")',
    );
  });
  it('malformed inner data still decodes, with no cause', () => {
    const n = decodeNotification(hex('06 09 04'));
    expect(hardResetCause(n)).toBeUndefined();
    expect(describeNotification(n)).toBe('CEASE/HARD_RESET');
    expect(hardResetCause(decodeNotification(hex('06 08 0602')))).toBeUndefined();
  });
});

describe('NOTIFICATIONs captured by tcpdump (corpus)', () => {
  it('Hard Reset carrying Cease / Peer De-configured', () => {
    const n = decodeMessage(hex(`${MARKER} 0017 03 0609 0603`), AS4_CONTEXT) as NotificationMessage;
    const inner = hardResetCause(n)!;
    expect([inner.code, inner.subcode, inner.data.length]).toEqual([6, 3, 0]);
    expect(describeNotification(n)).toBe('CEASE/HARD_RESET (CEASE/PEER_DE_CONFIGURED)');
  });
  it('malformed Hard Reset (no inner code) still decodes', () => {
    const n = decodeMessage(hex(`${MARKER} 0015 03 0609`), AS4_CONTEXT) as NotificationMessage;
    expect([n.code, n.subcode, n.data.length]).toEqual([6, 9, 0]);
    expect(hardResetCause(n)).toBeUndefined();
  });
  it('a 210-octet shutdown communication (over RFC 8203 128, within RFC 9003 255)', () => {
    const ticket = '[TICKET-1-1438367390] software upgrade; Expected downtime for 2 hours;';
    const text = ticket.repeat(3);
    const bytes = hex(`${MARKER} 00e8 03 0602 d2 ${toHex(new TextEncoder().encode(text))}`);
    const n = decodeMessage(bytes, AS4_CONTEXT) as NotificationMessage;
    expect(shutdownMessage(n)).toBe(text);
    expect(toHex(encodeMessage(ceaseWithShutdownMessage(2, text), AS4_CONTEXT))).toBe(toHex(bytes));
  });
});

describe('NOTIFICATION names', () => {
  // IANA "BGP Error (Notification) Codes" and the subcode registries (RFC 4271, 4486, 6608,
  // 7313, 8538, 9234, 9384), current (non-deprecated) entries.
  const registry: [number, number, string][] = [
    [1, 1, 'MESSAGE_HEADER_ERROR/CONNECTION_NOT_SYNCHRONIZED'],
    [1, 2, 'MESSAGE_HEADER_ERROR/BAD_MESSAGE_LENGTH'],
    [1, 3, 'MESSAGE_HEADER_ERROR/BAD_MESSAGE_TYPE'],
    [2, 1, 'OPEN_MESSAGE_ERROR/UNSUPPORTED_VERSION_NUMBER'],
    [2, 2, 'OPEN_MESSAGE_ERROR/BAD_PEER_AS'],
    [2, 3, 'OPEN_MESSAGE_ERROR/BAD_BGP_IDENTIFIER'],
    [2, 4, 'OPEN_MESSAGE_ERROR/UNSUPPORTED_OPTIONAL_PARAMETER'],
    [2, 6, 'OPEN_MESSAGE_ERROR/UNACCEPTABLE_HOLD_TIME'],
    [2, 7, 'OPEN_MESSAGE_ERROR/UNSUPPORTED_CAPABILITY'],
    [2, 11, 'OPEN_MESSAGE_ERROR/ROLE_MISMATCH'],
    [3, 1, 'UPDATE_MESSAGE_ERROR/MALFORMED_ATTRIBUTE_LIST'],
    [3, 11, 'UPDATE_MESSAGE_ERROR/MALFORMED_AS_PATH'],
    [4, 0, 'HOLD_TIMER_EXPIRED/UNSPECIFIC'],
    [5, 1, 'FSM_ERROR/RECEIVE_UNEXPECTED_MESSAGE_IN_OPENSENT'],
    [5, 3, 'FSM_ERROR/RECEIVE_UNEXPECTED_MESSAGE_IN_ESTABLISHED'],
    [6, 1, 'CEASE/MAXIMUM_NUMBER_OF_PREFIXES_REACHED'],
    [6, 9, 'CEASE/HARD_RESET'],
    [6, 10, 'CEASE/BFD_DOWN'],
    [7, 1, 'ROUTE_REFRESH_MESSAGE_ERROR/INVALID_MESSAGE_LENGTH'],
  ];
  it('names every registered code/subcode pair', () => {
    for (const [code, subcode, name] of registry) {
      expect(describeNotification(createNotification(code, subcode))).toBe(name);
    }
    for (const [code, table] of Object.entries(ErrorSubcodes)) {
      for (const [sub, value] of Object.entries(table)) {
        expect(notificationName(Number(code), value)).toMatch(new RegExp(`^[A-Z_]+/${sub}$`));
      }
    }
    expect(describeNotification(createNotification(99, 7))).toBe('CODE_99/SUBCODE_7');
    expect(ErrorCode.CEASE).toBe(6);
  });
});

describe('NOTIFICATION properties', () => {
  it('property: decode(encode(x)) deep-equals x', () => {
    fc.assert(
      fc.property(notificationArb, (n) => {
        expect(decodeNotification(body(n))).toStrictEqual(n);
        expect(decodeMessage(encodeMessage(n, AS4_CONTEXT), AS4_CONTEXT)).toStrictEqual(n);
      }),
    );
  });
  it('property: interpreting arbitrary data never throws', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 2, maxLength: 300 }), (bytes) => {
        const n = decodeNotification(bytes);
        expect(typeof describeNotification(n)).toBe('string');
        shutdownMessage(n);
        hardResetCause(n);
      }),
    );
  });
});
