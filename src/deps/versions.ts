import semver from 'semver';
import type { Ecosystem } from './model.ts';
import { comparePep440Text, normalizePyPIName, parsePep440 } from './pep440.ts';

/**
 * How each ecosystem names and orders versions: npm by semver, PyPI by PEP 440. OSV events are
 * evaluated in the ecosystem's own order, so this table is the one place that knows the difference.
 */
export interface VersionScheme {
  valid(version: string): boolean;
  compare(a: string, b: string): number;
  /** Whether moving from `from` to `to` crosses a breaking boundary (semver-major; 0.x minors count). */
  isMajorJump(from: string, to: string): boolean;
  normalizeName(name: string): string;
  /** How far `latest` is ahead of `installed`. */
  behind(installed: string, latest: string): 'major' | 'minor' | 'patch' | 'none';
}

function npmVersion(v: string): semver.SemVer | null {
  return semver.parse(v, { loose: true }) ?? semver.coerce(v);
}

const npmScheme: VersionScheme = {
  valid: (v) => npmVersion(v) !== null,
  compare(a, b) {
    // OSV writes the open lower bound as "0", which is not a semver version.
    const x = a === '0' ? new semver.SemVer('0.0.0-0') : npmVersion(a);
    const y = b === '0' ? new semver.SemVer('0.0.0-0') : npmVersion(b);
    if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
    return semver.compare(x, y);
  },
  isMajorJump(from, to) {
    const x = npmVersion(from);
    const y = npmVersion(to);
    if (!x || !y) return false;
    return x.major !== y.major || (x.major === 0 && x.minor !== y.minor);
  },
  normalizeName: (name) => name,
  behind(installed, latest) {
    const x = npmVersion(installed);
    const y = npmVersion(latest);
    if (!x || !y || semver.gte(x, y)) return 'none';
    if (x.major !== y.major) return 'major';
    return x.minor !== y.minor ? 'minor' : 'patch';
  },
};

const pypiScheme: VersionScheme = {
  valid: (v) => parsePep440(v) !== undefined,
  compare: comparePep440Text,
  isMajorJump(from, to) {
    const x = parsePep440(from);
    const y = parsePep440(to);
    return !!x && !!y && (x.epoch !== y.epoch || (x.release[0] ?? 0) !== (y.release[0] ?? 0));
  },
  normalizeName: normalizePyPIName,
  behind(installed, latest) {
    const x = parsePep440(installed);
    const y = parsePep440(latest);
    if (!x || !y || comparePep440Text(installed, latest) >= 0) return 'none';
    if ((x.release[0] ?? 0) !== (y.release[0] ?? 0)) return 'major';
    return (x.release[1] ?? 0) !== (y.release[1] ?? 0) ? 'minor' : 'patch';
  },
};

export const VERSION_SCHEMES: Record<Ecosystem, VersionScheme> = { npm: npmScheme, PyPI: pypiScheme };
