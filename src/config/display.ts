import { REDACTED, redactDeep } from '../core/redact.ts';
import { type Config, configSchema, type FieldMeta, walkFields } from './schema.ts';

/**
 * The effective config as people write it — durations as `2s`, sizes as `10MB`, percentages as
 * `80%` — with every secret hidden. What `shipgate config check` prints; the output can be pasted
 * back into a config file.
 */
export function displayConfig(config: Config): Record<string, unknown> {
  const shown = walkFields(configSchema, config, (value, meta) => displayValue(value, meta));
  // Second net: registered secret values and secret-looking text anywhere else.
  return redactDeep(shown) as Record<string, unknown>;
}

function displayValue(value: unknown, meta: FieldMeta): unknown {
  if (value === undefined) return undefined;
  if (meta.secret === 'value' && value !== '') return REDACTED;
  if (typeof value !== 'number') return value;
  switch (meta.unit) {
    case 'duration':
      return formatDurationValue(value);
    case 'size':
      return formatSizeValue(value);
    case 'percent':
      return `${value}%`;
    case 'rate':
      return `${value}/s`;
    default:
      return value;
  }
}

/** Whole hours or minutes when exact, else seconds (`1.5s`), else ms — always re-parseable. */
export function formatDurationValue(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

const SIZE_UNITS: Array<[number, string]> = [
  [1024 ** 3, 'GiB'],
  [1e9, 'GB'],
  [1024 ** 2, 'MiB'],
  [1e6, 'MB'],
  [1024, 'KiB'],
  [1e3, 'KB'],
];

/** The largest unit that divides the size exactly, so `10MB` shows as written. */
export function formatSizeValue(bytes: number): string {
  for (const [factor, unit] of SIZE_UNITS) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return `${bytes}B`;
}
