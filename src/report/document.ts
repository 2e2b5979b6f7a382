import type { Tone } from '../core/style.ts';
import type { Verdict } from '../core/verdict.ts';

/**
 * What a command shows people, independent of how: the same document renders as coloured text on a
 * terminal, Markdown for a PR comment or step summary, and HTML for reports. Commands build one;
 * renderers never know which command made it.
 */
export type Cell = string | number | { text: string; tone?: Tone };

export type Block =
  | { type: 'paragraph'; text: string; tone?: Tone }
  | { type: 'fields'; title?: string; fields: Array<[string, Cell]> }
  | { type: 'table'; title?: string; columns: string[]; rows: Cell[][]; align?: Array<'left' | 'right'> }
  | { type: 'list'; title?: string; items: Cell[] }
  | { type: 'code'; title?: string; text: string; lang?: string }
  | {
      type: 'chart';
      title?: string;
      unit: string;
      series: Array<{ label: string; value: number; tone?: Tone }>;
    }
  /** Values over time (x in seconds from the start): latency percentiles, throughput, memory. */
  | {
      type: 'timeseries';
      title?: string;
      unit: string;
      x: number[];
      lines: Array<{ label: string; values: Array<number | null>; tone?: Tone }>;
    };

export interface ReportDocument {
  title: string;
  verdict: Verdict;
  summary: string;
  blocks: Block[];
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A one-line picture of a series for terminals and PR comments; gaps (null) show as spaces. */
export function sparkline(values: Array<number | null>, width = 60): string {
  const step = Math.max(1, Math.ceil(values.length / width));
  const buckets: Array<number | null> = [];
  for (let i = 0; i < values.length; i += step) {
    const chunk = values.slice(i, i + step).filter((v): v is number => v !== null && Number.isFinite(v));
    buckets.push(chunk.length ? Math.max(...chunk) : null);
  }
  const present = buckets.filter((v): v is number => v !== null);
  const lo = Math.min(...present);
  const hi = Math.max(...present);
  return buckets
    .map((v) =>
      v === null ? ' ' : SPARKS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (SPARKS.length - 1))],
    )
    .join('');
}

export function seriesRange(values: Array<number | null>): { min: number; max: number } | undefined {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return present.length ? { min: Math.min(...present), max: Math.max(...present) } : undefined;
}

export function cellText(cell: Cell): string {
  return typeof cell === 'object' ? cell.text : String(cell);
}

export function cellTone(cell: Cell): Tone | undefined {
  return typeof cell === 'object' ? cell.tone : undefined;
}

export const VERDICT_TONE: Record<Verdict, Tone> = {
  pass: 'good',
  warn: 'warn',
  fail: 'bad',
  inconclusive: 'warn',
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: 'PASS',
  warn: 'WARN',
  fail: 'FAIL',
  inconclusive: 'INCONCLUSIVE',
};

export const VERDICT_ICON: Record<Verdict, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  inconclusive: '❔',
};
