/**
 * Guessing the AS number width of messages whose session is unknown (`bgp-decode --as4 auto`).
 *
 * Order of evidence: OPENs seen earlier in the input (RFC 6793 §4: 4-octet AS numbers are used
 * only when every OPEN of the session carried the capability); then the message itself: an
 * AGGREGATOR of 8 octets (4-octet AS) or 6 (2-octet); then whether the AS_PATH segments add up
 * with 2- or 4-octet numbers; then a 4-octet AS_PATH parse that yields AS 0 (RFC 7607 forbids
 * it) points to 2 octets. When nothing decides, 4-octet AS, which every modern session uses.
 *
 * @module
 */
import { UpdateMessageError } from '../errors.js';
import {
  AttributeFlag,
  AttributeType,
  CapabilityCode,
  HEADER_LENGTH,
  MessageType,
  UpdateMessageErrorSubcode,
} from '../iana.js';
import { Reader } from '../reader.js';

const short = (what: string): UpdateMessageError =>
  new UpdateMessageError(UpdateMessageErrorSubcode.MALFORMED_ATTRIBUTE_LIST, `short ${what}`);

/** Whether an AS_PATH value parses into whole segments with `width`-octet AS numbers; and if any AS is 0. */
function segmentsFit(value: Uint8Array, width: 2 | 4): { fits: boolean; zero: boolean } {
  const r = new Reader(value, short);
  let zero = false;
  while (!r.done) {
    if (r.remaining < 2) return { fits: false, zero };
    const type = r.u8();
    const count = r.u8();
    if (type < 1 || type > 4 || count === 0 || r.remaining < count * width)
      return { fits: false, zero };
    for (let i = 0; i < count; i++) if ((width === 4 ? r.u32() : r.u16()) === 0) zero = true;
  }
  return { fits: true, zero };
}

/**
 * What an UPDATE's own bytes say about the AS width: `true` (4 octets), `false` (2 octets) or
 * `undefined` (nothing decides, or not an UPDATE that can be walked).
 *
 * @param message - the whole message, header included
 */
export function guessFourOctetAs(message: Uint8Array): boolean | undefined {
  if (message.length < HEADER_LENGTH || message[18] !== MessageType.UPDATE) return undefined;
  try {
    const r = new Reader(message, short, HEADER_LENGTH);
    r.skip(r.u16('withdrawn length'), 'withdrawn routes');
    const attrs = r.sub(r.u16('attribute length'), 'attributes');
    let asPath: Uint8Array | undefined;
    while (!attrs.done) {
      const flags = attrs.u8('flags');
      const type = attrs.u8('type');
      const len = flags & AttributeFlag.EXTENDED_LENGTH ? attrs.u16('length') : attrs.u8('length');
      const value = attrs.bytes(len, 'value');
      if (type === AttributeType.AGGREGATOR && (len === 6 || len === 8)) return len === 8;
      if (type === AttributeType.AS_PATH) asPath = value;
    }
    if (asPath === undefined || asPath.length === 0) return undefined;
    const four = segmentsFit(asPath, 4);
    const two = segmentsFit(asPath, 2);
    if (four.fits !== two.fits) return four.fits;
    if (four.fits && four.zero && !two.zero) return false;
    return four.fits ? true : undefined;
  } catch {
    return undefined;
  }
}

/** Tracks OPENs in a stream and answers the AS width for each message (`--as4 auto`). */
export class AsWidthGuesser {
  private opens = 0;
  private opensWithAs4 = 0;

  /**
   * Notes an OPEN's capabilities.
   *
   * @param capabilityCodes - codes of the capabilities the OPEN carried
   */
  sawOpen(capabilityCodes: readonly number[]): void {
    this.opens++;
    if (capabilityCodes.includes(CapabilityCode.FOUR_OCTET_AS)) this.opensWithAs4++;
  }

  /** The AS width to decode `message` with, and where the answer came from. */
  fourOctetAs(message: Uint8Array): {
    fourOctetAs: boolean;
    basis: 'open' | 'message' | 'default';
  } {
    if (this.opens > 0) return { fourOctetAs: this.opensWithAs4 === this.opens, basis: 'open' };
    const guess = guessFourOctetAs(message);
    return guess === undefined
      ? { fourOctetAs: true, basis: 'default' }
      : { fourOctetAs: guess, basis: 'message' };
  }
}
