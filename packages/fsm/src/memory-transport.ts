/**
 * An in-memory transport pair for tests: two {@link Transport} ends joined back to back, with
 * asynchronous delivery (a microtask, like a socket's next `data` event) and real back-pressure:
 * a paused end stops reading, its inbound bytes pile up, and the writer's `write` returns false
 * above the high-water mark until the reader resumes and drains.
 *
 * @module
 */
import type { Transport, TransportHandlers } from './transport.js';

/** Options of {@link createMemoryTransportPair}. */
export interface MemoryTransportOptions {
  /** Unread bytes above which `write` returns false (default 64 KiB). */
  readonly highWaterMark?: number;
  /** Address of end A (default 127.0.0.1). */
  readonly addressA?: string;
  /** Address of end B (default 127.0.0.2). */
  readonly addressB?: string;
}

/** One end of an in-memory pair. */
export class MemoryTransport implements Transport {
  /** The other end; set by {@link createMemoryTransportPair}. */
  peer!: MemoryTransport;
  /** Our address. */
  readonly localAddress: string;
  /** Our port. */
  readonly localPort: number;
  /** The other end's address. */
  readonly remoteAddress: string;
  /** The other end's port. */
  readonly remotePort: number;
  private handlers: TransportHandlers | undefined;
  private inbound: Uint8Array[] = [];
  private inboundBytes = 0;
  private paused = false;
  private scheduled = false;
  private writerBlocked = false;
  private isClosed = false;
  private closeError: Error | undefined;
  private closeDelivered = false;
  private readonly highWaterMark: number;

  /** @internal built by {@link createMemoryTransportPair} */
  constructor(
    local: string,
    localPort: number,
    remote: string,
    remotePort: number,
    highWaterMark: number,
  ) {
    this.localAddress = local;
    this.localPort = localPort;
    this.remoteAddress = remote;
    this.remotePort = remotePort;
    this.highWaterMark = highWaterMark;
  }

  /** Sets the consumer and delivers anything already received. */
  attach(handlers: TransportHandlers): void {
    this.handlers = handlers;
    // Like TcpTransport: what arrived before attach is delivered at once.
    this.flush();
  }

  /** Sends bytes to the other end. */
  write(chunk: Uint8Array): boolean {
    if (this.isClosed) return false;
    const p = this.peer;
    if (p.isClosed) return false;
    // Copy: the writer may reuse its buffer, a socket would have copied too.
    p.inbound.push(Uint8Array.from(chunk));
    p.inboundBytes += chunk.length;
    p.schedule();
    if (p.inboundBytes > this.highWaterMark) {
      this.writerBlocked = true;
      return false;
    }
    return true;
  }

  /** Bytes written and not yet read by the other end. */
  get bufferedAmount(): number {
    return this.peer.inboundBytes;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Stops reading: inbound bytes accumulate and the other end's writes start returning false. */
  pause(): void {
    this.paused = true;
  }

  /** Resumes reading. */
  resume(): void {
    this.paused = false;
    this.schedule();
  }

  /** Closes after the other end has read what we wrote. */
  end(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.schedule();
    this.peer.closeAfterData();
  }

  /** Closes both ends at once, dropping unread bytes. */
  destroy(): void {
    this.abort(undefined);
  }

  /** Closes both ends as if the connection failed (for tests of TcpConnectionFails). */
  abort(error: Error | undefined = new Error('connection reset')): void {
    if (!this.isClosed) this.isClosed = true;
    this.closeError ??= error;
    this.inbound = [];
    this.inboundBytes = 0;
    this.schedule();
    const p = this.peer;
    p.isClosed = true;
    p.closeError ??= error;
    p.inbound = [];
    p.inboundBytes = 0;
    p.schedule();
  }

  private closeAfterData(): void {
    this.isClosed = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const h = this.handlers;
    if (!h) return;
    while (!this.paused && this.inbound.length > 0) {
      const chunk = this.inbound.shift()!;
      this.inboundBytes -= chunk.length;
      h.data(chunk);
      if (this.handlers !== h) return;
    }
    const writer = this.peer;
    if (writer.writerBlocked && this.inboundBytes <= writer.highWaterMark) {
      writer.writerBlocked = false;
      writer.handlers?.drain();
    }
    if (this.isClosed && this.inbound.length === 0 && !this.closeDelivered) {
      this.closeDelivered = true;
      h.close(this.closeError);
    }
  }
}

/**
 * Two connected in-memory transports.
 *
 * @example
 * ```ts
 * const [a, b] = createMemoryTransportPair();
 * b.attach({ data: (c) => console.log(c.length), drain() {}, close() {} });
 * a.write(new Uint8Array(19)); // b logs 19 on the next microtask
 * ```
 */
export function createMemoryTransportPair(
  options: MemoryTransportOptions = {},
): [MemoryTransport, MemoryTransport] {
  const hwm = options.highWaterMark ?? 65536;
  const addrA = options.addressA ?? '127.0.0.1';
  const addrB = options.addressB ?? '127.0.0.2';
  const a = new MemoryTransport(addrA, 40000, addrB, 179, hwm);
  const b = new MemoryTransport(addrB, 179, addrA, 40000, hwm);
  a.peer = b;
  b.peer = a;
  return [a, b];
}
