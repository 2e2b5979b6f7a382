import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedLinesSince, parseUnifiedDiff, unquote } from '../../src/coverage/diff.ts';
import { git } from './git.ts';

describe('unified diff parsing', () => {
  it('collects new-side lines, follows renames, skips deletions and binaries', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1..2 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3,0 +4,2 @@ function f() {',
      '+  one',
      '+  two',
      '@@ -10 +12 @@',
      '-old',
      '+new',
      '@@ -20,3 +21,0 @@',
      'diff --git a/old.ts b/new.ts',
      'similarity index 90%',
      'rename from old.ts',
      'rename to new.ts',
      '--- a/old.ts',
      '+++ b/new.ts',
      '@@ -1 +1 @@',
      '-x',
      '+y',
      '\\ No newline at end of file',
      'diff --git a/gone.ts b/gone.ts',
      'deleted file mode 100644',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      'diff --git a/logo.png b/logo.png',
      'Binary files a/logo.png and b/logo.png differ',
      'diff --git "a/caf\\303\\251 menu.ts" "b/caf\\303\\251 menu.ts"',
      '--- "a/caf\\303\\251 menu.ts"',
      '+++ "b/caf\\303\\251 menu.ts"',
      '@@ -0,0 +1,1 @@',
      '+hi',
    ].join('\r\n');
    const files = parseUnifiedDiff(diff);
    expect([...files.keys()]).toEqual(['src/a.ts', 'new.ts', 'café menu.ts']);
    expect([...(files.get('src/a.ts') ?? [])]).toEqual([4, 5, 12]);
    expect([...(files.get('new.ts') ?? [])]).toEqual([1]);
  });

  it('unquotes git’s C-style paths', () => {
    expect(unquote('"b/tab\\there \\"q\\""')).toBe('b/tab\there "q"');
    expect(unquote('b/plain.ts')).toBe('b/plain.ts');
  });
});

describe('changed lines since a base ref (real git)', () => {
  it('diffs against the merge base, including uncommitted work', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipgate-cov-git-'));
    git(dir, 'init', '-q', '-b', 'main');
    writeFileSync(join(dir, 'a.ts'), 'one\ntwo\nthree\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'base');
    git(dir, 'checkout', '-qb', 'feature');
    writeFileSync(join(dir, 'a.ts'), 'one\nTWO\nthree\nfour\n');
    git(dir, 'commit', '-qam', 'change');
    git(dir, 'checkout', '-q', 'main');
    writeFileSync(join(dir, 'b.ts'), 'main moved on\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'main work');
    git(dir, 'checkout', '-q', 'feature');
    writeFileSync(join(dir, 'a.ts'), 'zero\none\nTWO\nthree\nfour\n');

    const r = changedLinesSince('main', dir);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // b.ts changed on main after the fork: not part of this branch's diff
    expect([...r.files.keys()]).toEqual(['a.ts']);
    expect([...(r.files.get('a.ts') ?? [])].sort((a, b) => a - b)).toEqual([1, 3, 5]);
    expect(r.mergeBase).toBe(git(dir, 'merge-base', 'main', 'HEAD').trim());
  });

  it('an unknown ref is a usage error; a shallow clone without the base is inconclusive', () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipgate-cov-git-'));
    git(dir, 'init', '-q', '-b', 'main');
    for (const n of [1, 2, 3]) {
      writeFileSync(join(dir, 'a.ts'), `${n}\n`);
      git(dir, 'add', '.');
      git(dir, 'commit', '-qm', `c${n}`);
    }
    git(dir, 'tag', 'first', 'HEAD~2');
    expect(() => changedLinesSince('no-such-branch', dir)).toThrow(/no such branch, tag or commit/);

    const clone = mkdtempSync(join(tmpdir(), 'shipgate-cov-shallow-'));
    git(clone, 'clone', '-q', '--depth', '1', `file://${dir}`, 'c');
    const shallow = join(clone, 'c');
    git(shallow, 'fetch', '-q', '--depth', '1', 'origin', 'tag', 'first');
    const r = changedLinesSince('first', shallow);
    expect(r).toMatchObject({ ok: false, base: 'first' });
    if (!r.ok) expect(r.reason).toMatch(/shallow clone/);
  });
});
