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
    };

export interface ReportDocument {
  title: string;
  verdict: Verdict;
  summary: string;
  blocks: Block[];
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
