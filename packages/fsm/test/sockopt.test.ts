// Real sockets on loopback (127.0.0.1 and ::1 only) against the compiled addon: TCP-MD5 on a
// listener, GTSM, TTL read back with getsockopt, and the error paths.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type AddressInfo, createServer, type Server, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const pkgRoot = fileURLToPath(new URL('..', import.meta.url));
const addon = `${pkgRoot}native/build/Release/bgp_sockopt.node`;

// The test builds the addon itself when it is missing, so that a fresh checkout runs it for real;
// only a missing toolchain (which build-native.mjs reports) skips.
if (!existsSync(addon) && process.platform === 'linux') {
  spawnSync(process.execPath, [`${pkgRoot}scripts/build-native.mjs`], { stdio: 'inherit' });
}
const built = existsSync(addon);
const missing = process.platform !== 'linux' ? 'Linux' : 'the addon (node-gyp toolchain)';

type Sockopt = typeof import('../src/sockopt.js');
let so: Sockopt;
beforeAll(async () => {
  so = await import('../src/sockopt.js');
});

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
});

function listen(host: string, setup?: (s: Server) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((sock) => {
      sock.on('error', () => {});
      sock.end('hello');
    });
    cleanup.push(() => server.close());
    server.once('error', reject);
    server.listen(0, host, () => {
      setup?.(server);
      resolve(server);
    });
  });
}

/** Connects and reports 'connected' or 'timeout' within `ms` (the SYN is silently dropped). */
function attempt(sock: Socket, host: string, port: number, ms: number): Promise<string> {
  cleanup.push(() => sock.destroy());
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    sock.on('error', (e) => {
      clearTimeout(timer);
      resolve(`error ${(e as NodeJS.ErrnoException).code}`);
    });
    sock.connect({ host, port }, () => {
      sock.once('data', (d) => {
        clearTimeout(timer);
        resolve(`connected ${d.toString()}`);
      });
    });
  });
}

const portOf = (s: Server): number => (s.address() as AddressInfo).port;

