import type { Verdict } from '../../core/verdict.ts';
import type { ReportDocument } from '../../report/document.ts';
import { STAGING_CHECKS, type StagingCheckResult, type StagingContext } from './checks.ts';

export interface StagingValidation {
  url: string;
  verdict: Verdict;
  summary: string;
  checks: StagingCheckResult[];
}

/** Runs every staging check in order; a check that throws fails with its message, the rest still run. */
export async function validateStaging(ctx: StagingContext): Promise<StagingValidation> {
  const checks: StagingCheckResult[] = [];
  const memo = {};
  for (const check of STAGING_CHECKS) {
    const t0 = performance.now();
    let results: Awaited<ReturnType<typeof check.run>>;
    try {
      results = await check.run(ctx, memo);
    } catch (e) {
      results = [{ status: 'fail', detail: (e as Error).message }];
    }
    const ms = performance.now() - t0;
    for (const r of results) checks.push({ id: check.id, name: check.name, ms: ms / results.length, ...r });
  }
  const failed = checks.filter((c) => c.status === 'fail');
  const passed = checks.filter((c) => c.status === 'pass').length;
  const unsure = checks.filter((c) => c.status === 'inconclusive');
  const skipped = checks.length - failed.length - passed - unsure.length;
  const verdict: Verdict = failed.length ? 'fail' : unsure.length ? 'inconclusive' : 'pass';
  const summary = failed.length
    ? `${failed.length} of ${checks.length} staging checks failed: ${failed[0]?.id} — ${failed[0]?.detail}`
    : unsure.length
      ? `staging checks could not tell: ${unsure[0]?.id} — ${unsure[0]?.detail}`
      : `${passed} staging checks passed${skipped ? `, ${skipped} skipped` : ''} at ${ctx.url}`;
  return { url: ctx.url, verdict, summary, checks };
}

export function stagingDocument(v: StagingValidation): ReportDocument {
  return {
    title: 'Staging validation',
    verdict: v.verdict,
    summary: v.summary,
    blocks: [
      {
        type: 'table',
        columns: ['check', 'result', 'took', 'detail'],
        align: ['left', 'left', 'right', 'left'],
        rows: v.checks.map((c) => [
          c.id,
          { text: c.status, tone: c.status === 'pass' ? 'good' : c.status === 'fail' ? 'bad' : 'warn' },
          `${Math.round(c.ms)} ms`,
          c.detail,
        ]),
      },
    ],
  };
}

const xml = (s: string): string =>
  s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

/** JUnit XML: one test case per check result, for CI systems that show test reports. */
export function stagingJunit(v: StagingValidation): string {
  const cases = v.checks.map((c, i) => {
    const head = `    <testcase classname="staging.${c.id}" name="${xml(`${c.name} #${i + 1}`)}" time="${(c.ms / 1000).toFixed(3)}"`;
    if (c.status === 'pass')
      return `${head}>\n      <system-out>${xml(c.detail)}</system-out>\n    </testcase>`;
    if (c.status === 'skip' || c.status === 'inconclusive') {
      return `${head}>\n      <skipped message="${xml(`${c.status === 'inconclusive' ? 'inconclusive: ' : ''}${c.detail}`)}"/>\n    </testcase>`;
    }
    return `${head}>\n      <failure message="${xml(c.detail)}">${xml(c.detail)}</failure>\n    </testcase>`;
  });
  const failures = v.checks.filter((c) => c.status === 'fail').length;
  const skipped = v.checks.filter((c) => c.status === 'skip' || c.status === 'inconclusive').length;
  const time = (v.checks.reduce((s, c) => s + c.ms, 0) / 1000).toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="shipgate staging" tests="${cases.length}" failures="${failures}" time="${time}">`,
    `  <testsuite name="staging" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
