/**
 * Two throwaway network namespaces joined by a veth pair, with a UDP receiver in one and a
 * sender in the other, for the XDP tests of @bgp/ebpf and the repo-level BGP-to-XDP test.
 *
 *   ns A: vA 198.51.100.1/24  ----veth----  ns B: vB 198.51.100.2/24, lo 10.66.1.1, 10.66.2.1
 *         route 10.66.0.0/16 via .2                (XDP goes on vB), UDP listener :4242
 *
 * Traffic is UDP from a node process run with `ip netns exec` in A to the listener in B; each
 * datagram carries a unique token, so a test knows exactly which ones arrived. Nothing leaves
 * the two namespaces: both ends of the veth live in them, and the host's own stack is untouched.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** UDP port of the receiver in namespace B. */
export const NETNS_UDP_PORT = 4242;

/** Destination addresses on B's loopback, both inside A's route 10.66.0.0/16. */
export const NETNS_TARGETS = ['10.66.1.1', '10.66.2.1'] as const;

const RECEIVER = `const s = require('node:dgram').createSocket('udp4');
s.on('message', (m) => process.stdout.write(m.toString() + '\\n'));
s.bind(${NETNS_UDP_PORT}, '0.0.0.0', () => process.stdout.write('ready\\n'));`;
const SENDER = `const [dst, ...tokens] = process.argv.slice(1);
const s = require('node:dgram').createSocket('udp4');
let n = 0;
for (const t of tokens) s.send(t, ${NETNS_UDP_PORT}, dst, () => { if (++n === tokens.length) s.close(); });`;

/** The namespaces of {@link createNetnsPair} and the traffic helpers that use them. */
export interface NetnsPair {
  /** Name of the sending namespace (holds vA). */
  readonly nsA: string;
  /** Name of the receiving namespace (holds vB, where XDP goes). */
  readonly nsB: string;
  /** The receiving interface in {@link NetnsPair.nsB}. */
  readonly receivingInterface: 'vB';
  /** Tokens the receiver has printed so far. */
  readonly received: ReadonlySet<string>;
  /** Sends `count` datagrams from A to `dst` (one of {@link NETNS_TARGETS}); their tokens. */
  send(dst: string, count: number): string[];
  /** Sends and waits for every datagram to arrive (true), or gives up after 2 s (false). */
  passes(dst: string, count?: number): Promise<boolean>;
  /** Kills the receiver and deletes both namespaces; never throws, safe to call twice. */
  destroy(): void;
}

/**
 * Polls `cond` every 20 ms until it holds (true) or `ms` have passed (false).
 *
 * @param cond - the condition
 * @param ms - how long to wait
 * @returns whether it held in time
 */
export async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/**
 * Creates the two namespaces, the veth pair, addresses and route, and starts the receiver.
 * On any failure it deletes what it created before rethrowing.
 *
 * @param prefix - namespace name prefix (a random tag follows)
 * @returns the pair; call {@link NetnsPair.destroy} in `afterAll`
 */
export async function createNetnsPair(prefix = 'bgpt'): Promise<NetnsPair> {
  const tag = randomBytes(3).toString('hex');
  const nsA = `${prefix}-${tag}-a`;
  const nsB = `${prefix}-${tag}-b`;
  const received = new Set<string>();
  let receiver: ChildProcess | undefined;
  let seq = 0;
  const ip = (...args: string[]): void => {
    execFileSync('ip', args, { stdio: 'pipe' });
  };
  // A run that dies before afterAll (an uncaught error, process.exit) still removes them.
  const onExit = (): void => destroy();
  const destroy = (): void => {
    process.off('exit', onExit);
    receiver?.kill();
    receiver = undefined;
    spawnSync('ip', ['netns', 'del', nsA]);
    spawnSync('ip', ['netns', 'del', nsB]);
  };
  const send = (dst: string, count: number): string[] => {
    const tokens = Array.from({ length: count }, () => `${dst}#${seq++}`);
    execFileSync('ip', ['netns', 'exec', nsA, process.execPath, '-e', SENDER, dst, ...tokens], {
      stdio: 'pipe',
    });
    return tokens;
  };
  process.on('exit', onExit);
  try {
    ip('netns', 'add', nsA);
    ip('netns', 'add', nsB);
    ip('-n', nsA, 'link', 'add', 'vA', 'type', 'veth', 'peer', 'name', 'vB', 'netns', nsB);
    ip('-n', nsA, 'addr', 'add', '198.51.100.1/24', 'dev', 'vA');
    ip('-n', nsB, 'addr', 'add', '198.51.100.2/24', 'dev', 'vB');
    for (const a of NETNS_TARGETS) ip('-n', nsB, 'addr', 'add', `${a}/32`, 'dev', 'lo');
    for (const [ns, dev] of [
      [nsA, 'vA'],
      [nsB, 'vB'],
      [nsA, 'lo'],
      [nsB, 'lo'],
    ] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    ip('-n', nsA, 'route', 'add', '10.66.0.0/16', 'via', '198.51.100.2');
    const child = spawn('ip', ['netns', 'exec', nsB, process.execPath, '-e', RECEIVER], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    receiver = child;
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) received.add(l);
    });
    if (!(await until(() => received.has('ready'), 10_000)))
      throw new Error('UDP receiver did not start');
  } catch (e) {
    destroy();
    throw e;
  }
  return {
    nsA,
    nsB,
    receivingInterface: 'vB',
    received,
    send,
    async passes(dst, count = 3) {
      const tokens = send(dst, count);
      return until(() => tokens.every((t) => received.has(t)), 2000);
    },
    destroy,
  };
}