describe.skipIf(!built)(
  built ? 'sockopt addon' : `sockopt addon: skipped, missing ${missing}`,
  () => {
    it('loads', () => {
      expect(so.sockoptAvailable()).toEqual({ ok: true });
    });

    for (const [family, host] of [
      [4, '127.0.0.1'],
      [6, '::1'],
    ] as const) {
      it(`TCP-MD5 on an IPv${family} listener: right key connects, no key or wrong key never does`, async () => {
        const server = await listen(host, (s) => so.setTcpMd5(s, host, 'tiger-secret'));
        const port = portOf(server);
        const right = so.createTcpSocket({
          family,
          tcpMd5: { peerAddress: host, password: 'tiger-secret' },
        });
        const [ok, none, wrong] = await Promise.all([
          attempt(right, host, port, 4000),
          attempt(new Socket(), host, port, 2500),
          attempt(
            so.createTcpSocket({ family, tcpMd5: { peerAddress: host, password: 'wrong' } }),
            host,
            port,
            2500,
          ),
        ]);
        expect(ok).toBe('connected hello');
        expect(none).toBe('timeout');
        expect(wrong).toBe('timeout');
      });
    }

    it('a key for another address does not protect this one, and an empty key removes it', async () => {
      const server = await listen('127.0.0.1', (s) => {
        so.setTcpMd5(s, '127.0.0.1', 'k1');
        so.setTcpMd5(s, '127.0.0.1', '');
        so.setTcpMd5(s, '127.0.0.9', 'other');
      });
      const r = await attempt(new Socket(), '127.0.0.1', portOf(server), 4000);
      expect(r).toBe('connected hello');
    });

    it('sets TTL and minimum TTL and reads them back with getsockopt (IPv4 and IPv6)', async () => {
      for (const host of ['127.0.0.1', '::1']) {
        const server = await listen(host);
        expect(so.getMinTtl(server)).toBe(0);
        so.setMinTtl(server, 254);
        expect(so.getMinTtl(server)).toBe(254);
        so.setMinTtl(server, 0); // or our own TTL 64 SYN below would be dropped
        const sock = new Socket();
        cleanup.push(() => sock.destroy());
        await new Promise<void>((r) => sock.connect({ host, port: portOf(server) }, r));
        so.setTtl(sock, 7);
        expect(so.getTtl(sock)).toBe(7);
        so.setTtl(sock, 255);
        expect(so.getTtl(sock)).toBe(255);
      }
      const pre = so.createTcpSocket({ family: 4, ttl: 3, minTtl: 200 });
      cleanup.push(() => pre.destroy());
      expect(so.getTtl(pre)).toBe(3);
      expect(so.getMinTtl(pre)).toBe(200);
    });

    it('GTSM: a listener with minimum TTL 255 drops a TTL 64 SYN and accepts a TTL 255 one', async () => {
      const server = await listen('127.0.0.1', (s) => so.setMinTtl(s, 255));
      const port = portOf(server);
      const [low, high] = await Promise.all([
        attempt(so.createTcpSocket({ family: 4, ttl: 64 }), '127.0.0.1', port, 2500),
        attempt(so.createTcpSocket({ family: 4, ttl: 255 }), '127.0.0.1', port, 4000),
      ]);
      expect(low).toBe('timeout');
      expect(high).toBe('connected hello');
    });

    it('reports typed errors', async () => {
      const unconnected = new Socket();
      expect(() => so.setTtl(unconnected, 5)).toThrow(
        expect.objectContaining({ name: 'SockoptError', code: 'ERR_SOCKOPT_NO_FD' }),
      );
      const server = await listen('127.0.0.1');
      expect(() => so.setTtl(server, 0)).toThrow(
        expect.objectContaining({ code: 'ERR_SOCKOPT_INVALID' }),
      );
      expect(() => so.setMinTtl(server, 256)).toThrow(
        expect.objectContaining({ code: 'ERR_SOCKOPT_INVALID' }),
      );
      expect(() => so.setTcpMd5(server, 'not-an-address', 'k')).toThrow(
        expect.objectContaining({ code: 'ERR_SOCKOPT_INVALID' }),
      );
      expect(() => so.setTcpMd5(server, '::1', 'k')).toThrow(
        expect.objectContaining({ code: 'ERR_SOCKOPT_FAILED', errno: 'EAFNOSUPPORT' }),
      );
      expect(() => so.setTcpMd5(server, '127.0.0.1', 'x'.repeat(81))).toThrow(
        expect.objectContaining({ code: 'ERR_SOCKOPT_INVALID' }),
      );
    });
  },
);

describe('sockopt without the addon', () => {
  it('says why, and every setter throws ERR_SOCKOPT_UNAVAILABLE', async () => {
    vi.resetModules();
    vi.doMock('node:fs', async (orig) => ({
      ...(await orig<typeof import('node:fs')>()),
      existsSync: () => false,
    }));
    try {
      const fresh = (await import('../src/sockopt.js')) as Sockopt;
      const status = fresh.sockoptAvailable();
      expect(status.ok).toBe(false);
      expect(status.ok ? '' : status.reason).toMatch(/not built.*build-native\.mjs/);
      const server = await listen('127.0.0.1');
      for (const fn of [
        () => fresh.setTcpMd5(server, '127.0.0.1', 'k'),
        () => fresh.setTtl(server, 5),
        () => fresh.setMinTtl(server, 5),
        () => fresh.createTcpSocket({ family: 4 }),
      ]) {
        expect(fn).toThrow(
          expect.objectContaining({ name: 'SockoptError', code: 'ERR_SOCKOPT_UNAVAILABLE' }),
        );
      }
    } finally {
      vi.doUnmock('node:fs');
      vi.resetModules();
    }
  });
});
