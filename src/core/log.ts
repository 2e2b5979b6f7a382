import { redact } from './redact.ts';
import { makeStyle, type Style } from './style.ts';

/**
 * Diagnostics go to stderr, so stdout stays clean for the result (text, Markdown or JSON) and can
 * be piped. Every line is redacted.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  readonly level: LogLevel;
}

export interface LoggerOptions {
  level?: LogLevel;
  stream?: { write(chunk: string): unknown };
  style?: Style;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const stream = options.stream ?? process.stderr;
  const style = options.style ?? makeStyle(false);
  const emit = (at: LogLevel, prefix: string, message: string) => {
    if (RANK[at] < RANK[level]) return;
    stream.write(`${prefix}${redact(message)}\n`);
  };
  return {
    level,
    debug: (m) => emit('debug', style.paint('muted', 'debug: '), m),
    info: (m) => emit('info', '', m),
    warn: (m) => emit('warn', style.paint('warn', 'warning: '), m),
    error: (m) => emit('error', style.paint('bad', 'error: '), m),
  };
}
