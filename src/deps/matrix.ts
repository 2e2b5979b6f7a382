import { createRequire } from 'node:module';
import semver from 'semver';
import { parseSpecifier } from './pep440.ts';

/**
 * The runtime versions a CI matrix should test: every release line that is out, not past its end
 * of life on the given date, and allowed by the project's own constraint (`engines.node`,
 * `requires-python`). Release dates come from data, never from this file: Node's schedule from the
 * `node-releases` package (the data Browserslist and others ship, refreshed with each Node
 * release); Python's from an endoflife.date-format file the user supplies, because no maintained
 * package on npm carries Python's schedule.
 */
export interface ReleaseLine {
  version: string;
  start: string;
  end: string;
  lts?: string;
  /** The newest release of the line known to the data, to test the constraint against. */
  latest?: string;
}

export interface RuntimeMatrix {
  constraint?: string;
  schedule: string;
  versions: string[];
  excluded: Array<{ version: string; reason: string }>;
  warnings: string[];
}

const require = createRequire(import.meta.url);

/** Node release lines from node-releases' schedule, with the newest known release of each. */
export function nodeReleaseLines(): { lines: ReleaseLine[]; source: string } {
  const schedule = require('node-releases/data/release-schedule/release-schedule.json') as Record<
    string,
    { start: string; end: string; lts?: string }
  >;
  const envs = require('node-releases/data/processed/envs.json') as Array<{ version: string }>;
  const pkg = require('node-releases/package.json') as { version: string };
  const newest = new Map<string, string>();
  for (const e of envs) {
    const major = String(semver.major(e.version));
    const seen = newest.get(major);
    if (!semver.prerelease(e.version) && (!seen || semver.gt(e.version, seen))) newest.set(major, e.version);
  }
  const lines = Object.entries(schedule)
    .filter(([v]) => /^v\d+$/.test(v))
    .map(([v, s]) => {
      const version = v.slice(1);
      const latest = newest.get(version);
      return {
        version,
        start: s.start,
        end: s.end,
        ...(s.lts ? { lts: s.lts } : {}),
        ...(latest ? { latest } : {}),
      };
    });
  return { lines, source: `node-releases ${pkg.version}` };
}

/** Python release lines from endoflife.date's `/api/python.json` format: `[{cycle, releaseDate, eol, latest}]`. */
export function pythonReleaseLines(data: unknown): ReleaseLine[] | undefined {
  if (!Array.isArray(data)) return undefined;
  const lines: ReleaseLine[] = [];
  for (const c of data) {
    if (typeof c !== 'object' || c === null) return undefined;
    const { cycle, releaseDate, eol, latest } = c as Record<string, unknown>;
    if (typeof cycle !== 'string' || typeof releaseDate !== 'string' || typeof eol !== 'string')
      return undefined;
    lines.push({
      version: cycle,
      start: releaseDate,
      end: eol,
      ...(typeof latest === 'string' ? { latest } : {}),
    });
  }
  return lines;
}

function byVersion(a: ReleaseLine, b: ReleaseLine): number {
  const [x, y] = [a.version.split('.').map(Number), b.version.split('.').map(Number)];
  return (x[0] ?? 0) - (y[0] ?? 0) || (x[1] ?? 0) - (y[1] ?? 0);
}

/** Chooses lines: released by `date`, not past end of life, accepted by `accepts`. */
export function chooseLines(
  lines: ReleaseLine[],
  date: string,
  schedule: string,
  constraint: string | undefined,
  accepts: (line: ReleaseLine) => boolean,
): RuntimeMatrix {
  const versions: string[] = [];
  const excluded: RuntimeMatrix['excluded'] = [];
  const warnings: string[] = [];
  const hasLts = lines.some((l) => l.lts !== undefined);
  for (const line of [...lines].sort(byVersion)) {
    if (line.start > date) continue;
    const allowed = accepts(line);
    if (line.end <= date) {
      // Worth a word: an end-of-life line the project still claims to support. Node's short-lived
      // odd (non-LTS) lines are left out — nobody pins production to them.
      if (allowed && constraint && (line.lts !== undefined || !hasLts)) {
        excluded.push({ version: line.version, reason: `end of life since ${line.end}` });
        warnings.push(`${constraint} still allows ${line.version}, which reached end of life on ${line.end}`);
      }
      continue;
    }
    if (!allowed) {
      excluded.push({ version: line.version, reason: `not allowed by ${constraint}` });
      continue;
    }
    versions.push(line.version);
  }
  return { ...(constraint ? { constraint } : {}), schedule, versions, excluded, warnings };
}

export function nodeMatrix(engines: string | undefined, date: string): RuntimeMatrix {
  const { lines, source } = nodeReleaseLines();
  if (engines && !semver.validRange(engines)) {
    return {
      constraint: engines,
      schedule: source,
      versions: [],
      excluded: [],
      warnings: [`engines.node "${engines}" is not a semver range`],
    };
  }
  return chooseLines(lines, date, source, engines, (line) =>
    engines ? semver.satisfies(line.latest ?? `${line.version}.0.0`, engines) : true,
  );
}

/** Poetry writes `python = "^3.10"`; PEP 440 has no caret, so it becomes `>=3.10,<4`. */
export function pythonConstraint(text: string): string {
  const t = text.trim();
  const caret = /^\^(\d+)(?:\.(\d+))?/.exec(t);
  if (caret) return `>=${caret[1]}.${caret[2] ?? 0},<${Number(caret[1]) + 1}`;
  const tilde = /^~(\d+)\.(\d+)$/.exec(t);
  if (tilde) return `>=${tilde[1]}.${tilde[2]},<${tilde[1]}.${Number(tilde[2]) + 1}`;
  return t;
}

export function pythonMatrix(
  requires: string | undefined,
  lines: ReleaseLine[],
  date: string,
  source: string,
): RuntimeMatrix {
  const constraint = requires ? pythonConstraint(requires) : undefined;
  const spec = constraint ? parseSpecifier(constraint) : undefined;
  if (constraint && !spec) {
    return {
      constraint,
      schedule: source,
      versions: [],
      excluded: [],
      warnings: [`requires-python "${requires}" is not a PEP 440 specifier`],
    };
  }
  return chooseLines(
    lines,
    date,
    source,
    constraint,
    (line) => !spec || spec.test(line.latest ?? line.version),
  );
}
