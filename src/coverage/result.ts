import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';

/**
 * `shipgate/coverage@1`: the result of `shipgate coverage` and `shipgate coverage run`.
 * Percentages are floored to two decimals (`pct`), null when there is nothing to measure;
 * gates compare the exact `covered/total`, never `pct`.
 */
const ratio = z.object({
  covered: z.number().int(),
  total: z.number().int(),
  pct: z.number().nullable(),
});

export const coverageKind = defineKind('coverage', {
  reports: z.array(z.object({ file: z.string(), format: z.string() })),
  totals: z.object({ lines: ratio, branches: ratio, functions: ratio }),
  branchesMeasured: z.boolean(),
  functionsMeasured: z.boolean(),
  thresholds: z.object({
    min: z.number(),
    target: z.number(),
    branchMin: z.number().optional(),
    perFileMin: z.number().optional(),
    diffMin: z.number().optional(),
    maxDrop: z.number().optional(),
  }),
  gates: z.array(
    z.object({
      name: z.string(),
      threshold: z.number(),
      actual: z.number().nullable(),
      passed: z.boolean(),
      detail: z.string(),
    }),
  ),
  files: z.array(
    z.object({
      path: z.string(),
      lines: ratio,
      branches: ratio,
      functions: ratio,
      uncoveredLines: z.array(z.number().int()),
      partialLines: z.array(z.number().int()),
    }),
  ),
  /** Report paths that name no file under the root (reports from another checkout, stale files). */
  unmatchedPaths: z.array(z.string()),
  diff: z
    .object({
      base: z.string(),
      mergeBase: z.string().optional(),
      unavailable: z.string().optional(),
      lines: ratio,
      files: z.array(z.object({ path: z.string(), lines: ratio, uncoveredLines: z.array(z.number().int()) })),
      unreported: z.array(z.string()),
    })
    .optional(),
  previous: z
    .object({
      runId: z.number().int(),
      lines: ratio,
      delta: z.number(),
      producer: z.string().optional(),
    })
    .optional(),
  /** The latest run recorded on the diff base's branch (`--diff origin/main` → main): the PR's delta. */
  base: z.object({ branch: z.string(), runId: z.number().int(), lines: ratio, delta: z.number() }).optional(),
  /** Lines covered in the previous run and uncovered now, in files the diff did not change. */
  lostCoverage: z.array(z.object({ path: z.string(), lines: z.array(z.number().int()) })),
  tests: z
    .object({
      command: z.array(z.string()),
      exitCode: z.number().int().nullable(),
      signal: z.string().optional(),
      durationMs: z.number(),
    })
    .optional(),
});

export type CoverageFields = z.infer<typeof coverageKind.fields>;
