import type { Verdict } from '../core/verdict.ts';
import {
  type AnalysisOptions,
  DEFAULT_ANALYSIS,
  durationRegressions,
  executedDrop,
  failureClusters,
  flakyTests,
  type HistoryRun,
  newTests,
  slowestTests,
} from './analysis.ts';
import { applyGate } from './gate.ts';
import { countTests, executedCount, type TestRun } from './model.ts';
import type { TreeResources } from './process-tree.ts';
import { isExpired, type QuarantineEntry } from './quarantine.ts';
import type { TestsFields } from './result.ts';

/** Everything `tests record` and `tests run` decide, from a parsed run and what the store and repo hold. */
export interface EvaluateInput {
  run: TestRun;
  history: readonly HistoryRun[];
  quarantine: { file: string; entries: readonly QuarantineEntry[] };
  commit: string | undefined;
  now: Date;
  analysis: AnalysisOptions;
  maxExecutedDropPercent: number;
  resources?: TreeResources;
  command?: { argv: string[]; exitCode: number | null; signal: string | null };
}

export interface Evaluation {
  verdict: Verdict;
  summary: string;
  warnings: string[];
  fields: TestsFields;
  figures: Record<string, number>;
}

const MB = 1024 * 1024;

export function evaluate(input: EvaluateInput): Evaluation {
  const { run, history, analysis } = input;
  const counts = countTests(run.tests);
  const executed = executedCount(run.tests);
  const drop = executedDrop(executed, history);
  const gate = applyGate(run.tests, executed, drop, input.quarantine.entries, {
    maxExecutedDropPercent: input.maxExecutedDropPercent,
    now: input.now,
  });
  const flaky = flakyTests(run.tests, input.commit, history, analysis);
  const regressions = durationRegressions(run.tests, history, analysis);
  const fresh = newTests(run.tests, history);
  const quarantinedIds = new Set(gate.quarantined);

  const warnings: string[] = [];
  let verdict = gate.verdict;
  // the runner's exit code and its report must agree; if they do not, the report cannot be trusted
  const exitCode = input.command?.exitCode;
  if (input.command && exitCode !== 0 && counts.failed + counts.errors === 0 && verdict !== 'fail') {
    verdict = 'inconclusive';
    warnings.push(
      `the test command ${input.command.signal ? `was killed by ${input.command.signal}` : `exited with code ${exitCode}`} but its report shows no failing test`,
    );
  }
  if (regressions.length > 0)
    warnings.push(
      `${regressions.length} test${regressions.length === 1 ? ' is' : 's are'} markedly slower than usual`,
    );
  if (flaky.length > 0) warnings.push(`${flaky.length} flaky test${flaky.length === 1 ? '' : 's'}`);

  const failing = counts.failed + counts.errors;
  const summary =
    `${counts.total} tests: ${counts.passed} passed, ${failing} failing` +
    (gate.quarantined.length ? ` (${gate.quarantined.length} quarantined)` : '') +
    (counts.skipped + counts.todo ? `, ${counts.skipped + counts.todo} skipped/todo` : '') +
    (flaky.length ? `, ${flaky.length} flaky` : '');

  const resources = input.resources
    ? {
        wallMs: input.resources.wallMs,
        cpuSeconds: input.resources.cpuSeconds,
        cpuPercentMean: input.resources.cpuPercentMean,
        cpuPercentPeak: input.resources.cpuPercentPeak,
        rssPeakMb: round(input.resources.rssPeakBytes / MB),
        rssMeanMb: round(input.resources.rssMeanBytes / MB),
        processesPeak: input.resources.processesPeak,
        samples: downsample(input.resources.samples, 300).map((s) => ({
          tMs: s.tMs,
          rssMb: round(s.rssBytes / MB),
          cpuPercent: s.cpuPercent,
        })),
      }
    : undefined;

  const fields: TestsFields = {
    counts: { ...counts, executed },
    sources: run.sources,
    notes: run.notes,
    tests: run.tests.map((t) => ({ ...t, ...(quarantinedIds.has(t.id) ? { quarantined: true } : {}) })),
    slowest: slowestTests(run.tests, analysis.slowest),
    flaky,
    durationRegressions: regressions,
    failureClusters: failureClusters(run.tests).map(({ testIds: _ids, ...c }) => c),
    newTests: fresh.map((t) => ({ id: t.id, key: t.key })),
    history: {
      runs: history.length,
      ...(drop ? { executedBaseline: drop.baseline, executedDropPercent: drop.dropPercent } : {}),
    },
    quarantine: {
      file: input.quarantine.file,
      entries: input.quarantine.entries.length,
      quarantined: gate.quarantined,
      expired: input.quarantine.entries.filter((q) => isExpired(q, input.now)).map((q) => q.test),
    },
    findings: gate.findings,
    ...(input.command ? { command: input.command } : {}),
    ...(resources ? { resources } : {}),
  };
  const figures: Record<string, number> = {
    total: counts.total,
    passed: counts.passed,
    failed: counts.failed,
    errors: counts.errors,
    skipped: counts.skipped,
    todo: counts.todo,
    flaky: flaky.length,
    executed,
    duration_ms: counts.durationMs,
    ...(resources
      ? {
          rss_peak_mb: resources.rssPeakMb,
          cpu_percent_mean: resources.cpuPercentMean,
          wall_ms: resources.wallMs,
        }
      : {}),
  };
  return { verdict, summary, warnings, fields, figures };
}

/** A run judged on its own: no history, nothing quarantined, the default analysis (the demo, benchmarks). */
export function evaluateAlone(
  run: TestRun,
  extra: Pick<EvaluateInput, 'resources' | 'command'> = {},
): Evaluation {
  return evaluate({
    run,
    history: [],
    quarantine: { file: '(none)', entries: [] },
    commit: undefined,
    now: new Date(),
    analysis: DEFAULT_ANALYSIS,
    maxExecutedDropPercent: 10,
    ...extra,
  });
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Keeps the peak of each bucket so a short spike survives thinning. */
function downsample<T extends { rssBytes: number }>(samples: readonly T[], max: number): T[] {
  if (samples.length <= max) return [...samples];
  const step = Math.ceil(samples.length / max);
  const out: T[] = [];
  for (let i = 0; i < samples.length; i += step) {
    const chunk = samples.slice(i, i + step);
    out.push(chunk.reduce((a, b) => (b.rssBytes > a.rssBytes ? b : a)));
  }
  return out;
}
