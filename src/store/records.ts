import type { Environment } from '../core/environment.ts';
import { UserError } from '../core/errors.ts';
import { redact, redactDeep } from '../core/redact.ts';
import { VERDICTS, type Verdict } from '../core/verdict.ts';
import type { NewRun, RunQuery } from './store.ts';

/**
 * What both engines share: validating a run before it is written, and redacting it. Redaction
 * happens here, once, before any SQL, so no engine can store a secret by forgetting to.
 */

export const DEFAULT_RUN_LIMIT = 50;

/** A run as it will be written: validated, redacted, figures as ordered pairs. */
export interface PreparedRun {
  kind: string;
  verdict: Verdict;
  summary: string;
  startedAt: Date;
  finishedAt: Date;
  gitCommit: string | null;
  gitBranch: string | null;
  environment: Environment;
  figures: Array<[name: string, value: number]>;
  labels: Record<string, string>;
  /** JSON text, or null when the run has no result. */
  resultJson: string | null;
}

export function prepareRun(run: NewRun): PreparedRun {
  if (typeof run.kind !== 'string' || run.kind === '') throw new Error('run kind must be a non-empty string');
  if (!(VERDICTS as readonly string[]).includes(run.verdict)) {
    throw new Error(`run verdict must be one of ${VERDICTS.join(', ')}, got ${JSON.stringify(run.verdict)}`);
  }
  checkDate('startedAt', run.startedAt);
  checkDate('finishedAt', run.finishedAt);
  const figures: Array<[string, number]> = [];
  for (const [name, value] of Object.entries(run.figures ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`run figure "${name}" must be a finite number, got ${String(value)}`);
    }
    figures.push([name, value]);
  }
  const labels = redactLabels(run.labels ?? {});
  const resultJson = run.result === undefined ? null : (JSON.stringify(redactDeep(run.result)) ?? null);
  return {
    kind: run.kind,
    verdict: run.verdict,
    summary: redact(run.summary ?? ''),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    gitCommit: run.gitCommit ?? null,
    gitBranch: run.gitBranch ?? null,
    environment: redactDeep(run.environment),
    figures,
    labels,
    resultJson,
  };
}

/**
 * Label values are redacted when stored (a target URL may carry credentials), so a filter is
 * redacted the same way: asking for the URL with its password still finds the run.
 */
export function redactLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    if (typeof v !== 'string') throw new Error(`run label "${k}" must be a string, got ${typeof v}`);
    out[k] = redact(v);
  }
  return out;
}

export function queryLimit(query: RunQuery): number {
  const limit = query.limit ?? DEFAULT_RUN_LIMIT;
  if (!Number.isInteger(limit) || limit < 0)
    throw new Error(`run query limit must be a non-negative integer, got ${limit}`);
  return limit;
}

export function checkSince(since: Date | undefined): void {
  if (since !== undefined) checkDate('since', since);
}

/** Baseline names and run ids come straight from the command line, so mistakes are the user's. */
export function checkBaselineArgs(name: string, runId: number): void {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new UserError('baseline name must not be empty', { hint: 'name it, e.g. "main" or "release-1.4"' });
  }
  if (!Number.isSafeInteger(runId) || runId < 1) {
    throw new UserError(`run id must be a positive integer, got ${String(runId)}`);
  }
}

export function missingRunError(runId: number, location: string): UserError {
  return new UserError(`no run #${runId} in store ${location}`, {
    hint: 'pick a recorded run (`shipgate history` lists them)',
  });
}

function checkDate(field: string, value: unknown): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new Error(`run ${field} must be a valid Date, got ${String(value)}`);
  }
}

/** Groups figure rows by run: run id → figures record, in the order the rows come. */
export function figuresByRun(
  rows: Iterable<{ runId: number; name: string; value: number }>,
): Map<number, Record<string, number>> {
  const out = new Map<number, Record<string, number>>();
  for (const r of rows) {
    const figures = out.get(r.runId) ?? {};
    figures[r.name] = r.value;
    out.set(r.runId, figures);
  }
  return out;
}
