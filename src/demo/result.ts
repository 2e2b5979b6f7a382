import { z } from 'zod';
import { defineKind, verdictSchema } from '../core/envelope.ts';

/** `shipgate demo`: each stage's verdict against the bundled sample service, and where the reports went. */
export const demoKind = defineKind('demo', {
  workspace: z.string(),
  service: z.object({ url: z.string(), version: z.string(), startupMs: z.number() }),
  stages: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      verdict: verdictSchema,
      summary: z.string(),
      durationMs: z.number(),
      figures: z.record(z.string(), z.number()),
    }),
  ),
  reports: z.object({ markdown: z.string(), html: z.string() }),
});
