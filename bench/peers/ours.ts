/**
 * Our receiver, driven from the bench: {@link our-receiver.ts} in a child process (tsx loader),
 * controlled over the IPC channel, killed with its process group at the end.
 *
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { allocatePort } from '../../test/interop/harness/index.js';
import type { Receiver, ReceiverConfig } from './daemons.js';
import type { OurInit } from './our-receiver.js';
import type { SyntheticOptions } from './table.js';

const SCRIPT = fileURLToPath(new URL('./our-receiver.ts', import.meta.url));
const DIST_TSCONFIG = fileURLToPath(new URL('../tsconfig.dist.json', import.meta.url));
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

function ipToU32(text: string): number {
  const [a, b, c, d] = text.split('.').map(Number);
  return (((a ?? 0) << 24) | ((b ?? 0) << 16) | ((c ?? 0) << 8) | (d ?? 0)) >>> 0;
}

/** Our speaker (fsm + rib composed), as a receiver. */
export class OurReceiver implements Receiver {
  readonly kind = 'ours' as const;
  port = 0;
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (m: Record<string, unknown>) => void>();
  /** Errors and session losses the child reported. */
  readonly events: Record<string, unknown>[] = [];

  /**
   * @param config - addresses and neighbours; `originate` must be a synthetic table whose
   *   options are given in `synthetic` (the child rebuilds it instead of receiving it)
   * @param synthetic - options of the originated synthetic table
   */
  constructor(
    readonly config: ReceiverConfig,
    private readonly synthetic?: SyntheticOptions,
  ) {}

  get address(): string {
    return this.config.address;
  }

  get pid(): number {
    const pid = this.child?.pid;
    if (pid === undefined) throw new Error('our receiver is not running');
    return pid;
  }

  private request(
    m: Record<string, unknown>,
    timeoutMs = 600_000,
  ): Promise<Record<string, unknown>> {
    const child = this.child;
    if (!child?.connected) return Promise.reject(new Error('our receiver is gone'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`our receiver did not answer ${String(m.cmd)}`));
      }, timeoutMs);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        if (r.error) reject(new Error(String(r.error)));
        else resolve(r);
      });
      child.send({ ...m, id });
    });
  }

  async start(): Promise<void> {
    const c = this.config;
    this.port = await allocatePort(c.address);
    const execArgv = ['--import', 'tsx', '--max-old-space-size=8192', '--expose-gc'];
    if (c.cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${c.cpuProfileDir}`);
    // The child runs the built packages (what `npm install` gives): a tsconfig without `paths`
    // makes tsx resolve @bgp/* through node_modules to packages/*/dist. From the TypeScript
    // sources every cross-module access goes through a transpiled getter (20 to 25 % of the
    // RIB insert time in a one-off A/B).
    const child = fork(SCRIPT, [], {
      execArgv,
      env: { ...process.env, TSX_TSCONFIG_PATH: DIST_TSCONFIG },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      detached: true,
    });
    this.child = child;
    live.add(child);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('our receiver did not start')), 60_000);
      child.on('message', (m: Record<string, unknown>) => {
        if (m.event === 'ready') {
          clearTimeout(timer);
          resolve();
        } else if (typeof m.id === 'number') this.waiting.get(m.id)?.(m);
        else this.events.push(m);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        live.delete(child);
        reject(new Error(`our receiver exited (${code})`));
      });
    });
    await ready;
    const s = this.synthetic;
    const init: OurInit = {
      address: c.address,
      port: this.port,
      asn: c.asn,
      routerId: ipToU32(c.routerId),
      ...(c.expectedRoutes !== undefined ? { expectedRoutes: c.expectedRoutes } : {}),
      neighbours: [
        ...c.feeders.map((n) => ({ ...n, sink: false })),
        ...(c.sink ? [{ ...c.sink, sink: true }] : []),
      ],
      ...(s ? { originate: { ...s, nextHop: [...s.nextHop] } } : {}),
    };
    await this.request({ cmd: 'init', init });
    // The listener binds asynchronously; wait for the child to say so.
    for (let i = 0; i < 200 && !this.events.some((e) => e.event === 'listening'); i++) {
      const err = this.events.find((e) => e.event === 'error');
      if (err) throw new Error(String(err.message));
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async locRibCount(): Promise<number> {
    return Number((await this.request({ cmd: 'count' }, 30_000)).count);
  }

  hasPrefixes(prefixes: readonly string[]): Promise<boolean[]> {
    return Promise.all(
      prefixes.map(
        async (prefix) => (await this.request({ cmd: 'has', prefix }, 30_000)).has === true,
      ),
    );
  }

  /** Runs a full garbage collection in the child (for the optional settled RSS reading). */
  async collectGarbage(): Promise<void> {
    await this.request({ cmd: 'gc' }, 30_000);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      await this.request({ cmd: 'stop' }, 5000);
    } catch {
      // killed below
    }
    // The profile (if any) is written at exit; give it time, then make sure.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    live.delete(child);
  }
}
