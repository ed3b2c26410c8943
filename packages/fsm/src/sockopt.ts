/**
 * Socket options that Node's `net` module does not expose, through the optional N-API addon in
 * `native/` (built by `scripts/build-native.mjs` with node-gyp):
 *
 * - TCP-MD5 (RFC 2385, `TCP_MD5SIG`): one key per peer address. On a listener the key must be
 *   installed before the peer's SYN arrives, so it is set on the listening socket (accepted
 *   sockets inherit it); on the active side before `connect()`, hence {@link createTcpSocket}.
 * - `IP_TTL` / `IPV6_UNICAST_HOPS`: the TTL we send with, for eBGP multihop.
 * - `IP_MINTTL` / `IPV6_MINHOPCOUNT`: GTSM (RFC 5082), the smallest TTL we accept.
 *
 * The addon loads lazily on first use. Where it cannot load (not built, no toolchain, another
 * OS), every function here throws a {@link SockoptError} saying why, and nothing else in
 * `@bgp/fsm` is affected: only configuring one of these options fails.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Server, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The functions the compiled addon exports (native/src/sockopt.cc). */
interface SockoptBinding {
  createSocket(family: 4 | 6): number;
  closeFd(fd: number): void;
  setTcpMd5(fd: number, peerAddress: string, key: Buffer): void;
  setTtl(fd: number, ttl: number): void;
  getTtl(fd: number): number;
  setMinTtl(fd: number, ttl: number): void;
  getMinTtl(fd: number): number;
  /** Present only in the non-Linux build, which implements nothing. */
  platformError?: string;
}

/** Why a socket-option call failed; see {@link SockoptError.code}. */
export type SockoptErrorCode =
  /** The addon could not be loaded (not built, wrong platform, ABI mismatch). */
  | 'ERR_SOCKOPT_UNAVAILABLE'
  /** The socket has no file descriptor yet (not connected / not listening) or is closed. */
  | 'ERR_SOCKOPT_NO_FD'
  /** The kernel refused the option; {@link SockoptError.errno} says why. */
  | 'ERR_SOCKOPT_FAILED'
  /** An argument is out of range (TTL not 1-255, key over 80 bytes, bad address). */
  | 'ERR_SOCKOPT_INVALID';

/**
 * The error every function of this module throws. Test it by `name` or `code`.
 *
 * @example
 * ```ts
 * try { setTcpMd5(server, '192.0.2.1', 'secret') } catch (err) {
 *   if ((err as SockoptError).code === 'ERR_SOCKOPT_UNAVAILABLE') console.error(err.message)
 * }
 * ```
 */
export class SockoptError extends Error {
  /** Stable error name. */
  override readonly name = 'SockoptError';
  /** What kind of failure this is. */
  readonly code: SockoptErrorCode;
  /** The errno name (such as `"ENOENT"`) when the kernel refused the option. */
  readonly errno: string | undefined;

  /**
   * @param code - the kind of failure
   * @param message - what was attempted and why it failed
   * @param errno - errno name from the kernel, if any
   */
  constructor(code: SockoptErrorCode, message: string, errno?: string) {
    super(message);
    this.code = code;
    this.errno = errno;
  }
}

/** Result of {@link sockoptAvailable}. */
export type SockoptAvailability =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: string };

let binding: SockoptBinding | undefined;
let loadFailure: string | undefined;

function packageRoot(): string {
  // Both src/sockopt.ts and the bundled dist/index.{js,cjs} sit one directory below the package
  // root. The CJS bundle has __dirname and no import.meta; ESM has the reverse.
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  return resolve(here, '..');
}

