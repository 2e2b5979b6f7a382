import { parseJson, parseYaml } from '../../config/source.ts';
import { UserError } from '../../core/errors.ts';
import type { Ecosystem, InstalledPackage } from '../model.ts';

/**
 * One lockfile format: which files it reads and how. The inventory iterates the table in
 * ./index.ts; a new format is one module here and one row there.
 */
export interface LockfileInput {
  /** The file as the user should see it in messages (relative to the audited directory). */
  file: string;
  text: string;
  /** Reads a file next to the lockfile (package.json, pyproject.toml), or undefined when absent. */
  sibling(name: string): string | undefined;
}

export interface LockfileFormat {
  id: string;
  ecosystem: Ecosystem;
  /** Whether this format reads a file of this name with this content (yarn.lock is classic or Berry). */
  matches(fileName: string, text: string): boolean;
  parse(input: LockfileInput): { packages: InstalledPackage[]; notes: string[]; format?: string };
}

/** JSON.parse for speed on big lockfiles; the positional parser only to explain a failure. */
export function readJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    parseJson(text.replace(/^\uFEFF/, ''), file);
    throw new UserError('malformed JSON', { file });
  }
}

export function readYaml(text: string, file: string): unknown {
  return parseYaml(text, file).data;
}

export function malformed(file: string, what: string, line?: number): UserError {
  return new UserError(`not a valid ${what}`, {
    file,
    ...(line ? { line } : {}),
    hint: 'regenerate it with the package manager, or point --path at another directory',
  });
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The dependency names a package.json / lockfile entry lists in one of its dependency maps. */
export function depNames(entry: unknown, field: string): string[] {
  const map = isObject(entry) ? entry[field] : undefined;
  return isObject(map) ? Object.keys(map) : [];
}

/** The project's own direct dependencies from a package.json next to the lockfile. */
export function manifestDirect(input: LockfileInput): { prod: string[]; dev: string[] } | undefined {
  const text = input.sibling('package.json');
  if (text === undefined) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return undefined;
  }
  return {
    prod: [
      ...depNames(manifest, 'dependencies'),
      ...depNames(manifest, 'optionalDependencies'),
      ...depNames(manifest, 'peerDependencies'),
    ],
    dev: depNames(manifest, 'devDependencies'),
  };
}
