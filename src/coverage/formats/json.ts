import { readFile } from 'node:fs/promises';
import { fileError, UserError } from '../../core/errors.ts';

/**
 * Reads a JSON report whole (JSON cannot be summarised before it is complete). A syntax error
 * becomes a UserError with the line V8 reports, or the last line when the file was cut off.
 */
export async function readJsonReport(file: string, display: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw fileError(display, e);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /\(line (\d+) column \d+\)/.exec(message) ?? /at position (\d+)/.exec(message);
    let line: number;
    if (at && message.includes('(line')) line = Number(at[1]);
    else if (at) line = text.slice(0, Number(at[1])).split('\n').length;
    else line = text.split('\n').length;
    const truncated = /end of JSON input|Unterminated/i.test(message);
    throw new UserError(truncated ? 'truncated JSON: the file ends mid-document' : 'malformed JSON', {
      file: display,
      line,
    });
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A count from a report: a finite number, or the UserError that says where it was not. */
export function countAt(v: unknown, display: string, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new UserError(`${where} is not a number`, { file: display });
  }
  return Math.max(0, v);
}
