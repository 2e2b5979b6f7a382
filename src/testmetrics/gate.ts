import type { Verdict } from '../core/verdict.ts';
import type { ExecutedDrop } from './analysis.ts';
import { FAILING_STATUSES, type TestCase } from './model.ts';
import { isExpired, matches, type QuarantineEntry } from './quarantine.ts';

/**
 * The gate: a failing test that is not quarantined fails the run; so does a drop in executed tests
 * beyond the bound, and a quarantine entry past its date. A run that executed no test at all
 * cannot tell anything: inconclusive, never a pass.
 */
export interface GateOptions {
  /** Largest accepted drop in executed tests against recent runs, in percent. */
  maxExecutedDropPercent: number;
  now: Date;
}

export interface GateFinding {
  level: 'fail' | 'warn';
  rule: 'failing-test' | 'quarantined-failure' | 'executed-drop' | 'quarantine-expired' | 'no-tests';
  message: string;
  testId?: string;
}

export interface GateResult {
  verdict: Verdict;
  findings: GateFinding[];
  /** Failing tests that the quarantine turned into warnings. */
  quarantined: string[];
}

/** Findings listed in full before "and N more" (a broken build can fail thousands). */
const LISTED = 20;

export function applyGate(
  tests: readonly TestCase[],
  executed: number,
  drop: ExecutedDrop | undefined,
  quarantine: readonly QuarantineEntry[],
  options: GateOptions,
): GateResult {
  const findings: GateFinding[] = [];
  const quarantined: string[] = [];
  let unlisted = 0;
  for (const t of tests) {
    if (!FAILING_STATUSES.has(t.status)) continue;
    const entry = quarantine.find((q) => matches(q, t) && !isExpired(q, options.now));
    if (entry) {
      quarantined.push(t.id);
      findings.push({
        level: 'warn',
        rule: 'quarantined-failure',
        message: `${t.key} ${t.status} (quarantined until ${entry.until}: ${entry.reason})`,
        testId: t.id,
      });
      continue;
    }
    if (findings.filter((f) => f.rule === 'failing-test').length >= LISTED) {
      unlisted += 1;
      continue;
    }
    findings.push({
      level: 'fail',
      rule: 'failing-test',
      message: `${t.key} ${t.status}${t.failure?.message ? `: ${t.failure.message.split('\n')[0]}` : ''}`,
      testId: t.id,
    });
  }
  if (unlisted > 0)
    findings.push({ level: 'fail', rule: 'failing-test', message: `and ${unlisted} more failing tests` });
  for (const q of quarantine) {
    if (isExpired(q, options.now)) {
      findings.push({
        level: 'fail',
        rule: 'quarantine-expired',
        message: `quarantine of ${q.test} expired on ${q.until} (${q.reason}): fix the test, or extend the date on purpose`,
      });
    }
  }
  if (drop && drop.dropPercent > options.maxExecutedDropPercent) {
    findings.push({
      level: 'fail',
      rule: 'executed-drop',
      message: `${drop.executed} tests executed, ${drop.dropPercent}% fewer than the recent median of ${drop.baseline} (bound ${options.maxExecutedDropPercent}%)`,
    });
  }
  if (executed === 0) findings.push({ level: 'warn', rule: 'no-tests', message: 'no test was executed' });
  const failed = findings.some((f) => f.level === 'fail');
  const verdict: Verdict = failed
    ? 'fail'
    : executed === 0
      ? 'inconclusive'
      : quarantined.length > 0
        ? 'warn'
        : 'pass';
  return { verdict, findings, quarantined };
}
