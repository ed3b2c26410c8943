/**
 * A growable byte writer with back-patched lengths.
 *
 * Encoders reserve a length field, write the body, then patch the length in place, so no
 * message is assembled twice.
 *
 * @module
 */

/** Appends big-endian fields to a growing buffer. */
export class Writer {
  private buf: Uint8Array;
  /** Number of bytes written so far. */
  length = 0;

  /** @param capacity - initial capacity in bytes */
  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(n: number): void {
    const want = this.length + n;
    if (want <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < want) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** Writes one octet (the low 8 bits of `v`). */
  u8(v: number): this {
    this.ensure(1);
    this.buf[this.length++] = v & 0xff;
    return this;
  }

  /** Writes a big-endian 16-bit value. */
  u16(v: number): this {
    this.ensure(2);
    const b = this.buf;
    b[this.length] = (v >>> 8) & 0xff;
    b[this.length + 1] = v & 0xff;
    this.length += 2;
    return this;
  }

  /** Writes a big-endian 32-bit value. */
  u32(v: number): this {
    this.ensure(4);
    const b = this.buf;
    const p = this.length;
    b[p] = (v >>> 24) & 0xff;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
    this.length = p + 4;
    return this;
  }

  /** Writes a big-endian 64-bit value. */
  u64(v: bigint): this {
    this.u32(Number((v >> 32n) & 0xffffffffn));
    return this.u32(Number(v & 0xffffffffn));
  }

  /** Appends bytes. */
  bytes(src: Uint8Array): this {
    this.ensure(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
    return this;
  }

  /** Reserves `n` bytes (zeroed) and returns their offset, for a length to patch later. */
  reserve(n: number): number {
    this.ensure(n);
    const at = this.length;
    this.buf.fill(0, at, at + n);
    this.length += n;
    return at;
  }

  /** Overwrites one octet at `offset`. */
  patch8(offset: number, v: number): void {
    this.buf[offset] = v & 0xff;
  }

  /** Overwrites a big-endian 16-bit value at `offset`. */
  patch16(offset: number, v: number): void {
    this.buf[offset] = (v >>> 8) & 0xff;
    this.buf[offset + 1] = v & 0xff;
  }

  /** The bytes written so far, as a view of the internal buffer (valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** The bytes written so far, as a copy the caller owns. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
