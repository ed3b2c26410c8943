/**
 * The byte-stream transport a session runs over, and the connector that opens one.
 *
 * A transport is a connected, ordered byte stream with back-pressure: `write` returns false when
 * the transport's own buffer is above its high-water mark, and the `drain` handler fires when it
 * has room again. TCP ({@link TcpTransport}) and the in-memory pair ({@link createMemoryTransportPair})
 * implement it, and both run the same compliance suite.
 *
 * @module
 */

/** The two ends of a transport. */
export interface TransportEndpoints {
  /** Our address. */
  readonly localAddress: string;
  /** Our port. */
  readonly localPort: number;
  /** The peer's address. */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
}

/** What a transport reports to its single consumer. */
export interface TransportHandlers {
  /** Bytes arrived. The chunk is the consumer's to keep (transports never reuse it). */
  data(chunk: Uint8Array): void;
  /** The transport can take more writes after `write` returned false. */
  drain(): void;
  /** The stream ended (by either side, or an error). Called once. */
  close(error?: Error): void;
}

/** A connected byte stream to a peer. */
export interface Transport extends TransportEndpoints {
  /**
   * Sets the consumer. Data that arrived before is delivered right after attaching, so that
   * nothing is lost between accept and attach.
   */
  attach(handlers: TransportHandlers): void;
  /**
   * Queues bytes for sending.
   *
   * @returns false when the transport's buffer is above its high-water mark: wait for `drain`
   */
  write(chunk: Uint8Array): boolean;
  /** Bytes accepted by `write` but not yet handed to the peer (or the kernel). */
  readonly bufferedAmount: number;
  /** Sends what is queued, then closes (TCP FIN). */
  end(): void;
  /** Closes at once, dropping what is queued. */
  destroy(): void;
  /** True once closed. */
  readonly closed: boolean;
}

/** Opens an active connection to the peer; rejects when the connection cannot be made. */
export type Connector = () => Promise<Transport>;
