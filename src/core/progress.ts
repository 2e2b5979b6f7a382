import { redact } from './redact.ts';
import { formatDuration } from './units.ts';

/**
 * Progress for work longer than a couple of seconds. On a TTY one line is redrawn in place; in CI
 * logs (no TTY) a plain line is printed at most every `plainIntervalMs`, so logs stay readable;
 * with --quiet nothing is shown. Always on stderr.
 */
export type ProgressMode = 'tty' | 'plain' | 'off';

export interface ProgressTask {
  /** Reports how far along the task is; `fraction` in 0..1 when known. */
  update(detail: string, fraction?: number): void;
  /** Ends the task with a final line (always printed unless mode is off). */
  done(message?: string): void;
}

export interface Progress {
  readonly mode: ProgressMode;
  start(label: string): ProgressTask;
}

export interface ProgressOptions {
  mode: ProgressMode;
  stream?: { write(chunk: string): unknown; columns?: number };
  plainIntervalMs?: number;
  now?: () => number;
}

export function progressMode(stream: { isTTY?: boolean }, quiet: boolean, ci: boolean): ProgressMode {
  if (quiet) return 'off';
  return stream.isTTY && !ci ? 'tty' : 'plain';
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const interval = options.plainIntervalMs ?? 10_000;
  return {
    mode: options.mode,
    start(label) {
      const started = now();
      let lastPlain = started;
      let drawn = false;
      const line = (detail: string, fraction?: number) => {
        const pct = fraction === undefined ? '' : ` ${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%`;
        return redact(`${label}${pct} ${detail}`.trimEnd());
      };
      return {
        update(detail, fraction) {
          if (options.mode === 'tty') {
            const width = Math.max(20, (stream.columns ?? 100) - 1);
            stream.write(`\r\u001b[2K${line(detail, fraction).slice(0, width)}`);
            drawn = true;
          } else if (options.mode === 'plain' && now() - lastPlain >= interval) {
            lastPlain = now();
            stream.write(`${line(detail, fraction)}\n`);
          }
        },
        done(message) {
          if (options.mode === 'off') return;
          if (drawn) stream.write('\r\u001b[2K');
          stream.write(`${redact(`${label} ${message ?? 'done'} (${formatDuration(now() - started)})`)}\n`);
        },
      };
    },
  };
}
