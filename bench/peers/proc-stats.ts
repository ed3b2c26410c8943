/**
 * Memory and CPU of a process from /proc (Linux): VmRSS, VmHWM (peak RSS), utime + stime.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** One reading. */
export interface ProcStats {
  /** Resident set size, bytes. */
  readonly rss: number;
  /** Peak resident set size since the process started, bytes. */
  readonly peakRss: number;
  /** User + system CPU time of all its threads, seconds. */
  readonly cpuSeconds: number;
}

// USER_HZ is 100 on every Linux architecture the bench runs on (sysconf(_SC_CLK_TCK)).
const CLOCK_TICKS = 100;

/**
 * Reads the stats of `pid`.
 *
 * @param pid - process id
 * @returns the reading
 */
export function procStats(pid: number): ProcStats {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state (field 3).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return { rss: kb('VmRSS'), peakRss: kb('VmHWM'), cpuSeconds: (utime + stime) / CLOCK_TICKS };
}

/**
 * The pid of the daemon itself. The harness runs each daemon under a small `sh` watchdog that
 * leads its process group, so the pid it reports is the watchdog's: this finds the child whose
 * command name is `comm` (or returns `pid` when that already is the daemon).
 *
 * @param pid - the process the harness started
 * @param comm - the daemon's command name as in /proc/PID/comm (`gobgpd`, `bird`, `bgpd`)
 * @returns the daemon's pid
 */
export function daemonPid(pid: number, comm: string): number {
  const name = (p: number): string => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim();
    } catch {
      return '';
    }
  };
  if (name(pid) === comm) return pid;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
  } catch {
    // no such process
  }
  const hit = children.map(Number).find((c) => c > 0 && name(c) === comm);
  if (hit === undefined) throw new Error(`no ${comm} process under pid ${pid}`);
  return hit;
}
