import { createHash } from 'node:crypto';
import type { LoadFields } from '../load/tests.ts';
import type { LoadEnvelope } from './metrics.ts';

/**
 * What must match for two results to be comparable. A faster CPU or a different request mix
 * changes the numbers as surely as a regression does, so those mismatches make a comparison
 * inconclusive; a newer Node or shipgate is worth a warning, not a refusal (upgrading them is
 * exactly when people want to compare).
 */
export interface PerfFingerprint {
  /** Hash of the request mix and the load model (not the host: blue and green listen on other ports). */
  scenarioHash: string;
  scenario: string;
  shipgate: string;
  node: string;
  cpuModel: string;
  cpuCount: number;
  /** The repository commit the result was measured at, when known. */
  commit?: string;
}

interface FingerprintField {
  key: keyof PerfFingerprint;
  label: string;
  /** Blocking differences make the comparison inconclusive; others are reported as warnings. */
  blocking: boolean;
}

const FIELDS: readonly FingerprintField[] = [
  { key: 'scenarioHash', label: 'scenario (request mix and load model)', blocking: true },
  { key: 'cpuModel', label: 'CPU model', blocking: true },
  { key: 'cpuCount', label: 'CPU count', blocking: true },
  { key: 'node', label: 'Node.js version', blocking: false },
  { key: 'shipgate', label: 'shipgate version', blocking: false },
];

/** Same request mix and load model, same hash — whichever host and port the target listened on. */
export function scenarioHashOf(fields: Pick<LoadFields, 'target' | 'model'>): string {
  return createHash('sha256')
    .update(JSON.stringify({ requests: fields.target.requests, model: fields.model }))
    .digest('hex')
    .slice(0, 16);
}

export function fingerprintOf(result: LoadEnvelope): PerfFingerprint {
  const env = result.environment;
  return {
    scenarioHash: scenarioHashOf(result),
    scenario: result.target.scenario,
    shipgate: env.shipgate,
    node: env.node,
    cpuModel: env.cpuModel,
    cpuCount: env.cpuCount,
    ...(env.git?.commit ? { commit: env.git.commit } : {}),
  };
}

export interface FingerprintDifference {
  field: string;
  baseline: string;
  current: string;
  blocking: boolean;
}

export function fingerprintDifferences(base: PerfFingerprint, cur: PerfFingerprint): FingerprintDifference[] {
  return FIELDS.filter((f) => base[f.key] !== cur[f.key]).map((f) => ({
    field: f.label,
    baseline: String(base[f.key]),
    current: String(cur[f.key]),
    blocking: f.blocking,
  }));
}
