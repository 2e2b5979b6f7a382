import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';

/** `shipgate report`: the HTML report written, what it covers, and the email digest when sent. */
export const reportKind = defineKind('report', {
  html: z.string(),
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
