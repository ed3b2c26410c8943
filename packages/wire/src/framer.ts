/**
 * Stream framing: TCP chunks in, whole BGP messages out.
 *
 * The framer is sans-IO. {@link Framer.push} appends a chunk to a list (nothing is copied);
 * {@link Framer.next} returns the next whole message, header included, as a `subarray` view of
 * the chunk that holds it. Only a message that straddles chunks is copied, into one buffer of
 * exactly its length. Leftover bytes are never re-concatenated: the framer keeps a cursor (chunk
 * index + offset) over the list.
 *
 * Ownership: a view aliases the pushed chunk. Node.js hands every `data` event a fresh Buffer,
 * so views stay valid; a caller that reuses its buffers must copy what it keeps.
 *
 * Each header is checked as soon as its 19 octets are buffered, before the body arrives:
 * marker (1/1 Connection Not Synchronized), length (1/2 Bad Message Length) and type
 * (1/3 Bad Message Type), RFC 4271 §6.1. After an error the stream is unusable (there is no way
 * to find the next message), so every later call throws the same error again.
 *
 * @module
 */
import { checkHeader, checkMarker } from './header.js';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from './iana.js';

/** Options of a {@link Framer}. */
export interface FramerOptions {
  /** Largest accepted message: 4096 (default), or 65535 once RFC 8654 extended messages are negotiated. */
  readonly maxMessageLength?: number;
}

const EMPTY = new Uint8Array(0);
// Local copies: an imported binding may be a getter under some transpilers (see header.ts).
const HEADER = HEADER_LENGTH;
const validateMarker = checkMarker;
const validateHeader = checkHeader;

/**
 * Splits a byte stream into BGP messages.
 *
 * @example
 * ```ts
 * const framer = new Framer();
 * socket.on('data', (chunk) => {
 *   framer.push(chunk);
 *   for (let m = framer.next(); m !== undefined; m = framer.next()) handle(decodeMessage(m, ctx));
 * });
 * ```
 */
export class Framer {
  /** Largest accepted message length; set it to 65535 once extended messages are negotiated. */
  maxMessageLength: number;

  /** Pushed chunks; entries before `head` are consumed and cleared. */
  private chunks: Uint8Array[] = [];
  /** Index of the chunk holding the cursor. */
  private head = 0;
  /** Cursor offset within `chunks[head]`. */
  private offset = 0;
  /** Unconsumed octets over all chunks. */
  private available = 0;
  /** Length field of the next message once its header is validated, else 0. */
  private pending = 0;
  /** Reused scratch for a header split across chunks (no per-message allocation). */
  private readonly scratch = new Uint8Array(HEADER);
  /** The error that broke the stream, rethrown by every later call. */
  private failure: unknown = undefined;

  /** @param options - see {@link FramerOptions} */
  constructor(options: FramerOptions = {}) {
    this.maxMessageLength = options.maxMessageLength ?? MAX_MESSAGE_LENGTH;
  }

  /** Octets buffered but not yet returned as messages. */
  get buffered(): number {
    return this.available;
  }

  /**
   * Appends a chunk. The framer keeps a reference to it (no copy) until its bytes are consumed.
   *
   * @param chunk - the next bytes of the stream, of any size
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /**
   * Returns the next whole message (header included) or `undefined` when more bytes are needed.
   * Throws a {@link MessageHeaderError} for a bad marker, length or type.
   */
  next(): Uint8Array | undefined {
    if (this.failure !== undefined) throw this.failure;
    if (this.pending === 0) {
      if (this.available < HEADER) return undefined;
      this.pending = this.readHeader();
    }
    const length = this.pending;
    if (this.available < length) return undefined;
    this.pending = 0;
    this.available -= length;
    const chunk = this.chunks[this.head]!;
    const start = this.offset;
    if (chunk.length - start >= length) {
      // Fast path: the whole message lies in one chunk, return a view.
      this.offset = start + length;
      if (this.offset === chunk.length) this.advanceChunk();
      return chunk.subarray(start, start + length);
    }
    // Slow path: the message straddles chunks; copy it once into a buffer of its own.
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const c = this.chunks[this.head]!;
      const take = Math.min(c.length - this.offset, length - filled);
      out.set(c.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
      if (this.offset === c.length) this.advanceChunk();
    }
    return out;
  }

  /** Yields every whole message buffered now (see {@link Framer.next}). */
  *[Symbol.iterator](): IterableIterator<Uint8Array> {
    for (let m = this.next(); m !== undefined; m = this.next()) yield m;
  }

  /** Drops all buffered bytes and any error, for a new connection. */
  reset(): void {
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.available = 0;
    this.pending = 0;
    this.failure = undefined;
  }

  /**
   * Validates the header at the cursor without consuming it and returns its length field.
   * Precondition: `available >= 19`, which bounds every index below (so no Reader is needed:
   * one per message would be exactly the churn this hot path avoids).
   */
  private readHeader(): number {
    let buf = this.chunks[this.head]!;
    let at = this.offset;
    if (buf.length - at < HEADER) {
      // The header straddles chunks: gather it into the reused scratch buffer.
      const s = this.scratch;
      let i = 0;
      let h = this.head;
      let o = this.offset;
      while (i < HEADER) {
        const c = this.chunks[h]!;
        const take = Math.min(c.length - o, HEADER - i);
        s.set(c.subarray(o, o + take), i);
        i += take;
        h++;
        o = 0;
      }
      buf = s;
      at = 0;
    }
    try {
      validateMarker(buf, at);
      const length = (buf[at + 16]! << 8) | buf[at + 17]!;
      validateHeader(length, buf[at + 18]!, this.maxMessageLength);
      return length;
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  /** Moves the cursor to the next chunk, releasing the consumed one. */
  private advanceChunk(): void {
    this.chunks[this.head] = EMPTY;
    this.head++;
    this.offset = 0;
    if (this.head === this.chunks.length) {
      // Everything consumed: start the list afresh (the common case after each data event).
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      // Many tiny chunks behind one large message: compact now and then, not on every chunk.
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
