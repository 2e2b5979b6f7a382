import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileError, UserError } from '../../core/errors.ts';
import type { Inventory } from '../model.ts';
import type { LockfileFormat, LockfileInput } from './format.ts';
import { npmLockfile } from './npm.ts';
import { pnpmLockfile } from './pnpm.ts';
import { pipfileLockfile, poetryLockfile, requirementsLockfile, uvLockfile } from './python.ts';
import { yarnBerryLockfile, yarnClassicLockfile } from './yarn.ts';

/** Every lockfile format shipgate reads. A new format is one module and one row. */
export const LOCKFILE_FORMATS: readonly LockfileFormat[] = [
  npmLockfile,
  yarnClassicLockfile,
  yarnBerryLockfile,
  pnpmLockfile,
  requirementsLockfile,
  poetryLockfile,
  uvLockfile,
  pipfileLockfile,
];

/** Lockfiles beyond this are refused rather than read into memory. */
const MAX_LOCKFILE_BYTES = 256 * 1024 * 1024;

function formatFor(name: string, text: string): LockfileFormat | undefined {
  return LOCKFILE_FORMATS.find((f) => f.matches(name, text));
}

/** Reads files next to a lockfile, never outside its folder (a `-r ../../x` include is refused). */
function siblingReader(folder: string): LockfileInput['sibling'] {
  const root = resolve(folder);
  return (name) => {
    const target = resolve(root, name);
    if (target !== root && !target.startsWith(root + sep)) return undefined;
    try {
      return readFileSync(target, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** Parses one lockfile given its text (also used for the base revision read from git). */
export function parseLockfile(
  file: string,
  text: string,
  folder: string,
  display = file,
): Inventory | undefined {
  const format = formatFor(basename(file), text);
  if (!format) return undefined;
  const parsed = format.parse({ file: display, text, sibling: siblingReader(folder) });
  return {
    file: display,
    format: parsed.format ?? format.id,
    ecosystem: format.ecosystem,
    packages: parsed.packages,
    notes: parsed.notes,
  };
}

function readLockfile(path: string, display: string): string {
  try {
    const size = statSync(path).size;
    if (size > MAX_LOCKFILE_BYTES)
      throw new UserError(`lockfile is ${size} bytes, over the 256 MiB limit`, { file: display });
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw fileError(display, e);
  }
}

/** The lockfiles in a directory (not its subfolders) or the one file named, as `relative` names. */
export function findLockfiles(path: string, cwd: string): string[] {
  const abs = resolve(cwd, path);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(abs);
  } catch (e) {
    throw fileError(path, e);
  }
  if (stat.isFile()) return [abs];
  return readdirSync(abs)
    .filter((name) =>
      LOCKFILE_FORMATS.some((f) => f.matches(name, name === 'yarn.lock' ? readHead(join(abs, name)) : '')),
    )
    .sort()
    .map((name) => join(abs, name));
}

function readHead(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(0, 4096);
  } catch {
    return '';
  }
}

/** Finds and parses every lockfile under `path`; a malformed one is an input error naming the file. */
export function takeInventory(path: string, cwd: string): Inventory[] {
  const files = findLockfiles(path, cwd);
  const base = resolve(cwd);
  const out: Inventory[] = [];
  for (const file of files) {
    const display = relative(base, file) || basename(file);
    const text = readLockfile(file, display);
    const inventory = parseLockfile(file, text, dirname(file), display);
    if (!inventory)
      throw new UserError('not a lockfile shipgate reads', { file: display, hint: lockfileHint() });
    out.push(inventory);
  }
  if (out.length === 0) {
    throw new UserError(`no lockfile found in ${path}`, { hint: lockfileHint() });
  }
  return out;
}

export function lockfileHint(): string {
  return 'expected package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, requirements*.txt, poetry.lock, uv.lock or Pipfile.lock';
}
