import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import { detectFormat } from './formats/index.ts';
import { type CoverageData, emptyData, mergeInto } from './model.ts';
import type { PathMapper } from './paths.ts';

/** What reading a set of reports gave: one merged model, and the report paths that matched nothing here. */
export interface ReadCoverage {
  data: CoverageData;
  /** Report paths (as written) with no such file under the root. */
  unmatched: string[];
}

/**
 * Reads every report (each in its own format, detected by content), maps its paths onto the
 * repository, and merges them: shards of one test run become one model.
 */
export async function readCoverage(files: string[], cwd: string, mapper: PathMapper): Promise<ReadCoverage> {
  const total = emptyData();
  const unmatched = new Set<string>();
  for (const file of files) {
    const abs = resolve(cwd, file);
    const display = isAbsolute(file) ? file : relative(cwd, abs) || file;
    const format = await detectFormat(abs, display);
    const { data, roots } = await format.read(abs, display);
    const mapped = emptyData();
    mapped.sources = data.sources;
    for (const [raw, f] of data.files) {
      const m = mapper.map(raw, roots);
      if (!m.found) unmatched.add(raw);
      const single = emptyData();
      f.path = m.path;
      single.files.set(m.path, f);
      mergeInto(mapped, single);
    }
    mergeInto(total, mapped);
  }
  return { data: total, unmatched: [...unmatched].sort() };
}

/** Where the usual tools write their reports, in the order shipgate looks. */
export const USUAL_REPORTS = [
  'coverage/lcov.info',
  'coverage/coverage-final.json',
  'coverage/cobertura-coverage.xml',
  'lcov.info',
  'coverage.xml',
  'coverage.json',
  'coverage/coverage.xml',
  'coverage/coverage.json',
];

/**
 * The report to read when none is named: the first of the usual paths that exists. Only one,
 * because a tool that writes several formats writes the same data in each.
 */
export function findUsualReport(cwd: string): string {
  const found = USUAL_REPORTS.find((p) => existsSync(resolve(cwd, p)));
  if (!found) {
    throw new UserError('no coverage report given and none found', {
      hint: `looked for ${USUAL_REPORTS.join(', ')}; name the report: shipgate coverage coverage/lcov.info`,
    });
  }
  return found;
}
