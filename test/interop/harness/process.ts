/**
 * Child processes for the interop harness: daemons run in their own process group (so that
 * stopping one also stops whatever it forked, such as ExaBGP's API helpers), their output goes
 * to a log file in the daemon's temp directory, and nothing outlives the test process:
 *
 * - every group still alive at `exit` (or on SIGTERM/SIGINT/SIGHUP) is SIGKILLed synchronously;
 * - because a test runner may SIGKILL its worker, where no hook runs, each daemon is started by
 *   a small `sh` watchdog (the group leader) that kills its whole group as soon as the test
 *   process is gone.
 *
 * @module
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { openSync } from 'node:fs';

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killAll(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    // Only where nobody else handles the signal, and re-raised, so its default action (exit)
    // is kept.
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/**
 * The watchdog: runs the daemon in the background, forwards SIGTERM, and when either the test
 * process ($1) or the daemon is gone, SIGKILLs the whole group (itself included).
 */
const WATCHDOG = [
  'parent=$1; shift',
  '"$@" &',
  'child=$!',
  "trap 'kill -TERM $child 2>/dev/null' TERM INT",
  'while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 0.3; done',
  'kill -KILL 0',
].join('\n');

/** A running daemon process (the leader of its own process group). */
export interface DaemonProcess {
  /** The pid of the watchdog that leads the daemon's process group (the process group id). */
  readonly pid: number;
  /** Resolves once the daemon (and so its watchdog) has exited. */
  readonly exited: Promise<number | string>;
  /** Whether the process has exited. */
  hasExited(): boolean;
  /**
   * Stops the whole process group: SIGTERM, then SIGKILL after `graceMs`. Idempotent.
   *
   * @param graceMs - how long to wait for a clean exit before SIGKILL
   */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Spawns a daemon in a new process group with stdout and stderr appended to `logFile`.
 *
 * @param command - executable
 * @param args - arguments
 * @param options - log file, environment, working directory
 * @returns the running process
 */
export function spawnDaemon(
  command: string,
  args: readonly string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): DaemonProcess {
  installExitHook();
  const out = openSync(options.logFile, 'a');
  const child: ChildProcess = spawn(
    '/bin/sh',
    ['-c', WATCHDOG, 'watchdog', String(process.pid), command, ...args],
    {
      detached: true,
      stdio: ['ignore', out, out],
      env: options.env ?? process.env,
      cwd: options.cwd,
    },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${command}`);
  liveGroups.add(pid);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      // The watchdog leaves only after `kill -KILL 0`: the group is empty, and its id may be
      // reused, so it must not be signalled again.
      liveGroups.delete(pid);
      done = true;
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (err) => {
      done = true;
      resolve(`spawn error: ${err.message}`);
    });
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is empty
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    pid,
    exited,
    hasExited: () => done,
    stop(graceMs = 3000) {
      stopping ??= (async () => {
        // A group whose leader has exited is empty (the watchdog's last act is `kill -KILL 0`)
        // and its id may belong to someone else by now: signal it only while the leader lives.
        if (done) return;
        killGroup('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<'timeout'>((r) => {
          timer = setTimeout(() => r('timeout'), graceMs);
        });
        const first = await Promise.race([exited, timeout]);
        clearTimeout(timer);
        if (first === 'timeout' && !done) {
          killGroup('SIGKILL');
          await exited;
        }
      })();
      return stopping;
    },
  };
}

/** Result of {@link run}. */
export interface RunResult {
  /** Exit code (non-zero codes do not throw). */
  readonly code: number;
  /** Standard output. */
  readonly stdout: string;
  /** Standard error. */
  readonly stderr: string;
}

/**
 * Runs a short control command (gobgp, birdc, vtysh) with a timeout; never throws for a
 * non-zero exit, so callers can poll a daemon that is still starting.
 *
 * @param command - executable
 * @param args - arguments
 * @param timeoutMs - kill the command after this long
 * @returns exit code and output
 */
export function run(
  command: string,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr: err && !stderr ? err.message : stderr });
      },
    );
  });
}

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this long (default 20 s). */
  readonly timeoutMs?: number;
  /** Poll interval (default 200 ms). */
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message. */
  readonly what?: string;
}

/**
 * Polls `probe` until it returns a value other than `undefined`/`false`, and returns that value.
 * Exceptions from the probe count as "not yet". Rejects after the timeout with the last
 * exception or result in the message, so failures say what was being waited for.
 *
 * @param probe - returns the awaited value, or undefined/false when not there yet
 * @param options - timeout, interval, description
 * @returns the probe's first truthy value
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${options.what ?? 'condition'} (last: ${detail})`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
