import { UserError } from './errors.ts';

/**
 * Units as users type them: durations `250ms 10s 5m 1h 1h30m`, rates `500/s 30/m`,
 * percentages `10%`, sizes `10MB 512KiB`. Parsers throw UserError naming what was wrong;
 * `what` is the flag or key the value came from.
 */

const DURATION_UNITS: Record<string, number> = {
  us: 0.001,
  µs: 0.001,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Parses a duration to milliseconds. A bare number is seconds (the seed's convention). */
export function parseDuration(input: string | number, what = 'duration'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0)
      throw badValue(what, String(input), 'a duration like 250ms, 10s, 5m or 1h');
    return input * 1000;
  }
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== text.length) {
    throw badValue(what, input, 'a duration like 250ms, 10s, 5m or 1h');
  }
  return total;
}

/** Formats milliseconds for people: `850ms`, `12.5s`, `3m 20s`, `1h 5m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${trim(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0)}ms`;
  if (ms < 60_000) return `${trim(ms / 1000, 1)}s`;
  const totalS = Math.round(ms / 1000);
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = totalS % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return s > 0 ? `${m}m ${s}s` : `${m}m`;
}

const RATE_UNITS: Record<string, number> = { s: 1, sec: 1, m: 1 / 60, min: 1 / 60, h: 1 / 3600 };

/** Parses a rate (`500/s`, `30/m`, `1000/h`, or a bare number per second) to events per second. */
export function parseRate(input: string | number, what = 'rate'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input <= 0) throw badValue(what, String(input), 'a rate like 500/s');
    return input;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*(s|sec|m|min|h))?\s*$/.exec(input);
  if (!m || Number(m[1]) <= 0) throw badValue(what, input, 'a rate like 500/s, 30/m or 1000/h');
  return Number(m[1]) * (RATE_UNITS[m[2] ?? 's'] as number);
}

/** Parses a percentage (`10%`, `10`, `12.5`) to a number of percent. Fractions like 0.1 are the caller's call. */
export function parsePercent(input: string | number, what = 'percentage'): number {
  const n =
    typeof input === 'number'
      ? input
      : Number(/^\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/.exec(input)?.[1] ?? Number.NaN);
  if (!Number.isFinite(n)) throw badValue(what, String(input), 'a percentage like 10%');
  return n;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1000,
  kb: 1000,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses a size (`10MB`, `512KiB`, `2g`, bare bytes) to bytes. */
export function parseSize(input: string | number, what = 'size'): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0)
      throw badValue(what, String(input), 'a size like 10MB or 512KiB');
    return input;
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(input);
  const unit = SIZE_UNITS[(m?.[2] || 'b').toLowerCase()];
  if (!m || unit === undefined) throw badValue(what, input, 'a size like 10MB or 512KiB');
  return Math.round(Number(m[1]) * unit);
}

/** Formats bytes with binary units: `512 B`, `1.5 KiB`, `20.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Latency is recorded in microseconds and shown in milliseconds with decimals. */
export function formatLatencyUs(us: number): string {
  const ms = us / 1000;
  return `${ms.toFixed(ms < 10 ? 2 : ms < 100 ? 1 : 0)}ms`;
}

export function formatPercent(p: number, decimals = 1): string {
  return `${p.toFixed(decimals)}%`;
}

function trim(n: number, decimals: number): string {
  return String(Number(n.toFixed(decimals)));
}

function badValue(what: string, value: string, expected: string): UserError {
  return new UserError(`${what}: '${value}' is not ${expected}`);
}
