import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';

/** `shipgate report`: the HTML report written, what it covers, and the email digest when sent. */
export const reportKind = defineKind('report', {
  /** The page written; absent without --html or with reporting.html false. */
  html: z.string().optional(),
  /** A scheduled digest: which, and whether its reporting switch is on (delivery is in `email`). */
  digest: z.object({ period: z.enum(['daily', 'weekly']), enabled: z.boolean() }).optional(),
  /** reporting.retentionDays: how long the workflow keeps the uploaded report. */
  retentionDays: z.number().int(),
  since: z.string(),
  runs: z.number().int(),
  sections: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      kinds: z.array(z.object({ kind: z.string(), runs: z.number().int(), failed: z.number().int() })),
      charts: z.number().int(),
      changePoints: z.number().int(),
    }),
  ),
  alerts: z.number().int(),
  flakyTests: z.number().int(),
  email: z
    .object({
      delivered: z.boolean(),
      target: z.string(),
      attempts: z.number().int(),
      error: z.string().optional(),
    })
    .optional(),
});
