/**
 * Terminal colour, decided once per stream: on when the stream is a TTY, off under NO_COLOR,
 * forced by FORCE_COLOR, and off when the user said --no-color.
 */
export type Tone = 'good' | 'bad' | 'warn' | 'muted' | 'info' | 'strong';

const CODES: Record<Tone, [number, number]> = {
  good: [32, 39],
  bad: [31, 39],
  warn: [33, 39],
  muted: [2, 22],
  info: [36, 39],
  strong: [1, 22],
};

export interface Style {
  readonly color: boolean;
  paint(tone: Tone | undefined, text: string): string;
}

export function colorWanted(
  stream: { isTTY?: boolean },
  env: NodeJS.ProcessEnv,
  noColorFlag = false,
): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function makeStyle(color: boolean): Style {
  return {
    color,
    paint(tone, text) {
      if (!color || !tone) return text;
      const [open, close] = CODES[tone];
      return `\u001b[${open}m${text}\u001b[${close}m`;
    },
  };
}

/** Visible width of a string, ignoring ANSI escapes (for table alignment). */
export function visibleWidth(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
  return [...text.replace(/\u001b\[[0-9;]*m/g, '')].length;
}
