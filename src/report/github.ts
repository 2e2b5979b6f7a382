import { appendFileSync } from 'node:fs';
import { redact } from '../core/redact.ts';

/**
 * GitHub Actions integration: the Markdown result is appended to the job summary when
 * GITHUB_STEP_SUMMARY is set, and findings with a file and line become workflow annotations.
 */
export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  title?: string;
}

export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, `${redact(markdown)}\n`);
  return true;
}

/**
 * A step output (`steps.<id>.outputs.<name>`) when GITHUB_OUTPUT is set. Values are single-line
 * here (JSON, numbers, paths), so the `name=value` form is enough.
 */
export function setStepOutput(name: string, value: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  if (/[\r\n]/.test(value)) throw new Error(`step output ${name} must be one line`);
  appendFileSync(file, `${name}=${value}\n`);
  return true;
}

/** `::error file=F,line=L,title=T::message` with GitHub's escaping of properties and data. */
export function formatAnnotation(a: Annotation): string {
  const props = [
    a.file ? `file=${escapeProperty(a.file)}` : undefined,
    a.line ? `line=${a.line}` : undefined,
    a.title ? `title=${escapeProperty(a.title)}` : undefined,
  ].filter(Boolean);
  return `::${a.level}${props.length ? ` ${props.join(',')}` : ''}::${escapeData(redact(a.message))}`;
}

function escapeData(s: string): string {
  return s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