function load(): SockoptBinding {
  if (binding) return binding;
  if (loadFailure !== undefined) throw new SockoptError('ERR_SOCKOPT_UNAVAILABLE', loadFailure);
  const root = packageRoot();
  const candidates = ['Release', 'Debug'].map((d) =>
    resolve(root, 'native', 'build', d, 'bgp_sockopt.node'),
  );
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) {
    loadFailure =
      `the socket-option addon is not built (looked for ${candidates[0]}); ` +
      'run `node scripts/build-native.mjs` in @bgp/fsm (needs node-gyp, python3, make, a C++ compiler)';
  } else {
    try {
      const loaded = createRequire(resolve(root, 'package.json'))(path) as SockoptBinding;
      if (loaded.platformError !== undefined) loadFailure = loaded.platformError;
      else binding = loaded;
    } catch (err) {
      loadFailure = `the socket-option addon at ${path} failed to load: ${(err as Error).message}`;
    }
  }
  if (binding) return binding;
  throw new SockoptError('ERR_SOCKOPT_UNAVAILABLE', loadFailure ?? 'unknown failure');
}

/**
 * Whether the addon loads on this system, and if not, why. Never throws.
 *
 * @example
 * ```ts
 * const s = sockoptAvailable()
 * if (!s.ok) console.warn(`TCP-MD5 unavailable: ${s.reason}`)
 * ```
 */
export function sockoptAvailable(): SockoptAvailability {
  try {
    load();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** A socket or server whose libuv handle exposes its file descriptor (Linux). */
type WithHandle = { _handle?: { fd?: number } | null };

function fdOf(target: Socket | Server, what: string): number {
  const fd = (target as unknown as WithHandle)._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) {
    throw new SockoptError(
      'ERR_SOCKOPT_NO_FD',
      `${what}: the socket has no file descriptor yet (a net.Socket gets one at connect, a ` +
        'net.Server at listen); to set options before the SYN use createTcpSocket()',
    );
  }
  return fd;
}

function call<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e instanceof SockoptError) throw e;
    if (e instanceof RangeError || e instanceof TypeError) {
      throw new SockoptError('ERR_SOCKOPT_INVALID', `${what}: ${e.message}`);
    }
    throw new SockoptError('ERR_SOCKOPT_FAILED', `${what}: ${e.message}`, e.code);
  }
}

function checkTtl(what: string, ttl: number, min: number): void {
  if (!Number.isInteger(ttl) || ttl < min || ttl > 255) {
    throw new SockoptError('ERR_SOCKOPT_INVALID', `${what}: TTL must be an integer ${min}-255`);
  }
}

/**
 * Installs (or, with an empty password, removes) the RFC 2385 TCP-MD5 key for one peer address.
 *
 * On a listening `net.Server` the key applies to SYNs from that peer and is inherited by the
 * accepted socket; call it once per configured peer after `listen` and before the peer
 * connects. A connected socket's key cannot usefully change (the kernel drops segments whose
 * signature no longer matches); for the active side, use {@link createTcpSocket}.
 *
 * @param target - a listening server, or a socket that has a file descriptor
 * @param peerAddress - the peer's IPv4 or IPv6 address (IPv4 peers on a dual-stack socket work)
 * @param password - the shared key, at most 80 bytes (TCP_MD5SIG_MAXKEYLEN)
 * @throws {@link SockoptError} when the addon is unavailable or the kernel refuses
 *
 * @example
 * ```ts
 * const server = net.createServer(onConnection)
 * server.listen(179, '192.0.2.254', () => setTcpMd5(server, '192.0.2.1', 'secret'))
 * ```
 */
export function setTcpMd5(
  target: Socket | Server,
  peerAddress: string,
  password: string | Uint8Array,
): void {
  const b = load();
  const fd = fdOf(target, 'setTcpMd5');
  const key = typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
  call('setsockopt(TCP_MD5SIG)', () => b.setTcpMd5(fd, peerAddress, key));
}

/**
 * Sets the TTL (IPv4) or hop limit (IPv6) of the packets the socket sends, for eBGP multihop
 * or, with 255, for a GTSM peer (RFC 5082 §3).
 *
 * @param target - a socket (or server, whose accepted sockets inherit it) with a file descriptor
 * @param ttl - 1-255
 * @throws {@link SockoptError}
 */
export function setTtl(target: Socket | Server, ttl: number): void {
  checkTtl('setTtl', ttl, 1);
  const b = load();
  const fd = fdOf(target, 'setTtl');
  call('setsockopt(IP_TTL)', () => b.setTtl(fd, ttl));
}

