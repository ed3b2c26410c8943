/**
 * The bench's own end of a BGP session: a TCP connection on loopback that does the OPEN /
 * KEEPALIVE handshake with @bgp/wire, keeps answering with KEEPALIVEs, and otherwise either
 * writes a pre-encoded stream (the feeder) or counts the prefixes it receives (the sink).
 *
 * No state machine on purpose: the feeder and the sink must cost as little as possible, so the
 * receiver under test is always the bottleneck. Framing goes through the wire Framer; only
 * OPEN, KEEPALIVE and NOTIFICATION are decoded; UPDATEs are walked without allocation.
 *
 * @module
 */
import { Socket } from 'node:net';
import {
  AS4_CONTEXT,
  createOpen,
  DEFAULT_CONTEXT,
  decodeMessage,
  encodeMessage,
  Framer,
  findCapability,
  fourOctetAs,
  KEEPALIVE,
  multiprotocol,
  walkUpdatePrefixes,
} from '@bgp/wire';
import { assertLoopback } from '../../test/interop/harness/index.js';

/** Options of {@link BgpEndpoint.connect}. */
export interface EndpointOptions {
  /** The receiver's address (loopback). */
  readonly host: string;
  /** The receiver's port. */
  readonly port: number;
  /** Our source address (loopback; the receiver knows us by it). */
  readonly localAddress: string;
  /** Our AS. */
  readonly asn: number;
  /** Our BGP Identifier. */
  readonly bgpIdentifier: number;
  /** Hold time we propose (default 180: long loads must not expire it while we are blocked). */
  readonly holdTime?: number;
  /** Give up connecting / handshaking after this long (default 30 s). */
  readonly timeoutMs?: number;
}

const UPDATE = 2;
const NOTIFICATION = 3;
const KEEPALIVE_TYPE = 4;

/** One BGP connection of the bench. */
export class BgpEndpoint {
  /** Announced prefixes counted so far (when counting). */
  announced = 0;
  /** Withdrawn prefixes counted so far (when counting). */
  withdrawn = 0;
  /** UPDATE messages received. */
  updates = 0;
  /** Bytes received after the handshake. */
  bytesIn = 0;
  /** `performance.now()` when the handshake completed. */
  establishedAt = 0;
  /** `performance.now()` of the first UPDATE received (0 before). */
  firstUpdateAt = 0;
  /** `performance.now()` of the last UPDATE received. */
  lastUpdateAt = 0;
  /** Set when the connection failed or the peer sent a NOTIFICATION. */
  error: Error | undefined;
  private readonly framer = new Framer();
  private keepalive: NodeJS.Timeout | undefined;
  private established = false;
  private countPrefixes = true;
  private onOpen: ((e?: Error) => void) | undefined;
  private onProgress: (() => void) | undefined;
  private readonly visitor = (kind: 'announce' | 'withdraw'): void => {
    if (kind === 'announce') this.announced++;
    else this.withdrawn++;
  };

