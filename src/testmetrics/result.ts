import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';
import { TEST_STATUSES } from './model.ts';

/**
 * `shipgate tests record|run`: the test run in the one model, the analysis against history, the
 * gate's findings and (for `run`) the resources of the process tree. The issue's `summary{…}`
 * figures are `counts` here, because `summary` is every envelope's one-line text.
 */
const status = z.enum(TEST_STATUSES);

export const testsFields = {
  counts: z.object({
    total: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    errors: z.number().int(),
    skipped: z.number().int(),
    todo: z.number().int(),
    xfail: z.number().int(),
    xpass: z.number().int(),
    flaky: z.number().int(),
    executed: z.number().int(),
    durationMs: z.number(),
  }),
  sources: z.array(z.object({ file: z.string(), dialect: z.string(), tests: z.number().int() })),
  notes: z.array(z.string()),
  tests: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      file: z.string().optional(),
      suite: z.array(z.string()),
      name: z.string(),
      status,
      durationMs: z.number().nullable(),
      retries: z.number().int(),
      quarantined: z.boolean().optional(),
      failure: z
        .object({
          kind: z.enum(['failure', 'error']),
          message: z.string(),
          type: z.string().optional(),
          stack: z.string().optional(),
        })
        .optional(),
    }),
  ),
  slowest: z.array(z.object({ id: z.string(), key: z.string(), durationMs: z.number() })),
  flaky: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      reasons: z.array(z.enum(['retried', 'same-commit', 'failure-rate'])),
      runs: z.number().int(),
      failures: z.number().int(),
      failureRate: z.object({ low: z.number(), high: z.number() }),
    }),
  ),
  durationRegressions: z.array(
    z.object({
      id: z.string(),
      key: z.string(),
      durationMs: z.number(),
      medianMs: z.number(),
      madMs: z.number(),
      z: z.number().nullable(),
      samples: z.number().int(),
    }),
  ),
  failureClusters: z.array(
    z.object({ signature: z.string(), count: z.number().int(), examples: z.array(z.string()) }),
  ),
  newTests: z.array(z.object({ id: z.string(), key: z.string() })),
  history: z.object({
    runs: z.number().int(),
    executedBaseline: z.number().optional(),
    executedDropPercent: z.number().optional(),
  }),
  quarantine: z.object({
    file: z.string(),
    entries: z.number().int(),
    quarantined: z.array(z.string()),
    expired: z.array(z.string()),
  }),
  findings: z.array(
    z.object({
      level: z.enum(['fail', 'warn']),
      rule: z.string(),
      message: z.string(),
      testId: z.string().optional(),
    }),
  ),
  command: z
    .object({
      argv: z.array(z.string()),
      exitCode: z.number().int().nullable(),
      signal: z.string().nullable(),
    })
    .optional(),
  resources: z
    .object({
      wallMs: z.number(),
      cpuSeconds: z.number(),
      cpuPercentMean: z.number(),
      cpuPercentPeak: z.number(),
      rssPeakMb: z.number(),
      rssMeanMb: z.number(),
      processesPeak: z.number().int(),
      samples: z.array(z.object({ tMs: z.number(), rssMb: z.number(), cpuPercent: z.number() })),
    })
    .optional(),
};

export const testsKind = defineKind('tests', testsFields);

export type TestsFields = z.infer<z.ZodObject<typeof testsFields>>;

/** `shipgate tests report`: trends over recorded runs, flaky and slow tests. */
export const testsReportKind = defineKind('tests-report', {
  window: z.object({ since: z.string().optional(), runs: z.number().int() }),
  runs: z.array(
    z.object({
      id: z.number().int(),
      startedAt: z.string(),
      verdict: z.string(),
      gitCommit: z.string().optional(),
      figures: z.record(z.string(), z.number()),
    }),
  ),
  flaky: testsFields.flaky,
  slowest: z.array(
    z.object({ id: z.string(), key: z.string(), medianMs: z.number(), runs: z.number().int() }),
  ),
  failing: z.array(
    z.object({ id: z.string(), key: z.string(), failures: z.number().int(), runs: z.number().int() }),
  ),
});

/** `shipgate tests quarantine list|add|remove`. */
export const testsQuarantineKind = defineKind('tests-quarantine', {
  file: z.string(),
  entries: z.array(
    z.object({
      test: z.string(),
      reason: z.string(),
      until: z.string(),
      owner: z.string().optional(),
      issue: z.string().optional(),
      added: z.string().optional(),
      expired: z.boolean(),
    }),
  ),
});
