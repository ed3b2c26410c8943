/**
 * A raw BGP peer for tests: a TCP connection (active or passive, loopback only) that speaks BGP
 * message by message through @bgp/wire's Framer, decodeMessage and encodeMessage, with no state
 * machine, so a test can send exactly what it wants (a malformed message, an OPEN with a wrong
 * AS, a message at the wrong time) and see exactly what comes back.
 *
 * @example
 * ```ts
 * const peer = await RawPeer.connect({ host: daemon.address, port: daemon.port });
 * const theirs = await peer.handshake({ asn: 65001, bgpIdentifier: 0x0a000001, holdTime: 30 });
 * await peer.send(someUpdate);
 * const reply = await peer.next();
 * peer.close();
 * ```
 *
 * @module
 */
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import {
  AS4_CONTEXT,
  type BgpMessage,
  type Capability,
  type CodecContext,
  createOpen,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  Framer,
  findCapability,
  fourOctetAs,
  KEEPALIVE,
  multiprotocol,
  type NotificationMessage,
  type OpenMessage,
  parseAddress,
  parsePrefix,
  type UpdateMessage,
} from '@bgp/wire';
import { assertLoopback } from './net.js';

/** Options of {@link RawPeer.handshake}. */
export interface HandshakeOptions {
  /** Our AS number. */
  readonly asn: number;
  /** Our BGP Identifier as a u32. */
  readonly bgpIdentifier: number;
  /** Our proposed hold time (default 90). */
  readonly holdTime?: number;
  /**
   * Our capabilities; default: multiprotocol IPv4 unicast and the 4-octet AS capability, which
   * makes the codec context 4-octet when the peer has it too.
   */
  readonly capabilities?: readonly Capability[];
  /** How long to wait for each of the peer's messages (default 10 s). */
  readonly timeoutMs?: number;
}

/** A message or the end of the connection, as {@link RawPeer.next} returns them. */
export type RawEvent = BgpMessage | { readonly type: 'CLOSED'; readonly error?: Error };

/** One raw BGP connection. */
export class RawPeer {
  /** The codec context for messages both ways; {@link handshake} sets it from the OPENs. */
  ctx: CodecContext = DEFAULT_CONTEXT;
  private readonly framer = new Framer();
  private readonly queue: RawEvent[] = [];
  private waiters: Array<(e: RawEvent) => void> = [];
  private closedWith: RawEvent | undefined;
  /** Every NOTIFICATION received so far, also those {@link expect} skipped over. */
  readonly notifications: NotificationMessage[] = [];