/**
 * Reads back the TTL / hop limit the socket sends with.
 *
 * @param target - a socket or server with a file descriptor
 * @returns the TTL; -1 on an IPv6 socket means the system default
 * @throws {@link SockoptError}
 */
export function getTtl(target: Socket | Server): number {
  const b = load();
  const fd = fdOf(target, 'getTtl');
  return call('getsockopt(IP_TTL)', () => b.getTtl(fd));
}

/**
 * GTSM (RFC 5082): the kernel drops received segments whose TTL (hop limit) is below `ttl`.
 * For a directly connected peer use 255; 0 turns the check off. Set it on the listener so that
 * SYNs are already filtered.
 *
 * @param target - a socket or listening server with a file descriptor
 * @param ttl - 0-255
 * @throws {@link SockoptError}
 */
export function setMinTtl(target: Socket | Server, ttl: number): void {
  checkTtl('setMinTtl', ttl, 0);
  const b = load();
  const fd = fdOf(target, 'setMinTtl');
  call('setsockopt(IP_MINTTL)', () => b.setMinTtl(fd, ttl));
}

/**
 * Reads back the GTSM minimum TTL of a socket.
 *
 * @param target - a socket or server with a file descriptor
 * @returns the minimum TTL, 0 when GTSM is off
 * @throws {@link SockoptError}
 */
export function getMinTtl(target: Socket | Server): number {
  const b = load();
  const fd = fdOf(target, 'getMinTtl');
  return call('getsockopt(IP_MINTTL)', () => b.getMinTtl(fd));
}

/** Options of {@link createTcpSocket}: what to set before the SYN leaves. */
export interface TcpSocketOptions {
  /** Address family of the peer: 4 or 6. */
  readonly family: 4 | 6;
  /** TCP-MD5 key for the peer the socket will connect to. */
  readonly tcpMd5?: { readonly peerAddress: string; readonly password: string | Uint8Array };
  /** TTL to send with (eBGP multihop, or 255 towards a GTSM peer). */
  readonly ttl?: number;
  /** GTSM minimum TTL to accept. */
  readonly minTtl?: number;
}

/**
 * Creates an unconnected `net.Socket` whose options are set before it sends its SYN, as
 * TCP-MD5 requires on the active side (a `net.Socket` gets its descriptor only inside
 * `connect()`). Call `connect()` on the result as usual; `localAddress`/`localPort` still work.
 *
 * @param options - family and the options to set
 * @returns a socket ready for `connect()`
 * @throws {@link SockoptError}
 *
 * @example
 * ```ts
 * const socket = createTcpSocket({ family: 4, tcpMd5: { peerAddress: '192.0.2.1', password: 's3cret' } })
 * socket.connect({ host: '192.0.2.1', port: 179 })
 * ```
 */
export function createTcpSocket(options: TcpSocketOptions): Socket {
  const b = load();
  if (options.ttl !== undefined) checkTtl('createTcpSocket', options.ttl, 1);
  if (options.minTtl !== undefined) checkTtl('createTcpSocket', options.minTtl, 0);
  const fd = call('socket()', () => b.createSocket(options.family));
  try {
    const md5 = options.tcpMd5;
    if (md5) {
      const key =
        typeof md5.password === 'string' ? Buffer.from(md5.password) : Buffer.from(md5.password);
      call('setsockopt(TCP_MD5SIG)', () => b.setTcpMd5(fd, md5.peerAddress, key));
    }
    const { ttl, minTtl } = options;
    if (ttl !== undefined) call('setsockopt(IP_TTL)', () => b.setTtl(fd, ttl));
    if (minTtl !== undefined) call('setsockopt(IP_MINTTL)', () => b.setMinTtl(fd, minTtl));
  } catch (err) {
    b.closeFd(fd);
    throw err;
  }
  // manualStart: an unconnected descriptor must not start reading; Node starts reading itself
  // once connect() completes. (An internal but long-standing option of net.Socket.)
  return new Socket({ fd, manualStart: true } as ConstructorParameters<typeof Socket>[0]);
}
