import { cpSync, existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../coverage/git.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';
import { fixtureCopy } from '../helpers/fixtures.ts';

const FIX = fixtureCopy('coverage');

/** A copy of the small JS project the fixtures were produced from, with its reports beside it. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-cov-cli-'));
  cpSync(join(FIX, 'js-project'), dir, { recursive: true });
  cpSync(join(FIX, 'c8'), join(dir, 'c8'), { recursive: true });
  return dir;
}

const NODE_LCOV = [
  'node',
  '--test',
  '--experimental-test-coverage',
  '--test-reporter=lcov',
  '--test-reporter-destination=lcov.info',
  'test/**/*.test.js',
];

describe('shipgate coverage', () => {
  it('gates a report, writes a valid envelope, HTML and badge, and records the run', async () => {
    const dir = project();
    const store = join(dir, 's.db');
    const r = await runCli(
      [
        'coverage',
        'c8/lcov.info',
        '--json',
        'cov.json',
        '--html',
        'html',
        '--badge',
        'badge.svg',
        '--store',
        store,
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(
      /^FAIL {2}Coverage\nlines 62\.06% \(18\/29\), branches 70\.00% — failed: lines, branches/,
    );
    const envelope = JSON.parse(readFileSync(join(dir, 'cov.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope).toMatchObject({
      schema: 'shipgate/coverage@1',
      kind: 'coverage',
      verdict: 'fail',
      totals: {
        lines: { covered: 18, total: 29, pct: 62.06 },
        branches: { covered: 7, total: 10, pct: 70 },
        functions: { covered: 3, total: 6, pct: 50 },
      },
      unmatchedPaths: [],
      runId: 1,
    });
    expect(envelope.files.map((f: { path: string }) => f.path)).toEqual(['src/math.js', 'src/strings.js']);
    expect(existsSync(join(dir, 'html', 'index.html'))).toBe(true);
    expect(readFileSync(join(dir, 'badge.svg'), 'utf8')).toContain('62.0%');
    const history = await runCli(['history', '--store', store, '--kind', 'coverage', '--format', 'json']);
    expect(JSON.parse(history.stdout).runs[0]).toMatchObject({
      figures: { coverage_lines: 62.069, coverage_branches: 70, lines_covered: 18, lines_total: 29 },
      labels: { producer: 'lcov' },
    });
  });

  it('passes with a warning between minimum and target; JSON on stdout validates', async () => {
    const dir = project();
    const r = await runCli(
      ['coverage', 'c8/coverage-final.json', '--min', '50', '--format', 'json', '--store', join(dir, 's.db')],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const envelope = JSON.parse(r.stdout);
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.verdict).toBe('warn');
    expect(envelope.summary).toMatch(/below the 90% target/);
  });

  it('finds the usual report when none is named, and says so when there is none', async () => {
    const dir = project();
    const none = await runCli(['coverage', '--store', join(dir, 's.db')], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no coverage report given and none found/);
    cpSync(join(dir, 'c8', 'lcov.info'), join(dir, 'coverage', 'lcov.info'), { recursive: true });
    const found = await runCli(['coverage', '--min', '60', '--store', join(dir, 's.db')], { cwd: dir });
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain('coverage/lcov.info (lcov)');
  });

  it('bad input exits 2 with file:line and no stack trace', async () => {
    const dir = project();
    writeFileSync(join(dir, 'cut.info'), 'SF:src/math.js\nDA:1,1\n');
    const r = await runCli(['coverage', 'cut.info', '--store', join(dir, 's.db')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut\.info:2: truncated: the section for src\/math\.js has no end_of_record/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const flag = await runCli(['coverage', 'c8/lcov.info', '--min', 'lots'], { cwd: dir });
    expect(flag.code).toBe(2);
  });

  it('--max-drop fails against the last run of the same branch, listing lost lines', async () => {
    const dir = project();
    git(dir, 'init', '-q', '-b', 'feature-x');
    git(dir, 'add', 'src');
    git(dir, 'commit', '-qm', 'start');
    const store = join(dir, 's.db');
    const better = join(dir, 'better.info');
    // the earlier run: every line of math.js covered
    writeFileSync(
      better,
      readFileSync(join(dir, 'c8', 'lcov.info'), 'utf8').replace(/DA:(\d+),0/g, (_, n, offset, all) =>
        all.lastIndexOf('SF:', offset).valueOf() === all.indexOf('SF:') ? `DA:${n},1` : `DA:${n},0`,
      ),
    );
    const first = await runCli(['coverage', 'better.info', '--min', '0', '--store', store], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli(
      ['coverage', 'c8/lcov.info', '--min', '0', '--max-drop', '1', '--store', store, '--format', 'markdown'],
      { cwd: dir },
    );
    expect(second.code, second.stderr).toBe(1);
    expect(second.stdout).toContain('| drop since last run | FAIL |');
    expect(second.stdout).toContain('### Coverage lost on unchanged lines');
    expect(second.stdout).toContain('| src/math.js | 5-6, 11-13 |');
  });

  it('--diff gates changed lines and emits GitHub annotations', async () => {
    const dir = project();
    git(dir, 'init', '-q', '-b', 'main');
    const math = readFileSync(join(dir, 'src', 'math.js'), 'utf8').split('\n');
    writeFileSync(join(dir, 'src', 'math.js'), [...math.slice(0, 4), ...math.slice(7)].join('\n'));
    git(dir, 'add', 'src');
    git(dir, 'commit', '-qm', 'base');
    const onMain = await runCli(['coverage', 'c8/lcov.info', '--min', '0', '--store', join(dir, 's.db')], {
      cwd: dir,
    });
    expect(onMain.code, onMain.stderr).toBe(0);
    git(dir, 'checkout', '-qb', 'topic');
    writeFileSync(join(dir, 'src', 'math.js'), math.join('\n'));
    const summary = join(dir, 'summary.md');
    const r = await runCli(
      [
        'coverage',
        'c8/lcov.info',
        '--min',
        '0',
        '--diff',
        'main',
        '--diff-min',
        '80',
        '--store',
        join(dir, 's.db'),
      ],
      { cwd: dir, env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } },
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain(
      '::warning file=src/math.js,line=5,title=Not covered by tests::Changed lines 5-6 are not covered by tests',
    );
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toContain('| diff lines | FAIL | 33.33% (1/3 changed lines) against 80% |');
    expect(markdown).toContain('| lines | 18 | 29 | 62.06% | +0.00 pts vs main (run 1) |');
  });

  it('coverage run: runs the tests, reads the lcov they wrote, and reports a test failure', async () => {
    const dir = project();
    const ok = await runCli(
      [
        'coverage',
        'run',
        '--min',
        '60',
        '--report',
        'lcov.info',
        '--json',
        'r.json',
        '--store',
        join(dir, 's.db'),
        '--',
        ...NODE_LCOV,
      ],
      {
        cwd: dir,
      },
    );
    expect(ok.code, ok.stderr).toBe(0);
    const envelope = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.tests).toMatchObject({ command: NODE_LCOV, exitCode: 0 });
    expect(envelope.totals.lines).toMatchObject({ covered: 18, total: 29 });
    expect(ok.stdout).not.toContain('# tests'); // the runner's output went to stderr

    writeFileSync(
      join(dir, 'test', 'broken.test.js'),
      "import { test } from 'node:test';\ntest('x', () => { throw new Error('no'); });\n",
    );
    const failed = await runCli(
      [
        'coverage',
        'run',
        '--min',
        '0',
        '--report',
        'lcov.info',
        '--store',
        join(dir, 's.db'),
        '--',
        ...NODE_LCOV,
      ],
      {
        cwd: dir,
      },
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/tests failed \(exit 1\)/);
  });

  it('coverage run: a report the run did not write is inconclusive, not stale data', async () => {
    const dir = project();
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(join(dir, 'c8', 'lcov.info'), hourAgo, hourAgo);
    const r = await runCli(
      ['coverage', 'run', '--report', 'c8/lcov.info', '--store', join(dir, 's.db'), '--', 'node', '-e', '0'],
      {
        cwd: dir,
      },
    );
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/no coverage report: c8\/lcov\.info was not written by this run/);
  });

  it('coverage run: one quoted argument is a shell command line', async () => {
    const dir = project();
    const r = await runCli(
      [
        'coverage',
        'run',
        '--report',
        'out.info',
        '--store',
        join(dir, 's.db'),
        '--',
        "printf 'SF:src/math.js\\nDA:1,1\\nend_of_record\\n' > out.info && echo wrote",
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}Coverage\nlines 100\.00% \(1\/1\)/);
    expect(r.stderr).toContain('wrote');
  });

  it('--help teaches with examples', async () => {
    const r = await runCli(['coverage', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('shipgate coverage run -- npx vitest run --coverage');
  });
});
