import { readFileSync } from 'node:fs';
import { UserError } from '../core/errors.ts';

/**
 * Samples a server process's resident memory and CPU time from /proc, so an endurance test
 * measures the *service* (the seed measured the test runner's own memory instead).
 */
export interface ProcessSample {
  /** Milliseconds since sampling started. */
  tMs: number;
  rssBytes: number;
  /** User + system CPU time consumed so far, in seconds. */
  cpuSeconds: number;
}

export interface ProcessSampler {
  readonly pid: number;
  samples(): readonly ProcessSample[];
  /** Stops sampling (taking one last sample) and returns everything sampled. */
  stop(): ProcessSample[];
}

// Linux reports CPU times in clock ticks; 100 per second on every mainstream kernel config.
const CLOCK_TICKS = 100;
const PAGE_SIZE = 4096;

/** One reading of a process, or undefined when it is gone. */
export function readProcess(pid: number): { rssBytes: number; cpuSeconds: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    const rssPages = Number(fields[21]);
    return { rssBytes: rssPages * PAGE_SIZE, cpuSeconds: (utime + stime) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

export function startProcessSampler(pid: number, intervalMs = 1000): ProcessSampler {
  if (!Number.isInteger(pid) || pid <= 0) throw new UserError(`--server-pid: '${pid}' is not a process id`);
  if (!readProcess(pid)) {
    throw new UserError(`--server-pid ${pid}: no such process (or /proc is not readable on this system)`, {
      hint: 'pass the PID of the running server, e.g. $(pgrep -f uvicorn)',
    });
  }
  const started = performance.now();
  const out: ProcessSample[] = [];
  const take = () => {
    const r = readProcess(pid);
    if (r) out.push({ tMs: performance.now() - started, ...r });
  };
  take();
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    pid,
    samples: () => out,
    stop() {
      clearInterval(timer);
      take();
      return out;
    },
  };
}
