import type { Advisory } from './advisories/source.ts';
import { isObject } from './ecosystems/format.ts';
import type { Ecosystem } from './model.ts';
import { type CvssScore, type Severity, scoreCvss, severityFromScore, severityFromWord } from './severity.ts';
import { VERSION_SCHEMES } from './versions.ts';

/**
 * OSV records (https://ossf.github.io/osv-schema/) and the one matcher every source shares:
 * events are evaluated in the ecosystem's own version order — `introduced` inclusive (`"0"` = from
 * the first release), `fixed` exclusive, `last_affected` inclusive — plus explicit `versions` lists.
 * `database_specific.last_known_affected_version_range` is informational and ignored on purpose.
 */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvAffected {
  package?: { ecosystem?: string; name?: string };
  ranges?: Array<{ type?: string; events?: OsvEvent[] }>;
  versions?: string[];
}

export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  summary?: string;
  details?: string;
  severity?: Array<{ type?: string; score?: string }>;
  affected?: OsvAffected[];
  references?: Array<{ type?: string; url?: string }>;
  database_specific?: Record<string, unknown>;
}

/** Accepts parsed JSON as an OSV record when it has the fields the matcher relies on. */
export function asOsvRecord(data: unknown): OsvRecord | undefined {
  if (!isObject(data) || typeof data.id !== 'string') return undefined;
  if (data.affected !== undefined && !Array.isArray(data.affected)) return undefined;
  return data as unknown as OsvRecord;
}

function eventVersion(e: OsvEvent): string {
  return e.introduced ?? e.fixed ?? e.last_affected ?? e.limit ?? '0';
}

export interface RangeMatch {
  affected: boolean;
  /** The lowest `fixed` above the installed version, in a range that affects it. */
  fixedIn?: string;
}

/** Whether `version` of `name` is affected by this `affected[]` entry. */
export function affectedEntryMatches(entry: OsvAffected, ecosystem: Ecosystem, version: string): RangeMatch {
  const scheme = VERSION_SCHEMES[ecosystem];
  if (entry.versions?.includes(version)) return { affected: true };
  let fixedIn: string | undefined;
  let affected = false;
  for (const range of entry.ranges ?? []) {
    // GIT ranges name commits, not releases.
    if (range.type !== 'SEMVER' && range.type !== 'ECOSYSTEM') continue;
    const events = [...(range.events ?? [])].sort((a, b) => {
      const c = scheme.compare(eventVersion(a), eventVersion(b));
      // At equal versions an introduction comes first, so `introduced: X, fixed: X` affects nothing.
      return c || (a.introduced !== undefined ? -1 : b.introduced !== undefined ? 1 : 0);
    });
    let inRange = false;
    for (const e of events) {
      if (e.introduced !== undefined) {
        if (e.introduced === '0' || scheme.compare(version, e.introduced) >= 0) inRange = true;
      } else if (e.fixed !== undefined) {
        if (scheme.compare(version, e.fixed) >= 0) inRange = false;
      } else if (e.last_affected !== undefined) {
        if (scheme.compare(version, e.last_affected) > 0) inRange = false;
      }
    }
    if (!inRange) continue;
    affected = true;
    const next = events.find((e) => e.fixed !== undefined && scheme.compare(e.fixed, version) > 0)?.fixed;
    if (next && (!fixedIn || scheme.compare(next, fixedIn) < 0)) fixedIn = next;
  }
  return affected ? { affected, ...(fixedIn ? { fixedIn } : {}) } : { affected: false };
}

/** Whether the record affects this installed package; `fixedIn` when a fixed release is known. */
export function recordAffects(
  record: OsvRecord,
  ecosystem: Ecosystem,
  name: string,
  version: string,
): RangeMatch {
  if (record.withdrawn) return { affected: false };
  const scheme = VERSION_SCHEMES[ecosystem];
  const want = scheme.normalizeName(name);
  let result: RangeMatch = { affected: false };
  for (const entry of record.affected ?? []) {
    if (entry.package?.ecosystem !== ecosystem || scheme.normalizeName(entry.package?.name ?? '') !== want)
      continue;
    const m = affectedEntryMatches(entry, ecosystem, version);
    if (!m.affected) continue;
    const fixedIn =
      m.fixedIn && result.fixedIn
        ? scheme.compare(m.fixedIn, result.fixedIn) > 0
          ? m.fixedIn
          : result.fixedIn
        : (m.fixedIn ?? result.fixedIn);
    result = { affected: true, ...(fixedIn ? { fixedIn } : {}) };
  }
  return result;
}

/** Severity of a record: GHSA's own word when present, else the highest base score of its CVSS vectors. */
export function recordSeverity(record: OsvRecord): { severity: Severity; cvss?: CvssScore } {
  const scores = (record.severity ?? [])
    .map((s) =>
      typeof s.score === 'string' && /^CVSS_V[234]$/.test(s.type ?? '') ? scoreCvss(s.score) : undefined,
    )
    .filter((s): s is CvssScore => s !== undefined)
    .sort((a, b) => b.score - a.score);
  const cvss = scores[0];
  const word = severityFromWord(record.database_specific?.severity);
  const severity: Severity = word ?? (cvss ? severityFromScore(cvss.score) : 'unknown');
  return { severity, ...(cvss ? { cvss } : {}) };
}

export function recordUrl(record: OsvRecord): string | undefined {
  const advisory = record.references?.find((r) => r.type === 'ADVISORY' && r.url?.includes(record.id))?.url;
  if (advisory) return advisory;
  if (record.id.startsWith('GHSA-')) return `https://github.com/advisories/${record.id}`;
  return `https://osv.dev/vulnerability/${record.id}`;
}

/** The source-neutral advisory of an OSV record. */
export function advisoryFromRecord(record: OsvRecord): Advisory {
  const url = recordUrl(record);
  return {
    id: record.id,
    aliases: record.aliases ?? [],
    ...(record.summary ? { summary: record.summary } : {}),
    ...(url ? { url } : {}),
    ...recordSeverity(record),
  };
}
