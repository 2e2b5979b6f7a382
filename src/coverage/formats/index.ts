import { open } from 'node:fs/promises';
import { fileError, UserError } from '../../core/errors.ts';
import { coberturaFormat } from './cobertura.ts';
import { coveragePyFormat } from './coveragepy.ts';
import type { CoverageFormat } from './format.ts';
import { istanbulFormat } from './istanbul.ts';
import { lcovFormat } from './lcov.ts';

/** Every format shipgate reads, detected by content. Adding a format is one file and one row. */
export const COVERAGE_FORMATS: readonly CoverageFormat[] = [
  lcovFormat,
  coberturaFormat,
  coveragePyFormat,
  istanbulFormat,
];

export type { CoverageFormat, ParsedReport } from './format.ts';

const HEAD_BYTES = 64 * 1024;

/** Reads the start of a file and picks the format that recognises it; binary data is refused. */
export async function detectFormat(file: string, display: string): Promise<CoverageFormat> {
  let head: Buffer;
  try {
    const fh = await open(file, 'r');
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw fileError(display, e);
  }
  const nul = head.indexOf(0);
  if (nul >= 0) {
    throw new UserError('binary data, not a coverage report', {
      file: display,
      line: head.subarray(0, nul).toString('latin1').split('\n').length,
    });
  }
  if (head.length === 0) throw new UserError('empty file, not a coverage report', { file: display });
  const text = head.toString('utf8');
  const format = COVERAGE_FORMATS.find((f) => f.sniff(text));
  if (!format) {
    throw new UserError('not a coverage report shipgate can read', {
      file: display,
      line: 1,
      hint: `expected ${COVERAGE_FORMATS.map((f) => f.label).join(', ')}`,
    });
  }
  return format;
}
