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
