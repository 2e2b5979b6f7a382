import type { z } from 'zod';
import type { Baseline, Store } from '../store/store.ts';
import { fingerprintOf } from './fingerprint.ts';
import { type LoadEnvelope, samplesOf } from './metrics.ts';
import type { baselineKind } from './result.ts';
import { asLoadResult } from './sources.ts';

export type BaselineEntry = z.infer<typeof baselineKind.fields>['baselines'][number];

/** The figures trends chart, from a result's headline numbers (the same names `shipgate load` records). */
export function figuresOf(result: LoadEnvelope): Record<string, number> {
  const figures: Record<string, number> = { requests: result.metrics.completed };
  for (const s of samplesOf(result)) figures[s.metric] = s.overall;
  return figures;
}

/**
 * Records a load result file in the store (a baseline must point at a stored run, so that history,
 * trends and the baseline all read the same record), labelled with its fingerprint.
 */
export async function recordLoadResult(store: Store, result: LoadEnvelope): Promise<number> {
  const fp = fingerprintOf(result);
  const git = result.environment.git;
  const run = await store.recordRun({
    kind: 'load',
    verdict: result.verdict,
    summary: result.summary,
    startedAt: new Date(result.startedAt),
    finishedAt: new Date(result.finishedAt),
    ...(git?.commit ? { gitCommit: git.commit } : {}),
    ...(git?.branch ? { gitBranch: git.branch } : {}),
    environment: result.environment,
    figures: figuresOf(result),
    labels: {
      mode: result.mode,
      scenario: result.target.scenario,
      target: result.target.baseUrl,
      scenario_hash: fp.scenarioHash,
    },
    result,
  });
  return run.id;
}

/** A baseline with what it points at: fingerprint and headline figures. */
export async function describeBaseline(store: Store, baseline: Baseline): Promise<BaselineEntry> {
  const run = await store.getRun(baseline.runId);
  let fingerprint: BaselineEntry['fingerprint'];
  try {
    if (run) fingerprint = fingerprintOf(asLoadResult(run.result, `run #${run.id}`));
  } catch {
    // Not a load run (a baseline may point at any kind); it simply has no performance fingerprint.
  }
  return {
    name: baseline.name,
    runId: baseline.runId,
    kind: baseline.kind,
    createdAt: baseline.createdAt.toISOString(),
    ...(baseline.note ? { note: baseline.note } : {}),
    ...(fingerprint ? { fingerprint } : {}),
    ...(run ? { figures: run.figures } : {}),
  };
}
