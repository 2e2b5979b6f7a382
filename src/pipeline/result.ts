import { z } from 'zod';
import { defineKind, verdictSchema } from '../core/envelope.ts';

/** `shipgate init`: what was written into the repository and what to set next. */
export const initKind = defineKind('init', {
  root: z.string(),
  ci: z.string(),
  project: z.object({
    profile: z.string(),
    install: z.string(),
    test: z.string(),
    junit: z.string(),
    openapi: z.string(),
  }),
  files: z.array(
    z.object({ path: z.string(), action: z.enum(['written', 'replaced', 'kept']), what: z.string() }),
  ),
  secrets: z.array(z.object({ name: z.string(), purpose: z.string() })),
  variables: z.array(z.object({ name: z.string(), purpose: z.string() })),
});

/** `shipgate pipeline run`: each stage's command, verdict and exit code, in order. */
export const pipelineKind = defineKind('pipeline', {
  stages: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      status: z.enum(['passed', 'warned', 'failed', 'inconclusive', 'skipped', 'not-run']),
      verdict: verdictSchema.optional(),
      command: z.array(z.string()),
      exitCode: z.number().int().optional(),
      durationMs: z.number(),
      summary: z.string(),
      reason: z.string().optional(),
      resultFile: z.string().optional(),
    }),
  ),
});
