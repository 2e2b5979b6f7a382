import type { Ecosystem, InstalledPackage } from '../model.ts';
import type { CvssScore, Severity } from '../severity.ts';

/**
 * One interface for every advisory source: given installed packages, say which advisories affect
 * which of them — or that the source could not be asked (unreachable, timed out, stale, no such
 * endpoint). "Could not ask" is never "clean": the audit turns it into an inconclusive verdict.
 */
export interface Advisory {
  id: string;
  aliases: string[];
  summary?: string;
  url?: string;
  severity: Severity;
  cvss?: CvssScore;
}

export interface SourceMatch {
  /** `packageKey()` of the affected package. */
  key: string;
  advisory: Advisory;
  fixedIn?: string;
}

export interface SourceOptions {
  /** Offline database: a directory of OSV JSON files or an OSV all.zip. */
  osvDb?: string;
  osvApiUrl: string;
  registry: string;
  timeoutMs: number;
  /** The offline database is stale beyond this age. */
  maxAgeMs: number;
  now: Date;
}

export interface SourceReport {
  source: string;
  available: boolean;
  /** Why the source could not be used. */
  reason?: string;
  matches: SourceMatch[];
  /** Packages of ecosystems this source does not cover. */
  uncovered: InstalledPackage[];
  /** Provenance: where the data came from, how old it is, how many records. */
  details: Record<string, string | number>;
}

export interface AdvisorySource {
  id: string;
  description: string;
  ecosystems: readonly Ecosystem[];
  query(packages: InstalledPackage[], options: SourceOptions): Promise<SourceReport>;
}

/** Raised inside a source when it cannot answer; the source turns it into `available: false`. */
export class SourceUnavailable extends Error {
  override readonly name = 'SourceUnavailable';
}

export function unavailable(
  source: string,
  reason: string,
  uncovered: InstalledPackage[] = [],
): SourceReport {
  return { source, available: false, reason, matches: [], uncovered, details: {} };
}

export function splitCovered(
  packages: InstalledPackage[],
  ecosystems: readonly Ecosystem[],
): { covered: InstalledPackage[]; uncovered: InstalledPackage[] } {
  const covered: InstalledPackage[] = [];
  const uncovered: InstalledPackage[] = [];
  for (const p of packages) (ecosystems.includes(p.ecosystem) ? covered : uncovered).push(p);
  return { covered, uncovered };
}
