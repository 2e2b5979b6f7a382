/**
 * The dependency model every lockfile parser produces and every advisory source consumes: one
 * installed package per (ecosystem, name, version), with how it got there.
 */
export const ECOSYSTEMS = ['npm', 'PyPI'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export interface InstalledPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  /** Named by the project itself (package.json, pyproject, requirements.in), not pulled in by another package. */
  direct: boolean;
  /** Reachable only from development dependencies. */
  dev: boolean;
  /** Chains from a direct dependency down to this package (`['express', 'body-parser', 'qs']`), shortest first. */
  paths: string[][];
  /** SPDX expression or free text, when the lockfile or installed metadata says. */
  license?: string;
}

export interface Inventory {
  /** The lockfile, relative to the audited directory. */
  file: string;
  /** Which parser read it (`npm-lock-v3`, `yarn-berry`, `poetry`, …). */
  format: string;
  ecosystem: Ecosystem;
  packages: InstalledPackage[];
  /** Things the parser skipped and why (unpinned requirements, git sources). */
  notes: string[];
}

export function packageKey(p: { ecosystem: string; name: string; version: string }): string {
  return `${p.ecosystem}:${p.name}@${p.version}`;
}

export function formatPath(path: string[]): string {
  return path.join(' > ');
}
