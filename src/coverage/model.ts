import { FileBranches, LineHits } from './lines.ts';

/**
 * The one coverage model every input format is read into: per file, hits per line, branch edges
 * per line, and functions. Each format adapter keys branches and functions the way its producer
 * identifies them, so merging shards adds hits to the same edge instead of double-counting it.
 */
export interface FunctionHits {
  name: string;
  line: number;
  hits: number;
}

export interface FileCoverage {
  /** Repository-relative path after mapping (forward slashes). */
  path: string;
  /** Line number → hits; only instrumented lines are present. */
  lines: LineHits;
  /** Branch edges by line and key, with times taken. */
  branches: FileBranches;
  /** Function key → hits. */
  functions: Map<string, FunctionHits>;
}

/** What one input report contributed and how far it could be trusted. */
export interface CoverageSource {
  file: string;
  format: string;
  /** False when the producer did not measure branches (coverage.py without --branch). */
  branchesMeasured: boolean;
  functionsMeasured: boolean;
}

export interface CoverageData {
  files: Map<string, FileCoverage>;
  sources: CoverageSource[];
}

export interface Ratio {
  covered: number;
  total: number;
}

export interface FileSummary {
  path: string;
  lines: Ratio;
  branches: Ratio;
  functions: Ratio;
  uncoveredLines: number[];
  /** Lines run at least once with at least one branch edge never taken. */
  partialLines: number[];
}

export interface CoverageSummary {
  lines: Ratio;
  branches: Ratio;
  functions: Ratio;
  branchesMeasured: boolean;
  functionsMeasured: boolean;
  files: FileSummary[];
}

export function emptyData(): CoverageData {
  return { files: new Map(), sources: [] };
}

export function fileIn(data: CoverageData, path: string): FileCoverage {
  let f = data.files.get(path);
  if (!f) {
    f = { path, lines: new LineHits(), branches: new FileBranches(), functions: new Map() };
    data.files.set(path, f);
  }
  return f;
}

export function addLine(f: FileCoverage, line: number, hits: number): void {
  f.lines.add(line, hits);
}

export function addBranch(f: FileCoverage, line: number, key: string, taken: number): void {
  f.branches.add(line, key, taken);
}

export function addFunction(f: FileCoverage, key: string, name: string, line: number, hits: number): void {
  const fn = f.functions.get(key);
  if (fn) {
    fn.hits += hits;
    if (!fn.line && line) fn.line = line;
  } else f.functions.set(key, { name, line, hits });
}

/**
 * Shards merge by path: the same line, edge or function in two reports adds its hits. The source
 * is consumed: a file only it has is moved over, not copied.
 */
export function mergeInto(target: CoverageData, source: CoverageData): void {
  target.sources.push(...source.sources);
  for (const [path, f] of source.files) {
    const t = target.files.get(path);
    if (!t) {
      target.files.set(path, f);
      continue;
    }
    for (const [line, hits] of f.lines) addLine(t, line, hits);
    for (const [line, key, n] of f.branches.entries()) addBranch(t, line, key, n);
    for (const [key, fn] of f.functions) addFunction(t, key, fn.name, fn.line, fn.hits);
  }
}

export function summarizeFile(f: FileCoverage): FileSummary {
  const uncoveredLines: number[] = [];
  let linesCovered = 0;
  for (const [line, hits] of f.lines) {
    if (hits > 0) linesCovered++;
    else uncoveredLines.push(line);
  }
  const partialLines: number[] = [];
  let branchesCovered = 0;
  let branchesTotal = 0;
  for (const [line, b] of f.branches.byLine()) {
    branchesCovered += b.taken;
    branchesTotal += b.total;
    if (b.taken < b.total && (f.lines.get(line) ?? 0) > 0) partialLines.push(line);
  }
  let functionsCovered = 0;
  for (const fn of f.functions.values()) if (fn.hits > 0) functionsCovered++;
  return {
    path: f.path,
    lines: { covered: linesCovered, total: f.lines.size },
    branches: { covered: branchesCovered, total: branchesTotal },
    functions: { covered: functionsCovered, total: f.functions.size },
    uncoveredLines,
    partialLines: partialLines.sort((a, b) => a - b),
  };
}

export function summarize(data: CoverageData): CoverageSummary {
  const files = [...data.files.values()].map(summarizeFile).sort((a, b) => a.path.localeCompare(b.path));
  const sum = (pick: (f: FileSummary) => Ratio): Ratio => {
    const r = { covered: 0, total: 0 };
    for (const f of files) {
      r.covered += pick(f).covered;
      r.total += pick(f).total;
    }
    return r;
  };
  return {
    lines: sum((f) => f.lines),
    branches: sum((f) => f.branches),
    functions: sum((f) => f.functions),
    branchesMeasured: data.sources.some((s) => s.branchesMeasured),
    functionsMeasured: data.sources.some((s) => s.functionsMeasured),
    files,
  };
}

/**
 * The percentage shown: floored to two decimals (Istanbul's and Codecov's rule), so 79.996 % shows
 * as 79.99 % and 100 % only when nothing is missed. `null` when there is nothing to measure.
 */
export function percent(r: Ratio): number | null {
  if (r.total === 0) return null;
  return Math.floor((r.covered * 10_000) / r.total) / 100;
}

/** Gates compare exact rationals, never a rounded figure: covered/total ≥ min/100. */
export function meets(r: Ratio, minPercent: number): boolean {
  return r.covered * 100 >= minPercent * r.total;
}

/** Percentage points from `before` to `now`, on exact fractions (positive = better). */
export function pointsBetween(now: Ratio, before: Ratio): number {
  return (now.covered / now.total - before.covered / before.total) * 100;
}

export function formatRatioPercent(r: Ratio): string {
  const p = percent(r);
  return p === null ? 'n/a' : `${p.toFixed(2)}%`;
}
