import { UserError } from '../../core/errors.ts';
import { addBranch, addLine, type CoverageData, emptyData, fileIn } from '../model.ts';
import type { CoverageFormat, ParsedReport } from './format.ts';
import { isRecord, readJsonReport } from './json.ts';

/**
 * coverage.py's JSON report (`coverage json`, `pytest --cov-report=json`), formats 1 to 3.
 * Statements are executed ∪ missing lines; branches are the executed and missing arcs, keyed by
 * their source line. coverage.py has no per-function hit counts, so functions are not measured.
 */
export const coveragePyFormat: CoverageFormat = {
  id: 'coveragepy',
  label: 'coverage.py JSON',
  sniff: (head) => /^\s*\{\s*"meta"\s*:/.test(head) || (/^\s*\{/.test(head) && /"executed_lines"/.test(head)),
  read: readCoveragePy,
};

function lineList(v: unknown, display: string, where: string): number[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((n) => typeof n !== 'number')) {
    throw new UserError(`${where} is not a list of line numbers`, { file: display });
  }
  return v as number[];
}

function arcList(v: unknown, display: string, where: string): Array<[number, number]> {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((a) => !Array.isArray(a) || a.length !== 2)) {
    throw new UserError(`${where} is not a list of [from, to] arcs`, { file: display });
  }
  return v as Array<[number, number]>;
}

async function readCoveragePy(file: string, display: string): Promise<ParsedReport> {
  const doc = await readJsonReport(file, display);
  if (!isRecord(doc) || !isRecord(doc.files)) {
    throw new UserError('not a coverage.py JSON report (no "files")', { file: display });
  }
  const meta = isRecord(doc.meta) ? doc.meta : {};
  const data: CoverageData = emptyData();
  data.sources.push({
    file: display,
    format: 'coveragepy',
    branchesMeasured: meta.branch_coverage === true,
    functionsMeasured: false,
  });
  for (const [path, fd] of Object.entries(doc.files)) {
    if (!isRecord(fd)) throw new UserError(`files["${path}"] is not an object`, { file: display });
    const f = fileIn(data, path);
    // executed_lines can include excluded lines that ran (a `# pragma: no cover` def) and line 0
    // (an empty module ran): neither is a statement, and coverage.py's own totals leave them out.
    const excluded = new Set(lineList(fd.excluded_lines, display, `files["${path}"].excluded_lines`));
    for (const n of lineList(fd.executed_lines, display, `files["${path}"].executed_lines`)) {
      if (n > 0 && !excluded.has(n)) addLine(f, n, 1);
    }
    for (const n of lineList(fd.missing_lines, display, `files["${path}"].missing_lines`)) addLine(f, n, 0);
    for (const [from, to] of arcList(fd.executed_branches, display, `files["${path}"].executed_branches`)) {
      addBranch(f, from, `${to}`, 1);
    }
    for (const [from, to] of arcList(fd.missing_branches, display, `files["${path}"].missing_branches`)) {
      addBranch(f, from, `${to}`, 0);
    }
  }
  return { data, roots: [] };
}
