import { UserError } from '../../core/errors.ts';
import { addBranch, addFunction, addLine, type CoverageData, emptyData, fileIn } from '../model.ts';
import type { CoverageFormat, ParsedReport } from './format.ts';
import { countAt, isRecord, readJsonReport } from './json.ts';

/**
 * Istanbul's `coverage-final.json` (nyc, c8, Jest, Vitest): a map of file → FileCoverage. Lines
 * are derived the way istanbul-lib-coverage does: a statement counts on its start line, and a
 * line's hits are the most any of its statements got.
 */
export const istanbulFormat: CoverageFormat = {
  id: 'istanbul',
  label: 'Istanbul JSON',
  sniff: (head) => /^\s*\{/.test(head) && /"(?:statementMap|fnMap|branchMap)"/.test(head),
  read: readIstanbul,
};

interface Location {
  start?: { line?: number };
}

async function readIstanbul(file: string, display: string): Promise<ParsedReport> {
  const doc = await readJsonReport(file, display);
  if (!isRecord(doc))
    throw new UserError('not an Istanbul coverage map (expected an object)', { file: display });
  const data: CoverageData = emptyData();
  data.sources.push({ file: display, format: 'istanbul', branchesMeasured: true, functionsMeasured: true });
  for (const [key, value] of Object.entries(doc)) {
    if (!isRecord(value) || !isRecord(value.statementMap) || !isRecord(value.s)) {
      const hint =
        key === 'total' ? 'coverage-summary.json holds totals only; give coverage-final.json' : undefined;
      throw new UserError(`entry '${key}' is not an Istanbul FileCoverage (no statementMap)`, {
        file: display,
        ...(hint ? { hint } : {}),
      });
    }
    const path = typeof value.path === 'string' ? value.path : key;
    const f = fileIn(data, path);
    const where = (what: string) => `${path}: ${what}`;

    const lineHits = new Map<number, number>();
    for (const [id, loc] of Object.entries(value.statementMap)) {
      const line = (loc as Location)?.start?.line;
      if (typeof line !== 'number') continue;
      const hits = countAt(value.s[id] ?? 0, display, where(`s[${id}]`));
      lineHits.set(line, Math.max(lineHits.get(line) ?? 0, hits));
    }
    for (const [line, hits] of lineHits) addLine(f, line, hits);

    const fnMap = isRecord(value.fnMap) ? value.fnMap : {};
    const fHits = isRecord(value.f) ? value.f : {};
    for (const [id, fn] of Object.entries(fnMap)) {
      const meta = fn as { name?: string; decl?: Location; loc?: Location; line?: number };
      const line = meta.decl?.start?.line ?? meta.loc?.start?.line ?? meta.line ?? 0;
      const name = typeof meta.name === 'string' ? meta.name : `(anonymous_${id})`;
      addFunction(f, `${id}`, name, line, countAt(fHits[id] ?? 0, display, where(`f[${id}]`)));
    }

    const branchMap = isRecord(value.branchMap) ? value.branchMap : {};
    const bHits = isRecord(value.b) ? value.b : {};
    for (const [id, br] of Object.entries(branchMap)) {
      const meta = br as { line?: number; loc?: Location; locations?: unknown[] };
      const line = meta.loc?.start?.line ?? meta.line ?? 0;
      const counts = bHits[id];
      const n = Array.isArray(counts) ? counts.length : (meta.locations?.length ?? 0);
      for (let i = 0; i < n; i++) {
        const taken = Array.isArray(counts) ? countAt(counts[i] ?? 0, display, where(`b[${id}][${i}]`)) : 0;
        addBranch(f, line, `${id}:${i}`, taken);
      }
    }
  }
  return { data, roots: [] };
}
