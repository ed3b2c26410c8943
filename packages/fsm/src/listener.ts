/**
 * The passive side: a TCP listener that hands each accepted connection to the session of the
 * configured peer it comes from, creates sessions for dynamic peers inside configured prefix
 * ranges, and refuses everyone else the RFC 4486 way (accept, Cease 6/5 Connection Rejected,
 * close).
 *
 * TCP-MD5 keys (RFC 2385) are installed on the listening socket per peer address, so that the
 * kernel checks the SYN; the addon in `sockopt.ts` does it, and a peer configured with a
 * password fails loudly where the addon cannot load.
 *
 * @module
 */
import { createServer, type Server, type Socket } from 'node:net';
import { makePrefix, type Prefix, parseAddress, parsePrefix, prefixContains } from '@bgp/wire';
import { rejectConnection } from './session.js';
import { setMinTtl, setTcpMd5, setTtl } from './sockopt.js';
import { BGP_PORT, TcpTransport, unmapAddress } from './tcp-transport.js';
import type { Transport } from './transport.js';

/** What a listener hands connections to (a {@link Session}). */
export interface AcceptTarget {
  /** Takes an incoming connection. */
  accept(transport: Transport): void;
}

/** A dynamic-neighbor range: peers inside `prefix` are accepted and get a new session. */
export interface PeerRange {
  /** The range, e.g. `10.0.0.0/8`. */
  readonly prefix: string;
  /**
   * Creates (or finds) the session for a peer of the range. The session validates the peer AS
   * in its OPEN (`peerAs`, or `peerAs: 0` with `acceptPeerAs` for an AS rule) and answers 2/2.
   * Return undefined to refuse the peer.
   */
  create(remoteAddress: string): AcceptTarget | undefined;
}

/** Options of a {@link Listener}. */
export interface ListenerOptions {
  /** Address to listen on (default all). */
  readonly host?: string;
  /** Port (default 179). */
  readonly port?: number;
  /** GTSM minimum TTL for every accepted connection (RFC 5082). */
  readonly minTtl?: number;
  /** TTL to send with on accepted connections. */
  readonly ttl?: number;
}

interface Range {
  readonly prefix: Prefix;
  readonly range: PeerRange;
}

/**
 * Accepts BGP connections for configured peers.
 *
 * @example
 * ```ts
 * const listener = new Listener({ host: '127.0.0.1', port: 1179 });
 * listener.addPeer('127.0.0.2', session);
 * await listener.listen();
 * ```
 */
export class Listener {
  /** The options. */
  readonly options: ListenerOptions;
  private readonly peers = new Map<string, { target: AcceptTarget; tcpMd5Password?: string }>();
  private readonly ranges: Range[] = [];
  private server: Server | undefined;

  /** @param options - where to listen */
  constructor(options: ListenerOptions = {}) {
    this.options = options;
  }

  /**
   * Registers a configured peer.
   *
   * @param address - the peer's address
   * @param target - its session
   * @param options - `tcpMd5Password`: RFC 2385 key, installed on the listening socket
   */
  addPeer(
    address: string,
    target: AcceptTarget,
    options: { readonly tcpMd5Password?: string } = {},
  ): void {
    const key = canonical(address);
    this.peers.set(key, {
      target,
      ...(options.tcpMd5Password !== undefined ? { tcpMd5Password: options.tcpMd5Password } : {}),
    });
    if (this.server?.listening && options.tcpMd5Password !== undefined)
      setTcpMd5(this.server, address, options.tcpMd5Password);
  }

  /** Forgets a peer (its TCP-MD5 key stays on the socket until the listener closes). */
  removePeer(address: string): void {
    this.peers.delete(canonical(address));
  }

  /** Adds a dynamic-neighbor range. */
  addRange(range: PeerRange): void {
    this.ranges.push({ prefix: parsePrefix(range.prefix), range });
  }

  /** Starts listening; resolves with the bound address and port. */
  listen(): Promise<{ readonly address: string; readonly port: number }> {
    const server = createServer({ noDelay: true }, (socket) => this.onSocket(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? BGP_PORT, this.options.host, () => {
        server.off('error', reject);
        try {
          for (const [address, p] of this.peers)
            if (p.tcpMd5Password !== undefined) setTcpMd5(server, address, p.tcpMd5Password);
          if (this.options.minTtl !== undefined) setMinTtl(server, this.options.minTtl);
          if (this.options.ttl !== undefined) setTtl(server, this.options.ttl);
        } catch (err) {
          server.close();
          reject(err);
          return;
        }
        const a = server.address();
        if (a === null || typeof a === 'string') resolve({ address: String(a), port: 0 });
        else resolve({ address: a.address, port: a.port });
      });
    });
  }

  /** Stops listening (established sessions are not touched). */
  close(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }

  /**
   * Routes one accepted connection (TCP, or an in-memory transport in tests) to its session,
   * or refuses it with Cease 6/5.
   *
   * @returns the target it went to, or undefined when refused
   */
  dispatch(transport: Transport): AcceptTarget | undefined {
    const remote = canonical(transport.remoteAddress);
    const target = this.peers.get(remote)?.target ?? this.fromRange(remote);
    if (!target) {
      rejectConnection(transport);
      return undefined;
    }
    target.accept(transport);
    return target;
  }

  private fromRange(remote: string): AcceptTarget | undefined {
    let address: Uint8Array;
    try {
      address = parseAddress(remote);
    } catch {
      return undefined;
    }
    const host = makePrefix(address, address.length * 8);
    for (const r of this.ranges) {
      if (!prefixContains(r.prefix, host)) continue;
      const target = r.range.create(remote);
      if (target) this.peers.set(remote, { target });
      return target;
    }
    return undefined;
  }

  private onSocket(socket: Socket): void {
    socket.on('error', () => {});
    this.dispatch(new TcpTransport(socket));
  }
}

/** One spelling per address, so that `::ffff:10.0.0.1` and `10.0.0.1` are the same peer. */
function canonical(address: string): string {
  return unmapAddress(address).toLowerCase();
}
