/**
 * IP prefixes as compact values.
 *
 * A {@link Prefix} is the address family, the length and the address bytes with every bit past
 * the length cleared. Strings ("10.0.0.0/24", "2001:db8::/32") are for the API edge and JSON; the
 * hot paths work on bytes. ip-num is deliberately not used here: an object per prefix would cost
 * more than the prefix itself when a full table is decoded.
 *
 * @module
 */
import { Afi } from './iana.js';

/** An IPv4 or IPv6 prefix. `address` has 4 or 16 bytes, zero past `length`. */
export interface Prefix {
  /** {@link Afi.IPV4} or {@link Afi.IPV6}. */
  readonly afi: 1 | 2;
  /** Prefix length in bits. */
  readonly length: number;
  /** Network address, 4 or 16 bytes. */
  readonly address: Uint8Array;
}

/** Thrown by {@link parsePrefix} and {@link parseAddress} for text that is not an address or prefix. */
export class AddressFormatError extends Error {
  override readonly name = 'AddressFormatError';
}

/** Formats 4 or 16 address bytes as dotted quad or RFC 5952 IPv6 text. */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) throw new AddressFormatError(`address of ${bytes.length} bytes`);
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i]! << 8) | bytes[i + 1]!);
  // RFC 5952 §4.2: compress the longest run (of two or more) of zero words, the first if tied.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]): string => ws.map((w) => w.toString(16)).join(':');
  // RFC 5952 §5: an IPv4-mapped address keeps its dotted quad.
  if (bestStart === 0 && bestLen === 5 && words[5] === 0xffff) {
    return `::ffff:${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  }
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** Parses IPv4 or IPv6 text into 4 or 16 bytes. */
export function parseAddress(text: string): Uint8Array {
  if (text.includes(':')) return parseIpv6(text);
  const parts = text.split('.');
  if (parts.length !== 4) throw new AddressFormatError(`not an IPv4 address: ${text}`);
  const out = new Uint8Array(4);
  parts.forEach((p, i) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) {
      throw new AddressFormatError(`not an IPv4 address: ${text}`);
    }
    out[i] = Number(p);
  });
  return out;
}

function parseIpv6(text: string): Uint8Array {
  const bad = (): AddressFormatError => new AddressFormatError(`not an IPv6 address: ${text}`);
  let t = text;
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  const out = new Uint8Array(16);
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const b = parseAddress(v4[1]!);
    t = `${t.slice(0, v4.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const halves = t.split('::');
  if (halves.length > 2) throw bad();
  const parse = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').map((w) => {
          if (!/^[0-9a-fA-F]{1,4}$/.test(w)) throw bad();
          return Number.parseInt(w, 16);
        });
  const head = parse(halves[0]!);
  tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (halves.length === 1 ? head.length !== 8 : head.length + tail.length > 7) throw bad();
  const words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  words.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  return out;
}

/** Clears every bit of `address` past `length` (in place) and returns it. */
export function maskAddress(address: Uint8Array, length: number): Uint8Array {
  const full = length >> 3;
  const rem = length & 7;
  let i = full;
  if (rem !== 0 && i < address.length) {
    address[i] = address[i]! & (0xff << (8 - rem));
    i++;
  }
  address.fill(0, i);
  return address;
}

/** Builds a prefix from an address and length, masking host bits. */
export function makePrefix(address: Uint8Array, length: number): Prefix {
  const afi = address.length === 4 ? Afi.IPV4 : Afi.IPV6;
  if (address.length !== 4 && address.length !== 16) {
    throw new AddressFormatError(`address of ${address.length} bytes`);
  }
  if (!Number.isInteger(length) || length < 0 || length > address.length * 8) {
    throw new AddressFormatError(`prefix length ${length} out of range`);
  }
  return { afi, length, address: maskAddress(Uint8Array.from(address), length) };
}

/**
 * Parses "10.0.0.0/24" or "2001:db8::/32". A bare address is a host prefix (/32 or /128).
 * Host bits are cleared unless `strict` is set, in which case they are an error.
 */
export function parsePrefix(text: string, strict = false): Prefix {
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  const lenText = slash < 0 ? String(address.length * 8) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(lenText)) throw new AddressFormatError(`bad prefix length in ${text}`);
  const p = makePrefix(address, Number(lenText));
  if (strict && !p.address.every((b, i) => b === address[i])) {
    throw new AddressFormatError(`${text} has host bits set`);
  }
  return p;
}

/** Formats a prefix as "address/length". */
export function formatPrefix(p: Prefix): string {
  return `${formatAddress(p.address)}/${p.length}`;
}

/** True when two prefixes are the same family, length and address. */
export function prefixEquals(a: Prefix, b: Prefix): boolean {
  if (a.afi !== b.afi || a.length !== b.length) return false;
  for (let i = 0; i < a.address.length; i++) if (a.address[i] !== b.address[i]) return false;
  return true;
}

/** True when `inner` lies within `outer` (same family, at least as long, same leading bits). */
export function prefixContains(outer: Prefix, inner: Prefix): boolean {
  if (outer.afi !== inner.afi || inner.length < outer.length) return false;
  const full = outer.length >> 3;
  for (let i = 0; i < full; i++) if (outer.address[i] !== inner.address[i]) return false;
  const rem = outer.length & 7;
  if (rem === 0) return true;
  const mask = 0xff << (8 - rem);
  return ((outer.address[full]! ^ inner.address[full]!) & mask) === 0;
}
