import { execFileSync } from 'node:child_process';
import { UserError } from '../core/errors.ts';

/**
 * The lines added or changed since the merge base with a base ref (`git diff BASE...`, what a PR
 * shows, plus uncommitted work since coverage was measured on the working tree). Paths are
 * relative to `cwd`, the same root report paths are mapped onto.
 */
export type ChangedLines =
  | { ok: true; base: string; mergeBase: string; files: Map<string, Set<number>> }
  /** The base is not in this clone's history (a shallow CI checkout): the diff cannot be judged. */
  | { ok: false; base: string; reason: string };

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'core.quotePath=false', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 512 * 1024 * 1024,
    timeout: 60_000,
  }).toString('utf8');
}

function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return git(cwd, args).trim();
  } catch {
    return undefined;
  }
}

export function changedLinesSince(base: string, cwd: string): ChangedLines {
  if (tryGit(cwd, ['rev-parse', '--is-inside-work-tree']) !== 'true') {
    throw new UserError(`--diff ${base}: ${cwd} is not inside a git repository`);
  }
  const mergeBase = tryGit(cwd, ['merge-base', base, 'HEAD']);
  if (!mergeBase) {
    const shallow = tryGit(cwd, ['rev-parse', '--is-shallow-repository']) === 'true';
    const known = tryGit(cwd, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
    if (shallow || known) {
      return {
        ok: false,
        base,
        reason: shallow
          ? `no merge base with ${base}: this is a shallow clone (fetch the history, e.g. actions/checkout with fetch-depth: 0)`
          : `${base} and HEAD share no history`,
      };
    }
    throw new UserError(`--diff ${base}: no such branch, tag or commit`, {
      hint: 'in CI, fetch it first: git fetch origin main',
    });
  }
  const text = git(cwd, [
    'diff',
    '--unified=0',
    '--no-color',
    '--no-ext-diff',
    '--find-renames',
    '--relative',
    mergeBase,
  ]);
  return { ok: true, base, mergeBase, files: parseUnifiedDiff(text) };
}

/**
 * The new-side line numbers of every hunk of a unified diff, by new path. Deleted files and
 * binary files contribute nothing; renames count under the new name.
 */
export function parseUnifiedDiff(text: string): Map<string, Set<number>> {
  const files = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith('diff --git ')) {
      current = undefined;
    } else if (line.startsWith('+++ ')) {
      const target = line.slice(4);
      if (target === '/dev/null') {
        current = undefined;
        continue;
      }
      const path = unquote(target).replace(/^b\//, '');
      current = files.get(path) ?? new Set();
      files.set(path, current);
    } else if (line.startsWith('@@') && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let i = 0; i < count; i++) current.add(start + i);
    }
  }
  return files;
}

/** git's C-style quoting of unusual paths: `"b/caf\303\251.ts"` → `b/café.ts`. */
export function unquote(path: string): string {
  if (!path.startsWith('"') || !path.endsWith('"')) return path.replace(/\t$/, '');
  const bytes: number[] = [];
  const body = path.slice(1, -1);
  const escapes: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
