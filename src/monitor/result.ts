import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';

/** `shipgate/monitor@1`, `shipgate/alerts@1`, `shipgate/notify@1`. Latencies in milliseconds. */
const labels = z.record(z.string(), z.string());

const sample = z.object({ metric: z.string(), labels, value: z.number() });

const checkRun = z.object({
  name: z.string(),
  kind: z.string(),
  target: z.string(),
  ok: z.boolean(),
  problem: z.string().optional(),
  ms: z.number(),
  samples: z.array(sample),
});

export const alertSchema = z.object({
  key: z.string(),
  rule: z.string(),
  phase: z.enum(['inactive', 'pending', 'firing', 'resolved']),
  severity: z.string(),
  value: z.number().nullable(),
  labels,
  firedAt: z.string().optional(),
  resolvedAt: z.string().optional(),
  notified: z.enum(['none', 'firing', 'resolved']),
});

export const deliverySchema = z.object({
  channel: z.string(),
  title: z.string(),
  delivered: z.boolean(),
  attempt: z.number().int(),
  error: z.string().optional(),
  gaveUp: z.boolean().optional(),
  retryAt: z.string().optional(),
});

export const silenceSchema = z.object({
  id: z.number().int(),
  matchers: labels,
  startsAt: z.string(),
  endsAt: z.string(),
  comment: z.string(),
  createdBy: z.string().optional(),
});

export const monitorKind = defineKind('monitor', {
  mode: z.enum(['once', 'continuous']),
  intervalMs: z.number(),
  rounds: z.number().int(),
  /** The last round's results per check. */
  checks: z.array(checkRun),
  rules: z.array(z.object({ name: z.string(), condition: z.string(), severity: z.string() })),
  /** Alert instances not inactive, at the end. */
  alerts: z.array(alertSchema),
  events: z.array(z.object({ key: z.string(), transition: z.string(), at: z.string() })),
  notifications: z.object({
    enqueued: z.number().int(),
    delivered: z.number().int(),
    failed: z.number().int(),
    pending: z.number().int(),
  }),
  deliveries: z.array(deliverySchema),
  muted: z.array(z.object({ key: z.string(), by: z.string() })),
  samples: z.object({ raw: z.number().int(), minute: z.number().int(), hour: z.number().int() }),
  metricsUrl: z.string().optional(),
});

export const alertsKind = defineKind('alerts', {
  action: z.enum(['list', 'silence', 'unsilence', 'test']),
  alerts: z.array(alertSchema),
  silences: z.array(silenceSchema),
  deliveries: z.array(deliverySchema),
  outbox: z.array(
    z.object({
      id: z.number().int(),
      channel: z.string(),
      title: z.string(),
      attempts: z.number().int(),
      createdAt: z.string(),
      nextAttemptAt: z.string(),
      lastError: z.string().optional(),
    }),
  ),
});

export const notifyKind = defineKind('notify', {
  channel: z.string(),
  target: z.string(),
  title: z.string(),
  delivered: z.boolean(),
  attempts: z.number().int(),
  error: z.string().optional(),
});
