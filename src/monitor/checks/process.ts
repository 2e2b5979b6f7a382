import { readdirSync, readFileSync } from 'node:fs';
import { readProcess } from '../../load/process-sampler.ts';
import { round, type Sample } from '../series.ts';
import type { CheckKind, CheckSpec } from './types.ts';

type ProcessSpec = Extract<CheckSpec, { kind: 'process' }>;

interface CpuReading {
  at: number;
  cpuSeconds: Map<number, number>;
}

/**
 * A process's CPU % and resident memory, by PID or by name (the seed watched its "piwardrive"
 * processes). A name matches the process name or anywhere in its command line; several matches
 * are summed, as one service often runs several workers. No match is down.
 */
export const processCheck: CheckKind<ProcessSpec> = {
  kind: 'process',
  target: (spec) => (spec.pid !== undefined ? `pid ${spec.pid}` : `processes matching "${spec.match}"`),
  async run(spec, ctx) {
    const pids = spec.pid !== undefined ? [spec.pid] : findProcesses(spec.match ?? spec.name);
    const now: CpuReading = { at: Date.now(), cpuSeconds: new Map() };
    let rss = 0;
    for (const pid of pids) {
      const reading = readProcess(pid);
      if (!reading) continue;
      rss += reading.rssBytes;
      now.cpuSeconds.set(pid, reading.cpuSeconds);
    }
    const labels = { process: spec.match ?? String(spec.pid ?? spec.name) };
    const samples: Sample[] = [{ metric: 'process_count', labels, value: now.cpuSeconds.size }];
    if (now.cpuSeconds.size === 0)
      return { ok: false, samples, problem: `no process ${processCheck.target(spec)}` };
    samples.push({ metric: 'process_rss_bytes', labels, value: rss });
    const before = ctx.memory.get(spec.name) as CpuReading | undefined;
    ctx.memory.set(spec.name, now);
    if (before && now.at > before.at) {
      let used = 0;
      for (const [pid, seconds] of now.cpuSeconds) used += seconds - (before.cpuSeconds.get(pid) ?? seconds);
      samples.push({
        metric: 'process_cpu_percent',
        labels,
        value: round((100_000 * used) / (now.at - before.at)),
      });
    }
    return { ok: true, samples };
  },
};

/** PIDs whose name or command line contains `needle`, this process excluded. */
export function findProcesses(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (comm.includes(needle) || cmdline.includes(needle)) out.push(pid);
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}
