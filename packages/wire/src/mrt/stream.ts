/**
 * Streaming MRT reading: records from a file, a Readable or any async iterable of chunks,
 * gzip- or bzip2-compressed or plain (told apart by their magic bytes), without holding the
 * whole file in memory.
 *
 * This is the one file of the package that does I/O, and only on what the caller names: the
 * codecs stay sans-IO. Chunks are kept in a queue; a record that lies inside one chunk is
 * yielded as a view of it, and only a record that straddles chunks is copied into one buffer.
 *
 * @module
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import bz2 from 'unbzip2-stream';
import { MrtFormatError } from '../errors.js';
import { decodeMrtRecord, MRT_HEADER_LENGTH, peekMrtHeader } from './record.js';
import type { MrtRecord } from './types.js';

/** Where MRT bytes come from: a file path, a Readable, or chunks. */
export type MrtSource = string | Readable | AsyncIterable<Uint8Array>;

/** Options of {@link readMrtStream}. */
export interface MrtStreamOptions {
  /** Called as raw (still compressed) bytes are consumed, with the running total; for progress. */
  readonly onInput?: (bytesRead: number) => void;
  /** Read-ahead size for file paths (default 1 MiB). */
  readonly highWaterMark?: number;
  /**
   * Longest record accepted (default 64 MiB). A longer length field ends the stream with a fatal
   * ERROR record instead of buffering the rest of the file in wait for it.
   */
  readonly maxRecordLength?: number;
}

/** Default {@link MrtStreamOptions.maxRecordLength}: far above any real record (RIB records of a full table stay under 1 MiB). */
export const DEFAULT_MAX_RECORD_LENGTH = 64 * 1024 * 1024;

/** The compression a stream's first bytes announce. */
export type MrtCompression = 'gzip' | 'bzip2' | 'none';

/** Tells gzip (1f 8b) and bzip2 ("BZh") from plain MRT by the first bytes. */
export function detectCompression(head: Uint8Array): MrtCompression {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68) return 'bzip2';
  return 'none';
}

function asBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) {
    // A plain Uint8Array view of a Buffer (no copy), so records hold one kind of array.
    return chunk.constructor === Uint8Array
      ? chunk
      : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  throw new TypeError('MRT source yielded something other than bytes');
}

/** A queue of chunks that hands out contiguous views, copying only across chunk borders. */
class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private head = 0;
  /** Bytes queued. */
  size = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The first `n` bytes as one array (a view when they lie in one chunk). */
  peek(n: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length - this.head >= n) return first.subarray(this.head, this.head + n);
    const out = new Uint8Array(n);
    let filled = 0;
    let pos = this.head;
    for (const c of this.chunks) {
      const take = Math.min(n - filled, c.length - pos);
      out.set(c.subarray(pos, pos + take), filled);
      filled += take;
      pos = 0;
      if (filled === n) break;
    }
    return out;
  }

  consume(n: number): void {
    this.size -= n;
    while (n > 0) {
      const first = this.chunks[0]!;
      const left = first.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }
}

async function* counted(
  source: AsyncIterable<unknown>,
  onInput: ((n: number) => void) | undefined,
): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    const bytes = asBytes(chunk);
    total += bytes.length;
    onInput?.(total);
    yield bytes;
  }
}

/** Yields the raw chunks, decompressed when the first bytes say so. */
async function* decompressed(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const compression = detectCompression(first.value);
  const rest = (async function* (): AsyncGenerator<Uint8Array> {
    try {
      yield first.value;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    } finally {
      // A reader that stops early must still close the file.
      await it.return?.();
    }
  })();
  if (compression === 'none') {
    yield* rest;
    return;
  }
  if (compression === 'gzip') {
    const raw = Readable.from(rest, { objectMode: false });
    const gunzip = createGunzip();
    raw.on('error', (err) => gunzip.destroy(err));
    try {
      for await (const chunk of raw.pipe(gunzip)) yield asBytes(chunk);
    } finally {
      raw.destroy();
    }
    return;
  }
  yield* throughStream(rest, bz2());
}

/**
 * Drives an old-style through stream (unbzip2-stream is one) by hand: write each input chunk,
 * collect what it emits, and end it at the end of the input. Modern stream helpers (`wrap`,
 * `pipeline`) mistake its early 'close' for a premature one.
 */
