import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InstalledPackage } from './model.ts';

/**
 * Licence policy over SPDX expressions. An expression passes when the licence chosen under it can
 * be allowed: `MIT OR GPL-3.0-only` passes (take MIT), `MIT AND GPL-3.0-only` does not. Policies
 * are globs over SPDX ids (`GPL-*`). The seed flagged any string containing "GPL", LGPL included;
 * here the strong copyleft licences are denied and LGPL is a warning, which is what a service that
 * links but does not ship modified libraries usually wants — both lists are flags.
 */
export interface LicensePolicy {
  deny: string[];
  warn: string[];
  /** When non-empty, anything not matching it is denied. */
  allow: string[];
}

export const DEFAULT_LICENSE_POLICY: LicensePolicy = {
  deny: ['GPL-*', 'AGPL-*', 'SSPL-*'],
  warn: ['LGPL-*'],
  allow: [],
};

export type LicenseVerdict = 'allowed' | 'warned' | 'denied' | 'unknown';

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`, 'i');
}

function leafVerdict(id: string, policy: LicensePolicy): LicenseVerdict {
  // `GPL-2.0+` and `GPL-2.0 WITH Classpath-exception-2.0` are judged by their licence id.
  const bare = id.replace(/\+$/, '');
  if (policy.deny.some((p) => glob(p).test(bare))) return 'denied';
  if (policy.allow.length && !policy.allow.some((p) => glob(p).test(bare))) return 'denied';
  if (policy.warn.some((p) => glob(p).test(bare))) return 'warned';
  return 'allowed';
}

const RANK: Record<LicenseVerdict, number> = { allowed: 0, warned: 1, unknown: 2, denied: 3 };

/** Evaluates an SPDX expression: OR takes the best branch, AND the worst, parentheses group. */
export function judgeLicense(expression: string | undefined, policy: LicensePolicy): LicenseVerdict {
  if (!expression || /^(UNLICENSED|UNKNOWN|NOASSERTION|SEE LICENSE IN .*)$/i.test(expression.trim()))
    return 'unknown';
  const tokens = expression.replace(/[()]/g, ' $& ').trim().split(/\s+/);
  let i = 0;
  const primary = (): LicenseVerdict => {
    const t = tokens[i++];
    if (t === '(') {
      const v = orExpr();
      i++; // ')'
      return v;
    }
    if (t === undefined) return 'unknown';
    if (tokens[i]?.toUpperCase() === 'WITH') i += 2;
    return leafVerdict(t, policy);
  };
  const andExpr = (): LicenseVerdict => {
    let v = primary();
    while (tokens[i]?.toUpperCase() === 'AND') {
      i++;
      const w = primary();
      if (RANK[w] > RANK[v]) v = w;
    }
    return v;
  };
  const orExpr = (): LicenseVerdict => {
    let v = andExpr();
    while (tokens[i]?.toUpperCase() === 'OR') {
      i++;
      const w = andExpr();
      if (RANK[w] < RANK[v]) v = w;
    }
    return v;
  };
  return orExpr();
}

/** A licence string from installed metadata (`node_modules/<name>/package.json`), the old array form too. */
export function installedLicense(projectDir: string, name: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(projectDir, 'node_modules', name, 'package.json'), 'utf8'));
    if (typeof manifest.license === 'string') return manifest.license;
    if (typeof manifest.license?.type === 'string') return manifest.license.type;
    if (Array.isArray(manifest.licenses)) {
      const ids = manifest.licenses.map((l: { type?: string }) => l?.type).filter(Boolean);
      return ids.length ? ids.join(' OR ') : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export interface LicenseRow {
  package: string;
  version: string;
  license: string;
  verdict: LicenseVerdict;
  dev: boolean;
}

export function licenseReport(
  packages: InstalledPackage[],
  policy: LicensePolicy,
  lookup: (p: InstalledPackage) => string | undefined,
): LicenseRow[] {
  return packages.map((p) => {
    const license = p.license ?? lookup(p);
    return {
      package: p.name,
      version: p.version,
      license: license ?? 'unknown',
      verdict: judgeLicense(license, policy),
      dev: p.dev,
    };
  });
}
