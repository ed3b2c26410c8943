/**
 * Loopback addresses and ports for interop tests. Every daemon gets its own 127.x.y.z address
 * (Linux routes all of 127.0.0.0/8 to `lo`, no configuration needed), so two daemons never
 * compete for a port, and the x.y part comes from the worker's pid so that test files running
 * in parallel do not collide either. Nothing here ever binds outside 127.0.0.0/8.
 *
 * @module
 */
import { createServer } from 'node:net';

let nextHost = 1;
const workerOctet = 100 + (process.pid % 150);

/**
 * A fresh loopback address for one daemon or test peer, unique within this process.
 *
 * @returns an address in 127.100.0.0 - 127.249.255.254
 */
export function allocateLoopbackAddress(): string {
  const n = nextHost++;
  const third = (n >> 8) & 255;
  const fourth = n & 255;
  if (fourth === 0 || fourth === 255) return allocateLoopbackAddress();
  return `127.${workerOctet}.${third}.${fourth}`;
}

/**
 * Asserts that an address is on 127.0.0.0/8 or ::1: the harness refuses to configure a daemon
 * to listen on or connect to anything else.
 *
 * @param address - address to check
 * @param what - what the address is for, for the error
 */
export function assertLoopback(address: string, what: string): void {
  if (address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) return;
  throw new Error(
    `${what}: ${address} is not a loopback address; interop tests use only 127.0.0.0/8`,
  );
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

const handedOut = new Set<string>();

/**
 * A free TCP port on `host`, chosen at random below the kernel's ephemeral range (32768+) so
 * that it cannot be taken meanwhile as the source port of some outgoing connection.
 *
 * @param host - the loopback address the port will be bound on
 * @returns a port in 20000-32000 that was free a moment ago
 */
export async function allocatePort(host: string): Promise<number> {
  assertLoopback(host, 'allocatePort');
  for (let i = 0; i < 200; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const key = `${host}:${port}`;
    if (handedOut.has(key)) continue;
    if (await canBind(host, port)) {
      handedOut.add(key);
      return port;
    }
  }
  throw new Error(`no free port found on ${host}`);
}
