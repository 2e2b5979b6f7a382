import { execFileSync } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { UserError } from '../core/errors.ts';
import { parseLockfile } from './ecosystems/index.ts';
import type { Inventory } from './model.ts';

/**
 * `--new-only --base REF`: the same lockfile as it was at REF, read with `git show REF:./file`
 * (no checkout, no working-tree change). A lockfile that did not exist at REF is an empty base —
 * everything in it is new.
 */
export function inventoryAtRef(
  ref: string,
  lockfile: string,
  display: string,
  cwd: string,
): Inventory | undefined {
  if (!/^[\w./@^~{}-]+$/.test(ref) || ref.startsWith('-')) {
    throw new UserError(`'${ref}' is not a git revision`, {
      hint: 'e.g. --base origin/main or --base HEAD~1',
    });
  }
  const abs = resolve(cwd, lockfile);
  const folder = dirname(abs);
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: folder,
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new UserError(`git revision '${ref}' not found`, {
      hint: 'fetch it first (actions/checkout with fetch-depth: 0)',
    });
  }
  let text: string;
  try {
    text = git(['show', `${ref}:./${basename(abs)}`]);
  } catch {
    return undefined;
  }
  return parseLockfile(abs, text, folder, `${display}@${ref}`);
}