  private constructor(
    readonly socket: Socket,
    private readonly options: EndpointOptions,
    private readonly passive = false,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /**
   * Connects and completes the handshake (4-octet AS and IPv4 unicast capabilities).
   *
   * @param options - addresses, AS, identifier
   * @returns the established endpoint
   */
  static async connect(options: EndpointOptions): Promise<BgpEndpoint> {
    assertLoopback(options.host, 'bench endpoint');
    assertLoopback(options.localAddress, 'bench endpoint source');
    const timeoutMs = options.timeoutMs ?? 30_000;
    const socket = new Socket();
    const ep = new BgpEndpoint(socket, options);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`handshake with ${options.host}:${options.port} timed out`));
      }, timeoutMs);
      ep.onOpen = (e) => {
        clearTimeout(timer);
        if (e) reject(e);
        else resolve();
      };
    });
    socket.connect(
      { host: options.host, port: options.port, localAddress: options.localAddress },
      () => {
        const open = createOpen({
          asn: options.asn,
          holdTime: options.holdTime ?? 180,
          bgpIdentifier: options.bgpIdentifier,
          capabilities: [multiprotocol(1, 1), fourOctetAs(options.asn)],
        });
        socket.write(encodeMessage(open, DEFAULT_CONTEXT));
      },
    );
    await ready;
    return ep;
  }

  /**
   * Takes an accepted connection (the floor sink) and answers the peer's OPEN with ours.
   *
   * @param socket - the accepted socket
   * @param options - our AS and identifier (host/port/localAddress are only for messages)
   * @returns the endpoint and a promise of the completed handshake
   */
  static accept(
    socket: Socket,
    options: EndpointOptions,
  ): { endpoint: BgpEndpoint; ready: Promise<void> } {
    const ep = new BgpEndpoint(socket, options, true);
    const ready = new Promise<void>((resolve, reject) => {
      ep.onOpen = (e) => (e ? reject(e) : resolve());
    });
    return { endpoint: ep, ready };
  }

  /** Only counts bytes from now on (the floor sink); no prefix walk. */
  bytesOnly(): void {
    this.countPrefixes = false;
  }

  private data(chunk: Buffer): void {
    if (this.established) this.bytesIn += chunk.length;
    this.framer.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    try {
      for (let m = this.framer.next(); m !== undefined; m = this.framer.next()) this.message(m);
    } catch (err) {
      this.fail(err as Error);
      this.socket.destroy();
    }
    this.onProgress?.();
  }

  private message(m: Uint8Array): void {
    const type = m[18];
    if (type === UPDATE) {
      this.updates++;
      this.lastUpdateAt = performance.now();
      if (this.firstUpdateAt === 0) this.firstUpdateAt = this.lastUpdateAt;
      if (this.countPrefixes) walkUpdatePrefixes(m.subarray(19), AS4_CONTEXT, this.visitor);
      return;
    }
    if (type === KEEPALIVE_TYPE) {
      if (!this.established) {
        this.established = true;
        this.establishedAt = performance.now();
        this.onOpen?.();
      }
      return;
    }
    const msg = decodeMessage(Uint8Array.from(m), DEFAULT_CONTEXT);
    if (msg.type === 'OPEN') {
      if (!findCapability(msg.capabilities, 'FOUR_OCTET_AS')) {
        throw new Error('the receiver did not offer 4-octet AS; the pre-encoded stream needs it');
      }
      if (this.passive) {
        const o = this.options;
        const open = createOpen({
          asn: o.asn,
          holdTime: o.holdTime ?? 180,
          bgpIdentifier: o.bgpIdentifier,
          capabilities: [multiprotocol(1, 1), fourOctetAs(o.asn)],
        });
        this.socket.write(encodeMessage(open, DEFAULT_CONTEXT));
      }
      this.socket.write(encodeMessage(KEEPALIVE, DEFAULT_CONTEXT));
      const hold = Math.min(msg.holdTime, this.options.holdTime ?? 180);
      if (hold > 0) {
        const every = Math.max(1, Math.floor(hold / 3)) * 1000;
        this.keepalive = setInterval(
          () => this.socket.write(encodeMessage(KEEPALIVE, DEFAULT_CONTEXT)),
          every,
        );
      }
    } else if (type === NOTIFICATION && msg.type === 'NOTIFICATION') {
      throw new Error(`NOTIFICATION ${msg.code}/${msg.subcode} from ${this.options.host}`);
    }
  }

  private fail(err: Error): void {
    if (this.error) return;
    this.error = err;
    if (this.keepalive) clearInterval(this.keepalive);
    this.onOpen?.(err);
    this.onProgress?.();
  }

  /**
   * Writes the chunks as fast as the socket takes them (waits for `drain`, never buffers more
   * than one chunk in user space). KEEPALIVEs from the timer interleave at chunk boundaries,
   * which are message boundaries.
   *
   * @param chunks - whole messages
   * @returns when the last chunk was handed to the kernel
   */
  async send(chunks: readonly Uint8Array[]): Promise<void> {
    for (const c of chunks) {
      if (this.error) throw this.error;
      if (!this.socket.write(c)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            this.socket.off('drain', done);
            this.socket.off('close', done);
            resolve();
          };
          this.socket.on('drain', done);
          this.socket.on('close', done);
        });
      }
    }
    if (this.error) throw this.error;
  }

  /**
   * Resolves once `done()` holds, checking after every received chunk; rejects on error or after
   * `timeoutMs`.
   *
   * @param done - condition on this endpoint's counters
   * @param timeoutMs - limit
   * @param what - for the timeout message
   */
  until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.onProgress = undefined;
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.announced})`),
        );
      }, timeoutMs);
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          this.onProgress = undefined;
          resolve();
        } else if (this.error) {
          clearTimeout(timer);
          this.onProgress = undefined;
          reject(this.error);
        }
      };
      this.onProgress = check;
      check();
    });
  }

  /** Closes the connection. */
  close(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.error ??= new Error('closed');
    this.socket.destroy();
  }
}
