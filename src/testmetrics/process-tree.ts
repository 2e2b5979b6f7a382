import { readdirSync, readFileSync } from 'node:fs';
import { readProcess } from '../load/process-sampler.ts';

/**
 * Samples a whole process tree (a test runner and its workers) from /proc: summed resident memory
 * and CPU. CPU time of a process that exits between two samples is counted up to its last sample,
 * so the CPU figure is a lower bound; short samples keep that gap small.
 */
export interface TreeSample {
  tMs: number;
  rssBytes: number;
  /** CPU use since the previous sample, in percent of one core. */
  cpuPercent: number;
  processes: number;
}

export interface TreeResources {
  wallMs: number;
  cpuSeconds: number;
  cpuPercentMean: number;
  cpuPercentPeak: number;
  rssPeakBytes: number;
  rssMeanBytes: number;
  processesPeak: number;
  samples: TreeSample[];
}

export interface TreeSampler {
  stop(): TreeResources;
}

/** Children of each pid, from one pass over /proc. */
function childrenByParent(): Map<number, number[]> {
  const map = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return map;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = map.get(ppid) ?? [];
      list.push(Number(name));
      map.set(ppid, list);
    } catch {
      // the process ended while we looked
    }
  }
  return map;
}

export function treeOf(root: number): number[] {
  const kids = childrenByParent();
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const c of kids.get(out[i] as number) ?? []) out.push(c);
  return out;
}

/** True where /proc can be read (Linux); elsewhere resources are simply not reported. */
export function canSampleProcesses(): boolean {
  return readProcess(process.pid) !== undefined;
}

export function sampleProcessTree(root: number, intervalMs = 250): TreeSampler {
  const started = performance.now();
  const lastCpu = new Map<number, number>();
  const samples: TreeSample[] = [];
  let previousTotal = 0;
  let previousT = 0;
  const take = () => {
    const t = performance.now() - started;
    let rss = 0;
    let processes = 0;
    for (const pid of treeOf(root)) {
      const r = readProcess(pid);
      if (!r) continue;
      processes += 1;
      rss += r.rssBytes;
      lastCpu.set(pid, Math.max(lastCpu.get(pid) ?? 0, r.cpuSeconds));
    }
    let total = 0;
    for (const v of lastCpu.values()) total += v;
    const dt = (t - previousT) / 1000;
    const cpuPercent = dt > 0 ? ((total - previousTotal) / dt) * 100 : 0;
    previousTotal = total;
    previousT = t;
    // a zombie (exited, not yet reaped) still has a /proc entry, with no memory: not a sample
    if (rss > 0)
      samples.push({
        tMs: Math.round(t),
        rssBytes: rss,
        cpuPercent: Math.round(cpuPercent * 10) / 10,
        processes,
      });
  };
  take();
  const timer = setInterval(take, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const wallMs = performance.now() - started;
      let cpuSeconds = 0;
      for (const v of lastCpu.values()) cpuSeconds += v;
      const rssValues = samples.map((s) => s.rssBytes);
      return {
        wallMs: Math.round(wallMs),
        cpuSeconds: Math.round(cpuSeconds * 100) / 100,
        cpuPercentMean: wallMs > 0 ? Math.round((cpuSeconds / (wallMs / 1000)) * 1000) / 10 : 0,
        cpuPercentPeak: Math.max(0, ...samples.slice(1).map((s) => s.cpuPercent)),
        rssPeakBytes: Math.max(0, ...rssValues),
        rssMeanBytes: rssValues.length
          ? Math.round(rssValues.reduce((a, b) => a + b, 0) / rssValues.length)
          : 0,
        processesPeak: Math.max(0, ...samples.map((s) => s.processes)),
        samples,
      };
    },
  };
}
