// A CommonJS bundle: Node exposes it as one default export, not as named exports.
import cvssLib from 'ae-cvss-calculator';

const { Cvss2, Cvss3P0, Cvss3P1, Cvss4P0 } = cvssLib;

/**
 * One severity scale for every source: npm's words, GHSA's words, CVSS scores, Bandit's and
 * SARIF's levels all map onto info < low < moderate < high < critical. `unknown` is kept apart —
 * the gate treats it as critical, so a record without a severity never passes quietly.
 */
export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
export type KnownSeverity = (typeof SEVERITIES)[number];
export type Severity = KnownSeverity | 'unknown';

const RANK: Record<Severity, number> = { info: 0, low: 1, moderate: 2, high: 3, critical: 4, unknown: 4 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

export function atLeast(s: Severity, threshold: KnownSeverity): boolean {
  return RANK[s] >= RANK[threshold];
}

export function worstSeverity(list: Severity[]): Severity {
  const known = list.filter((s) => s !== 'unknown');
  if (known.length === 0) return 'unknown';
  return known.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}

const WORDS: Record<string, KnownSeverity> = {
  info: 'info',
  none: 'info',
  note: 'low',
  low: 'low',
  moderate: 'moderate',
  medium: 'moderate',
  warning: 'moderate',
  high: 'high',
  error: 'high',
  critical: 'critical',
};

/** npm and GHSA words, Bandit's LOW/MEDIUM/HIGH; undefined for anything else. */
export function severityFromWord(word: unknown): KnownSeverity | undefined {
  return typeof word === 'string' ? WORDS[word.trim().toLowerCase()] : undefined;
}

/** The CVSS v3/v4 qualitative bands (also used for SARIF's security-severity). */
export function severityFromScore(score: number): KnownSeverity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'moderate';
  if (score > 0) return 'low';
  return 'info';
}

export interface CvssScore {
  version: string;
  vector: string;
  score: number;
}

const CALCULATORS: Array<{
  prefix: string;
  version: string;
  make: (v: string) => { calculateScores(): { base?: number } };
}> = [
  { prefix: 'CVSS:4.0/', version: '4.0', make: (v) => new Cvss4P0(v) },
  { prefix: 'CVSS:3.1/', version: '3.1', make: (v) => new Cvss3P1(v) },
  { prefix: 'CVSS:3.0/', version: '3.0', make: (v) => new Cvss3P0(v) },
  { prefix: '', version: '2.0', make: (v) => new Cvss2(v) },
];

/** The base score of a CVSS vector (v2, v3.0, v3.1, v4.0), or undefined for a vector that does not parse. */
export function scoreCvss(vector: string): CvssScore | undefined {
  const calc = CALCULATORS.find((c) => vector.startsWith(c.prefix));
  if (!calc) return undefined;
  try {
    const base = calc.make(vector).calculateScores().base;
    return typeof base === 'number' && Number.isFinite(base)
      ? { version: calc.version, vector, score: base }
      : undefined;
  } catch {
    return undefined;
  }
}
