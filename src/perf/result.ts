import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';

const fingerprint = z.object({
  scenarioHash: z.string(),
  scenario: z.string(),
  shipgate: z.string(),
  node: z.string(),
  cpuModel: z.string(),
  cpuCount: z.number().int(),
  commit: z.string().optional(),
});

const side = z.object({
  /** What the user named: a file, `name:NAME`, `run:ID`, or a URL (A/B). */
  ref: z.string(),
  runId: z.number().int().optional(),
  fingerprint: fingerprint.optional(),
});

const metricComparison = z.object({
  metric: z.string(),
  unit: z.string(),
  direction: z.enum(['lower', 'higher']),
  baseline: z.number(),
  current: z.number(),
  change: z.number().nullable(),
  ci: z.tuple([z.number(), z.number()]).nullable(),
  scale: z.enum(['relative', 'absolute']),
  verdict: z.enum(['regression', 'improvement', 'unchanged', 'inconclusive']),
  reason: z.string().optional(),
  samples: z.object({ baseline: z.number().int(), current: z.number().int(), clamped: z.number().int() }),
});

/**
 * `shipgate/compare@1`. Keeps the seed's `compare_performance.py` field names (`regressions`,
 * `improvements`, `unchanged`, `summary.total_metrics` …, `regression_detected`), with each entry an
 * object carrying its interval instead of a sentence. Changes and intervals are percent.
 */
export const compareKind = defineKind('compare', {
  mode: z.enum(['results', 'ab']),
  thresholdPct: z.number(),
  baseline: side,
  current: side,
  fingerprintDifferences: z.array(
    z.object({ field: z.string(), baseline: z.string(), current: z.string(), blocking: z.boolean() }),
  ),
  noiseBandPct: z.record(z.string(), z.number()).optional(),
  rounds: z.number().int().optional(),
  regression_detected: z.boolean(),
  improvement_detected: z.boolean(),
  regressions: z.array(metricComparison),
  improvements: z.array(metricComparison),
  unchanged: z.array(metricComparison),
  inconclusive: z.array(metricComparison),
  tailOnly: z.string().optional(),
  summary_counts: z.object({
    total_metrics: z.number().int(),
    regression_count: z.number().int(),
    improvement_count: z.number().int(),
    unchanged_count: z.number().int(),
    inconclusive_count: z.number().int(),
  }),
});

const baselineEntry = z.object({
  name: z.string(),
  runId: z.number().int(),
  kind: z.string(),
  createdAt: z.string(),
  note: z.string().optional(),
  fingerprint: fingerprint.optional(),
  figures: z.record(z.string(), z.number()).optional(),
});

/** `shipgate/baseline@1`: what `baseline create|list|show|accept|delete` did. */
export const baselineKind = defineKind('baseline', {
  action: z.enum(['create', 'list', 'show', 'accept', 'delete']),
  baselines: z.array(baselineEntry),
});

/** `shipgate/trend@1`: a metric's history on a branch and the change points found in it. */
export const trendKind = defineKind('trend', {
  metric: z.string(),
  direction: z.enum(['lower', 'higher']),
  filters: z.object({
    scenario: z.string().optional(),
    branch: z.string().optional(),
    since: z.string().optional(),
  }),
  points: z.array(
    z.object({
      runId: z.number().int(),
      startedAt: z.string(),
      commit: z.string().optional(),
      value: z.number(),
    }),
  ),
  changePoints: z.array(
    z.object({
      index: z.number().int(),
      runId: z.number().int(),
      commit: z.string().optional(),
      startedAt: z.string(),
      before: z.number(),
      after: z.number(),
      changePct: z.number(),
      pValue: z.number(),
      worse: z.boolean(),
      accepted: z.boolean(),
    }),
  ),
  baseline: z.object({ name: z.string(), runId: z.number().int() }).optional(),
});

/** `shipgate/calibration@1`: the noise band this runner shows for a scenario, per metric. */
export const calibrationKind = defineKind('calibration', {
  runs: z.number().int(),
  fingerprint,
  /** Per metric: the 95th percentile of |change| between repeated identical runs, in percent. */
  noiseBandPct: z.record(z.string(), z.number()),
  perRun: z.array(z.record(z.string(), z.number())),
});
