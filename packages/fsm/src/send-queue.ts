/**
 * The bounded output queue between a session and its transport.
 *
 * Messages go to the transport while it accepts them; once `write` returns false they wait here
 * until `drain`. {@link SendQueue.push} tells the producer (the RIB's update generator) to pause
 * once the queued bytes pass the high-water mark, and the session emits `drain` when they fall
 * back below half of it. A producer that ignores the signal hits `maxBytes` and the session ends
 * with Cease / Out of Resources: a peer that stops reading can never grow our memory without
 * bound. Control messages (KEEPALIVE, NOTIFICATION) are never refused: they are tiny and
 * rate-limited by timers, and refusing a keepalive would fail a healthy session.
 *
 * @module
 */
import type { Transport } from './transport.js';

/** Limits of a {@link SendQueue}. */
export interface SendQueueOptions {
  /** Queued bytes above which `push` asks the producer to wait (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Queued bytes above which a data message is refused (default 16 MiB). */
  readonly maxBytes?: number;
}

/** What {@link SendQueue.push} reports. */
export type PushResult = 'ok' | 'wait' | 'overflow';

/** A FIFO of encoded messages in front of a transport. */
export class SendQueue {
  /** High-water mark in bytes. */
  readonly highWaterMark: number;
  /** Hard bound in bytes. */
  readonly maxBytes: number;
  private readonly queue: Uint8Array[] = [];
  private head = 0;
  private queued = 0;
  private blocked = false;
  private waiting = false;

  /**
   * @param transport - where bytes go
   * @param onDrain - called when a producer told to wait may go on
   * @param options - limits
   */
  constructor(
    private readonly transport: Transport,
    private readonly onDrain: () => void,
    options: SendQueueOptions = {},
  ) {
    this.highWaterMark = options.highWaterMark ?? 1 << 20;
    this.maxBytes = Math.max(options.maxBytes ?? 16 << 20, this.highWaterMark);
  }

  /** Bytes waiting here (not counting the transport's own buffer). */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Bytes queued here and in the transport. */
  get totalBytes(): number {
    return this.queued + this.transport.bufferedAmount;
  }

  /** True while the transport refuses writes. */
  get isBlocked(): boolean {
    return this.blocked;
  }

  /**
   * Queues a data message (UPDATE, ROUTE-REFRESH).
   *
   * @returns `ok`; `wait` when the producer should wait for drain; `overflow` when refused
   */
  push(bytes: Uint8Array): PushResult {
    if (this.totalBytes + bytes.length > this.maxBytes) return 'overflow';
    this.enqueue(bytes);
    // Only a blocked transport will ever call drained(), so only then may the producer wait.
    if (this.blocked && this.totalBytes >= this.highWaterMark) {
      this.waiting = true;
      return 'wait';
    }
    return 'ok';
  }

  /** Queues a control message; never refused. */
  pushControl(bytes: Uint8Array): void {
    this.enqueue(bytes);
  }

  /** Drops everything still queued here (the session is going away). */
  clear(): void {
    this.queue.length = 0;
    this.head = 0;
    this.queued = 0;
  }

  /** The transport drained: hand it more. */
  drained(): void {
    this.blocked = false;
    this.flush();
    if (this.waiting && !this.blocked && this.totalBytes < this.highWaterMark / 2) {
      this.waiting = false;
      this.onDrain();
    }
  }

  private enqueue(bytes: Uint8Array): void {
    if (!this.blocked && this.head === this.queue.length) {
      if (!this.transport.write(bytes)) this.blocked = true;
      return;
    }
    this.queue.push(bytes);
    this.queued += bytes.length;
  }

  private flush(): void {
    while (!this.blocked && this.head < this.queue.length) {
      const b = this.queue[this.head]!;
      this.queue[this.head++] = EMPTY;
      this.queued -= b.length;
      if (!this.transport.write(b)) this.blocked = true;
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
