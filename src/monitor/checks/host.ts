import { readFileSync, statfsSync } from 'node:fs';
import { round as roundTo, type Sample } from '../series.ts';

const round2 = (n: number) => roundTo(n, 2);

import type { CheckContext, CheckKind, CheckSpec } from './types.ts';

type HostSpec = Extract<CheckSpec, { kind: 'host' }>;

interface Counters {
  at: number;
  cpuBusy: number;
  cpuTotal: number;
  rxBytes: number;
  txBytes: number;
}

/** On the first run there is no earlier reading to compare with; this long apart, two readings are taken. */
const FIRST_WINDOW_MS = 200;

/**
 * The host the monitor runs on, from /proc and statfs: CPU busy %, memory used % (MemAvailable,
 * so page cache does not count as used), disk used % per mount, network bytes per second.
 * CPU and network are rates, so they compare with the previous run's counters.
 */
export const hostCheck: CheckKind<HostSpec> = {
  kind: 'host',
  target: (spec) => `this host (${spec.mounts.join(', ')})`,
  async run(spec, ctx) {
    const previous = await previousCounters(spec.name, ctx);
    const now = readCounters();
    ctx.memory.set(spec.name, now);
    const samples: Sample[] = [];
    const total = now.cpuTotal - previous.cpuTotal;
    if (total > 0)
      samples.push({
        metric: 'host_cpu_percent',
        labels: {},
        value: round2((100 * (now.cpuBusy - previous.cpuBusy)) / total),
      });
    samples.push({ metric: 'host_memory_percent', labels: {}, value: round2(memoryUsedPercent()) });
    for (const mount of spec.mounts) {
      const fs = statfsSync(mount);
      // as df computes it: used / (used + available to unprivileged users)
      const used = (fs.blocks - fs.bfree) * fs.bsize;
      const avail = fs.bavail * fs.bsize;
      samples.push({
        metric: 'host_disk_percent',
        labels: { mount },
        value: round2(used + avail > 0 ? (100 * used) / (used + avail) : 0),
      });
    }
    const seconds = (now.at - previous.at) / 1000;
    if (seconds > 0) {
      samples.push({
        metric: 'host_network_receive_bytes_per_second',
        labels: {},
        value: round2((now.rxBytes - previous.rxBytes) / seconds),
      });
      samples.push({
        metric: 'host_network_transmit_bytes_per_second',
        labels: {},
        value: round2((now.txBytes - previous.txBytes) / seconds),
      });
    }
    return { ok: true, samples };
  },
};

async function previousCounters(name: string, ctx: CheckContext): Promise<Counters> {
  const remembered = ctx.memory.get(name) as Counters | undefined;
  if (remembered) return remembered;
  const first = readCounters();
  await new Promise((resolve) => setTimeout(resolve, FIRST_WINDOW_MS));
  return first;
}

function readCounters(): Counters {
  const stat = readFileSync('/proc/stat', 'utf8');
  const cpu = (stat.split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal; idle + iowait is time not spent working
  const total = cpu.slice(0, 8).reduce((a, b) => a + (b || 0), 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  let rx = 0;
  let tx = 0;
  for (const line of readFileSync('/proc/net/dev', 'utf8').split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name?.trim() === 'lo') continue;
    const fields = rest.trim().split(/\s+/).map(Number);
    rx += fields[0] ?? 0;
    tx += fields[8] ?? 0;
  }
  return { at: Date.now(), cpuBusy: total - idle, cpuTotal: total, rxBytes: rx, txBytes: tx };
}

function memoryUsedPercent(): number {
  const info = readFileSync('/proc/meminfo', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return (100 * (total - available)) / total;
}
