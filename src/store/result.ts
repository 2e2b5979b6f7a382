import { z } from 'zod';
import { defineKind, verdictSchema } from '../core/envelope.ts';

/** `shipgate history`: recorded runs, newest first. */
export const historyKind = defineKind('history', {
  store: z.object({ engine: z.string(), location: z.string(), schemaVersion: z.number().int() }),
  runs: z.array(
    z.object({
      id: z.number().int(),
      kind: z.string(),
      verdict: verdictSchema,
      summary: z.string(),
      startedAt: z.string(),
      finishedAt: z.string(),
      gitCommit: z.string().optional(),
      gitBranch: z.string().optional(),
      figures: z.record(z.string(), z.number()),
      labels: z.record(z.string(), z.string()),
    }),
  ),
});
