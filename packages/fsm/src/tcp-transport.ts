/**
 * TCP transport over `node:net`, active and passive, with local address/port binding, a
 * configurable peer port, and the socket options of RFC 2385 (TCP-MD5), eBGP multihop TTL and
 * RFC 5082 (GTSM) through `sockopt.ts`.
 *
 * @module
 */
import { isIPv6, Socket } from 'node:net';
import { createTcpSocket, setMinTtl, setTtl } from './sockopt.js';
import type { Connector, Transport, TransportHandlers } from './transport.js';

/** The IANA port of BGP. RFC 4271 §8.2.1. */
export const BGP_PORT = 179;

/** A {@link Transport} over a connected `net.Socket`. */
export class TcpTransport implements Transport {
  /** The socket. */
  readonly socket: Socket;
  private handlers: TransportHandlers | undefined;
  private early: Uint8Array[] = [];
  private earlyClose: { error?: Error } | undefined;
  private isClosed = false;

  /** @param socket - a connected socket */
  constructor(socket: Socket) {
    this.socket = socket;
    // Captured now: Node forgets the endpoints once the socket is closed, logs need them after.
    this.localAddress = unmapAddress(socket.localAddress ?? '');
    this.localPort = socket.localPort ?? 0;
    this.remoteAddress = unmapAddress(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.handlers) this.handlers.data(chunk);
      else this.early.push(chunk);
    });
    socket.on('drain', () => this.handlers?.drain());
    let error: Error | undefined;
    socket.on('error', (err) => {
      error = err;
    });
    socket.on('close', () => {
      this.isClosed = true;
      if (this.handlers) this.handlers.close(error);
      else this.earlyClose = error ? { error } : {};
    });
  }

  /** Our address. */
  readonly localAddress: string;
  /** Our port. */
  readonly localPort: number;
  /** The peer's address (IPv4-mapped IPv6 addresses are unwrapped). */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
  /** Bytes queued in Node's socket buffer. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }
  /** True once closed. */
  get closed(): boolean {
    return this.isClosed || this.socket.destroyed;
  }

  /** Sets the consumer and replays what arrived before. */
  attach(handlers: TransportHandlers): void {
    this.handlers = handlers;
    const early = this.early;
    this.early = [];
    for (const c of early) handlers.data(c);
    if (this.earlyClose) handlers.close(this.earlyClose.error);
  }

  /** Writes bytes; false means wait for `drain`. */
  write(chunk: Uint8Array): boolean {
    if (this.closed) return false;
    return this.socket.write(chunk);
  }

  /** Flushes and closes. */
  end(): void {
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Closes at once. */
  destroy(): void {
    this.socket.destroy();
  }
}

/** `::ffff:192.0.2.1` -> `192.0.2.1`: dual-stack listeners report IPv4 peers this way. */
export function unmapAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Options of an active TCP connection. */
export interface TcpConnectOptions {
  /** Peer address. */
  readonly host: string;
  /** Peer port (default 179). */
  readonly port?: number;
  /** Local address to bind. */
  readonly localAddress?: string;
  /** Local port to bind (0 or unset: any). */
  readonly localPort?: number;
  /** TCP-MD5 password (RFC 2385); needs the native addon. */
  readonly tcpMd5Password?: string;
  /** TTL to send with (eBGP multihop; 255 for GTSM); needs the native addon. */
  readonly ttl?: number;
  /** GTSM minimum TTL to accept (RFC 5082); needs the native addon. */
  readonly minTtl?: number;
  /** Give up after this many milliseconds (default 30 000). */
  readonly timeoutMs?: number;
}

/**
 * Opens an active TCP connection.
 *
 * @param options - where to connect and the socket options
 * @returns the connected transport
 * @throws `SockoptError` when TCP-MD5/TTL is asked for and the addon cannot load
 *
 * @example
 * ```ts
 * const t = await connectTcp({ host: '127.0.0.2', port: 1179, localAddress: '127.0.0.1' });
 * ```
 */
export function connectTcp(options: TcpConnectOptions): Promise<TcpTransport> {
  return new Promise((resolve, reject) => {
    const needsNative =
      options.tcpMd5Password !== undefined ||
      options.ttl !== undefined ||
      options.minTtl !== undefined;
    let socket: Socket;
    try {
      socket = needsNative
        ? createTcpSocket({
            family: isIPv6(options.host) ? 6 : 4,
            ...(options.tcpMd5Password !== undefined
              ? { tcpMd5: { peerAddress: options.host, password: options.tcpMd5Password } }
              : {}),
            ...(options.ttl !== undefined ? { ttl: options.ttl } : {}),
            ...(options.minTtl !== undefined ? { minTtl: options.minTtl } : {}),
          })
        : new Socket();
    } catch (err) {
      reject(err);
      return;
    }
    const timer = setTimeout(() => {
      socket.destroy(new Error(`connect to ${options.host} timed out`));
    }, options.timeoutMs ?? 30_000);
    timer.unref?.();
    const onError = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    socket.once('error', onError);
    socket.connect(
      {
        host: options.host,
        port: options.port ?? BGP_PORT,
        ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
        ...(options.localPort ? { localPort: options.localPort } : {}),
      },
      () => {
        clearTimeout(timer);
        socket.off('error', onError);
        resolve(new TcpTransport(socket));
      },
    );
  });
}

/** A {@link Connector} that opens {@link connectTcp} connections with fixed options. */
export function tcpConnector(options: TcpConnectOptions): Connector {
  return () => connectTcp(options);
}

/** Applies TTL/GTSM to an accepted socket (TCP-MD5 belongs on the listener, before the SYN). */
export function applyAcceptedSocketOptions(
  socket: Socket,
  options: { ttl?: number; minTtl?: number },
): void {
  if (options.ttl !== undefined) setTtl(socket, options.ttl);
  if (options.minTtl !== undefined) setMinTtl(socket, options.minTtl);
}
