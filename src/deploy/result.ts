import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';
import { COLOURS, ROUTER_KINDS } from './kinds.ts';
import { ENDINGS, PHASES } from './machine.ts';

/** `shipgate/deploy@1`: deploy, rollback, status, history, recover and down share one kind. */
const colour = z.enum(COLOURS);

const phase = z.object({
  phase: z.enum(PHASES),
  outcome: z.enum(['ok', 'fail']),
  ms: z.number(),
  detail: z.string(),
});

export const deployReportSchema = z.object({
  env: z.string(),
  deployId: z.number().int(),
  action: z.string(),
  version: z.string(),
  colour,
  previousVersion: z.string().optional(),
  previousColour: colour.optional(),
  router: z.enum(ROUTER_KINDS),
  outcome: z.enum(ENDINGS),
  phases: z.array(phase),
  switchMs: z.number().optional(),
  watch: z.object({ requests: z.number().int(), errorRatePercent: z.number(), p95Ms: z.number() }).optional(),
  reason: z.string(),
});

const statusSchema = z.object({
  env: z.string(),
  router: z.object({ kind: z.string(), running: z.boolean(), active: colour.optional() }),
  active: colour.optional(),
  colours: z.array(
    z.object({
      colour,
      version: z.string(),
      port: z.number().int(),
      running: z.boolean(),
      healthy: z.boolean(),
      active: z.boolean(),
      retireAt: z.string().optional(),
    }),
  ),
  lock: z
    .object({
      deployId: z.number().int(),
      owner: z.string(),
      pid: z.number().int(),
      host: z.string(),
      since: z.string(),
      dead: z.boolean(),
    })
    .optional(),
  consistent: z.boolean(),
  problems: z.array(z.string()),
});

const journalEntry = z.object({
  id: z.number().int(),
  action: z.string(),
  version: z.string(),
  colour: z.string(),
  previousVersion: z.string().optional(),
  outcome: z.string(),
  actor: z.string(),
  gitCommit: z.string().optional(),
  rollbackOf: z.number().int().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  phases: z.array(
    z.object({
      phase: z.string(),
      outcome: z.string(),
      startedAt: z.string(),
      ms: z.number(),
      detail: z.string().optional(),
    }),
  ),
});

export const deployKind = defineKind('deploy', {
  operation: z.enum(['deploy', 'rollback', 'status', 'history', 'recover', 'down']),
  env: z.string(),
  deploy: deployReportSchema.optional(),
  status: statusSchema.optional(),
  history: z.array(journalEntry).optional(),
  recovery: z
    .object({
      deploy: z
        .object({
          id: z.number().int(),
          version: z.string(),
          lastPhase: z.string().optional(),
          lastOutcome: z.string().optional(),
        })
        .optional(),
      serve: colour.optional(),
      stop: z.array(colour),
      outcome: z.enum(ENDINGS),
      reason: z.string(),
      serving: z.object({ colour, version: z.string() }).optional(),
    })
    .optional(),
  stopped: z.array(z.string()).optional(),
});

/** `shipgate/staging@1`: `staging validate`. */
export const stagingKind = defineKind('staging', {
  url: z.string(),
  checks: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(['pass', 'fail', 'skip', 'inconclusive']),
      ms: z.number(),
      detail: z.string(),
    }),
  ),
});
