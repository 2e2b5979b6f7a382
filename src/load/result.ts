import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';

/**
 * `shipgate/load@1`: the result of `shipgate load`, `stress` and `endurance` (field `mode`).
 * Latencies in milliseconds. `metrics.latencyMs` is service time (send → end of body);
 * `metrics.correctedLatencyMs` (open model) is measured from the intended send time.
 */
const latency = z.object({
  min: z.number(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
  stdDev: z.number(),
});

const model = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('closed'), users: z.number(), rampUpMs: z.number(), thinkTimeMs: z.number() }),
  z.object({
    kind: z.literal('open'),
    startRate: z.number(),
    stages: z.array(z.object({ durationMs: z.number(), targetRate: z.number() })),
    maxInFlight: z.number(),
  }),
]);

const metrics = z.object({
  requests: z.number().int(),
  completed: z.number().int(),
  rps: z.number(),
  errors: z.number().int(),
  errorRate: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  latencyMs: latency,
  waitingMs: latency,
  correctedLatencyMs: latency.optional(),
  statusCodes: z.record(z.string(), z.number()),
  errorKinds: z.record(z.string(), z.number()),
  errorExamples: z.record(z.string(), z.array(z.string())),
});

const stepMeasurement = z.object({
  level: z.number(),
  rps: z.number(),
  p95Ms: z.number(),
  errorRate: z.number(),
  requests: z.number(),
});

const trend = z.object({ slope: z.number(), low: z.number(), high: z.number() });

export const loadKind = defineKind('load', {
  mode: z.enum(['load', 'stress', 'endurance']),
  target: z.object({ baseUrl: z.string(), scenario: z.string(), requests: z.array(z.string()) }),
  model,
  durationMs: z.number(),
  stopReason: z.string(),
  metrics,
  schedule: z
    .object({
      intended: z.number(),
      sent: z.number(),
      dropped: z.number(),
      slipMsP99: z.number(),
      slipMsMax: z.number(),
    })
    .optional(),
  series: z.array(
    z.object({
      tMs: z.number(),
      requests: z.number(),
      errors: z.number(),
      rps: z.number(),
      p50Ms: z.number(),
      p95Ms: z.number(),
      p99Ms: z.number(),
      correctedP99Ms: z.number().optional(),
      users: z.number(),
      inFlight: z.number(),
      dropped: z.number().optional(),
    }),
  ),
  endpoints: z.record(
    z.string(),
    z.object({
      requests: z.number(),
      errors: z.number(),
      errorRate: z.number(),
      rps: z.number(),
      latencyMs: latency,
      correctedLatencyMs: latency.optional(),
      statusCodes: z.record(z.string(), z.number()),
    }),
  ),
  generator: z.object({
    workers: z.number(),
    cpuPercent: z.number(),
    eventLoopLagMsP99: z.number(),
    saturated: z.boolean(),
    reasons: z.array(z.string()),
  }),
  thresholds: z.array(
    z.object({
      expression: z.string(),
      metric: z.string(),
      tags: z.record(z.string(), z.string()),
      aggregation: z.string(),
      operator: z.string(),
      bound: z.number(),
      actual: z.number().nullable(),
      passed: z.boolean(),
      abortOnFail: z.boolean(),
    }),
  ),
  stress: z
    .object({
      unit: z.enum(['users', 'rate']),
      broken: z.boolean(),
      lastGood: stepMeasurement.optional(),
      firstFailing: stepMeasurement.optional(),
      maxSustainableRps: z.number(),
      reason: z.string(),
      steps: z.array(stepMeasurement),
    })
    .optional(),
  endurance: z
    .object({
      verdict: z.enum(['stable', 'degrading', 'leaking', 'insufficient-data']),
      findings: z.array(z.string()),
      latencyP95SlopeMsPerHour: trend.nullable(),
      latencyP99SlopeMsPerHour: trend.nullable(),
      rpsSlopePerHour: trend.nullable(),
      serverRssSlopeMbPerHour: trend.nullable(),
      server: z
        .object({
          pid: z.number(),
          rssStartMb: z.number(),
          rssEndMb: z.number(),
          cpuPercentMean: z.number(),
          samples: z.array(z.object({ tMs: z.number(), rssMb: z.number() })),
        })
        .optional(),
    })
    .optional(),
});