async function* throughStream(
  input: AsyncIterable<Uint8Array>,
  stream: NodeJS.ReadWriteStream,
): AsyncGenerator<Uint8Array> {
  const out: Uint8Array[] = [];
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  stream.on('data', (chunk: unknown) => {
    out.push(asBytes(chunk));
    notify();
  });
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (err: unknown) => {
    failure = err ?? new Error('decompression failed');
    notify();
  });
  const drain = function* (): Generator<Uint8Array> {
    while (out.length > 0) yield out.shift()!;
  };
  for await (const chunk of input) {
    stream.write(chunk);
    yield* drain();
    if (failure !== undefined) throw failure;
  }
  stream.end();
  while (!ended && failure === undefined) {
    yield* drain();
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (ended || failure !== undefined || out.length > 0) notify();
    });
  }
  yield* drain();
  if (failure !== undefined) throw failure;
}

/**
 * Reads MRT records one at a time from a file path, a Readable or an async iterable of chunks.
 * Compression is detected from the magic bytes. Errors come back as ERROR records: a record that
 * does not parse is reported and skipped; a torn file (a record running past the end, or a
 * compressed stream that stops short) ends with a fatal ERROR record.
 *
 * @example
 * ```ts
 * for await (const rec of readMrtStream('updates.20240101.0000.bz2')) {
 *   if (rec.kind === 'MESSAGE') console.log(decodeMrtMessage(rec).type);
 * }
 * ```
 */
export async function* readMrtStream(
  source: MrtSource,
  options: MrtStreamOptions = {},
): AsyncGenerator<MrtRecord, void, undefined> {
  const input: AsyncIterable<unknown> =
    typeof source === 'string'
      ? createReadStream(source, { highWaterMark: options.highWaterMark ?? 1 << 20 })
      : source;
  const maxRecordLength = options.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH;
  const queue = new ChunkQueue();
  let offset = 0;
  const chunks = decompressed(counted(input, options.onInput));
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (err) {
        // Only input errors land here (I/O, a corrupt or truncated compressed stream); a bug in a
        // decoder below is not caught and surfaces as the exception it is.
        if (typeof source === 'string' && (err as NodeJS.ErrnoException).code === 'ENOENT')
          throw err;
        const reason = err instanceof Error ? err.message : String(err);
        yield fatalError(offset, `input stopped: ${reason}`, undefined, err);
        return;
      }
      if (next.done) break;
      queue.push(next.value);
      while (queue.size >= MRT_HEADER_LENGTH) {
        const head = peekMrtHeader(queue.peek(MRT_HEADER_LENGTH), 0);
        if (head.length > maxRecordLength) {
          // A torn file often puts junk in a length field; waiting for gigabytes that never
          // come would buffer the rest of the file for nothing.
          yield fatalError(
            offset,
            `MRT record length ${head.length} exceeds the ${maxRecordLength}-byte limit`,
            head,
          );
          return;
        }
        const total = MRT_HEADER_LENGTH + head.length;
        if (queue.size < total) break;
        const record = queue.peek(total);
        queue.consume(total);
        yield decodeMrtRecord(record, offset);
        offset += total;
      }
    }
  } finally {
    await chunks.return(undefined);
  }
  if (queue.size > 0) {
    const head =
      queue.size >= MRT_HEADER_LENGTH ? peekMrtHeader(queue.peek(MRT_HEADER_LENGTH), 0) : undefined;
    yield fatalError(
      offset,
      head === undefined
        ? `${queue.size} trailing bytes cannot hold an MRT common header`
        : `MRT record length ${head.length} runs ${MRT_HEADER_LENGTH + head.length - queue.size} bytes past the end of the data`,
      head,
    );
  }
}

function fatalError(
  offset: number,
  message: string,
  head?: { type: number; subtype: number; timestamp: number },
  cause?: unknown,
): MrtRecord {
  const error = new MrtFormatError(message, offset, cause);
  if (head === undefined) return { kind: 'ERROR', offset, error, fatal: true };
  const { type, subtype, timestamp } = head;
  return { kind: 'ERROR', offset, type, subtype, timestamp, error, fatal: true };
}