  /** @param socket - a connected socket */
  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      try {
        for (let m = this.framer.next(); m; m = this.framer.next()) {
          // The framer's view may point into a chunk that later reads reuse: copy it.
          this.deliver(decodeMessage(Uint8Array.from(m), this.ctx));
        }
      } catch (err) {
        this.deliver({ type: 'CLOSED', error: err as Error });
        socket.destroy();
      }
    });
    socket.on('error', (err) => this.finish(err));
    socket.on('close', () => this.finish());
  }

  private finish(error?: Error): void {
    if (this.closedWith) return;
    this.closedWith = { type: 'CLOSED', ...(error ? { error } : {}) };
    this.deliver(this.closedWith);
  }

  private deliver(e: RawEvent): void {
    if (e.type === 'NOTIFICATION') this.notifications.push(e);
    const w = this.waiters.shift();
    if (w) w(e);
    else this.queue.push(e);
  }

  /**
   * Connects to a BGP speaker on loopback.
   *
   * @param options - where to connect, and from which local address
   * @returns the connected peer
   */
  static connect(options: {
    host: string;
    port: number;
    localAddress?: string;
    timeoutMs?: number;
  }): Promise<RawPeer> {
    assertLoopback(options.host, 'RawPeer.connect');
    return new Promise((resolve, reject) => {
      const socket = new Socket();
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${options.host}:${options.port} timed out`));
      }, options.timeoutMs ?? 10_000);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.connect(
        { host: options.host, port: options.port, localAddress: options.localAddress },
        () => {
          clearTimeout(timer);
          socket.removeAllListeners('error');
          resolve(new RawPeer(socket));
        },
      );
    });
  }

  /**
   * Listens on a loopback address; `accept()` resolves with the next incoming connection.
   *
   * @param options - address and port (0 or omitted: any free port)
   * @returns the server, its port, and accept()
   */
  static async listen(options: { host: string; port?: number }): Promise<{
    server: Server;
    port: number;
    accept(timeoutMs?: number): Promise<RawPeer>;
    close(): void;
  }> {
    assertLoopback(options.host, 'RawPeer.listen');
    const pending: Socket[] = [];
    const waiting: Array<(s: Socket) => void> = [];
    const server = createServer((s) => {
      const w = waiting.shift();
      if (w) w(s);
      else pending.push(s);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host, () => resolve());
    });
    return {
      server,
      port: (server.address() as AddressInfo).port,
      accept(timeoutMs = 30_000) {
        const s = pending.shift();
        if (s) return Promise.resolve(new RawPeer(s));
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no connection to accept')), timeoutMs);
          waiting.push((sock) => {
            clearTimeout(timer);
            resolve(new RawPeer(sock));
          });
        });
      },
      close() {
        for (const s of pending.splice(0)) s.destroy();
        server.close();
      },
    };
  }

  /**
   * Sends a message (encoded with {@link ctx}).
   *
   * @param msg - the message
   */
  send(msg: BgpMessage): Promise<void> {
    return this.sendBytes(encodeMessage(msg, this.ctx));
  }

  /**
   * Sends bytes as they are: for malformed messages.
   *
   * @param bytes - whole messages, header included
   */
  sendBytes(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * The next message, or `CLOSED` once the connection has ended.
   *
   * @param timeoutMs - reject when nothing arrives within this time (default 10 s)
   * @returns the message or the close
   */
  next(timeoutMs = 10_000): Promise<RawEvent> {
    const e = this.queue.shift();
    if (e) return Promise.resolve(e);
    if (this.closedWith) return Promise.resolve(this.closedWith);
    return new Promise((resolve, reject) => {
      const waiter = (ev: RawEvent): void => {
        clearTimeout(timer);
        resolve(ev);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no BGP message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Reads messages until one of the given type arrives (KEEPALIVEs and others are skipped);
   * throws when the connection closes first.
   *
   * @param type - message type wanted
   * @param timeoutMs - per-message timeout
   * @returns the message
   */
  async expect<T extends BgpMessage['type']>(
    type: T,
    timeoutMs = 10_000,
  ): Promise<Extract<BgpMessage, { type: T }>> {
    for (;;) {
      const m = await this.next(timeoutMs);
      if (m.type === 'CLOSED') {
        const n = this.notifications.at(-1);
        const why = n
          ? ` after NOTIFICATION ${n.code}/${n.subcode}`
          : m.error
            ? `: ${m.error.message}`
            : '';
        throw new Error(`connection closed while waiting for ${type}${why}`);
      }
      if (m.type === type) return m as Extract<BgpMessage, { type: T }>;
    }
  }

  /**
   * OPEN both ways, then KEEPALIVE both ways; sets {@link ctx} (4-octet AS when both sides
   * advertise it).
   *
   * @param options - our OPEN
   * @returns the peer's OPEN
   */
  async handshake(options: HandshakeOptions): Promise<OpenMessage> {
    const capabilities = options.capabilities ?? [multiprotocol(1, 1), fourOctetAs(options.asn)];
    await this.send(
      createOpen({
        asn: options.asn,
        holdTime: options.holdTime ?? 90,
        bgpIdentifier: options.bgpIdentifier,
        capabilities,
      }),
    );
    const theirs = await this.expect('OPEN', options.timeoutMs);
    const both =
      findCapability(theirs.capabilities, 'FOUR_OCTET_AS') !== undefined &&
      findCapability(capabilities, 'FOUR_OCTET_AS') !== undefined;
    this.ctx = both ? AS4_CONTEXT : DEFAULT_CONTEXT;
    await this.send(KEEPALIVE);
    await this.expect('KEEPALIVE', options.timeoutMs);
    return theirs;
  }

  /** Closes the connection (FIN, then destroy). */
  close(): void {
    this.socket.end();
    this.socket.destroy();
  }
}

/**
 * A plain IPv4 unicast UPDATE: ORIGIN IGP, AS_PATH (one AS_SEQUENCE), NEXT_HOP, the prefixes as
 * NLRI and `withdrawn` as withdrawn routes.
 *
 * @param options - prefixes, AS path and next hop
 * @returns the message
 */
export function simpleUpdate(options: {
  announce?: readonly string[];
  withdraw?: readonly string[];
  asPath?: readonly number[];
  nextHop?: string;
}): UpdateMessage {
  const announce = options.announce ?? [];
  const attributes =
    announce.length === 0
      ? []
      : [
          { typeCode: 1 as const, flags: 0x40, value: 0 },
          {
            typeCode: 2 as const,
            flags: 0x40,
            value: options.asPath?.length ? [{ type: 2, asns: [...options.asPath] }] : [],
          },
          {
            typeCode: 3 as const,
            flags: 0x40,
            value: parseAddress(options.nextHop ?? '192.0.2.99'),
          },
        ];
  return {
    type: 'UPDATE',
    withdrawn: (options.withdraw ?? []).map((p) => ({ prefix: parsePrefix(p) })),
    attributes,
    nlri: announce.map((p) => ({ prefix: parsePrefix(p) })),
  };
}
