/**
 * The one bounds-checked cursor that every codec reads through.
 *
 * Reads return numbers or `subarray` views (no copies). A read past the end throws the error
 * the reader was created with, so a short attribute becomes an UPDATE error and a short OPEN an
 * OPEN error, never a `RangeError`.
 *
 * @module
 */
import type { BgpError } from './errors.js';

/** Builds the error a {@link Reader} throws when its input is too short. */
export type ShortReadError = (what: string, needed: number, available: number) => BgpError;

/** A bounds-checked cursor over a byte range. */
export class Reader {
  /** The underlying bytes (the whole buffer, not only this reader's range). */
  readonly buf: Uint8Array;
  /** Absolute position of the next byte to read in {@link Reader.buf}. */
  pos: number;
  /** Absolute end (exclusive) of this reader's range. */
  readonly end: number;
  private readonly onShort: ShortReadError;

  /**
   * @param buf - bytes to read
   * @param onShort - builds the typed error to throw when a read would pass the end
   * @param start - first byte (default 0)
   * @param end - end, exclusive (default `buf.length`)
   */
  constructor(buf: Uint8Array, onShort: ShortReadError, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.onShort = onShort;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** True when every byte has been read. */
  get done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * Throws the reader's typed error unless `n` more bytes are available.
   *
   * @param n - bytes needed
   * @param what - what is being read, for the message
   */
  need(n: number, what: string): void {
    if (n > this.end - this.pos) throw this.onShort(what, n, this.end - this.pos);
  }

  /** Reads one octet. */
  u8(what = 'octet'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  /** Reads a big-endian 16-bit unsigned integer. */
  u16(what = 'two-octet field'): number {
    this.need(2, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  /** Reads a big-endian 32-bit unsigned integer. */
  u32(what = 'four-octet field'): number {
    this.need(4, what);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
  }

  /** Reads a big-endian 64-bit unsigned integer as a bigint. */
  u64(what = 'eight-octet field'): bigint {
    const hi = this.u32(what);
    const lo = this.u32(what);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** Returns a view of the next `n` bytes (no copy) and moves past them. */
  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const p = this.pos;
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  /** Returns a view of everything left and moves to the end. */
  rest(): Uint8Array {
    const p = this.pos;
    this.pos = this.end;
    return this.buf.subarray(p, this.end);
  }

  /** Moves past `n` bytes. */
  skip(n: number, what = 'bytes'): void {
    this.need(n, what);
    this.pos += n;
  }

  /**
   * Returns a reader over the next `n` bytes and moves past them. The sub-reader throws
   * `onShort` (default: this reader's) when its own range runs out.
   */
  sub(n: number, what = 'field', onShort: ShortReadError = this.onShort): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, onShort, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }
}
