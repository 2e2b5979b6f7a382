import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, validateEnvelope } from '../helpers/cli.ts';
import { fixtureCopy } from '../helpers/fixtures.ts';

const FIXTURES = fixtureCopy('junit');
const work = mkdtempSync(join(tmpdir(), 'shipgate-tests-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cli(args: string[], dir = work) {
  return runCli(args, { cwd: dir, env: { SHIPGATE_STORE: join(dir, 'store.db') } });
}

describe('shipgate tests', () => {
  it('record: a failing report exits 1 with a valid envelope, recorded with per-test rows', async () => {
    const json = join(work, 'vitest.json');
    const html = join(work, 'vitest.html');
    const r = await cli([
      'tests',
      'record',
      join(FIXTURES, 'vitest-4.1.12.xml'),
      '--json',
      json,
      '--html',
      html,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/7 tests: 3 passed, 2 failing/);
    const envelope = JSON.parse(readFileSync(json, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope).toMatchObject({ schema: 'shipgate/tests@1', kind: 'tests', verdict: 'fail' });
    expect(envelope.counts).toMatchObject({ total: 7, passed: 3, failed: 2, skipped: 2, executed: 5 });
    expect(envelope.tests).toHaveLength(7);
    expect(typeof envelope.runId).toBe('number');
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>[\s\S]*Failures by cause/i);
    const history = await cli(['history', '--kind', 'tests', '--format', 'json']);
    expect(JSON.parse(history.stdout).runs[0].figures).toMatchObject({ total: 7, executed: 5, failed: 2 });
  });

  it('quarantine turns a failure into a warning until it expires; expired entries fail', async () => {
    const dir = mkdtempSync(join(work, 'q-'));
    const report = join(dir, 'r.xml');
    writeFileSync(
      report,
      '<testsuites><testsuite name="s"><testcase classname="s" name="ok"/><testcase classname="s" name="racy"><failure message="timeout after 5000 ms"/></testcase></testsuite></testsuites>',
    );
    const add = await cli(
      ['tests', 'quarantine', 'add', 's › racy', '--reason', 'races the cache', '--until', '2999-01-01'],
      dir,
    );
    expect(add.code).toBe(0);
    expect(readFileSync(join(dir, 'shipgate.quarantine.yaml'), 'utf8')).toMatch(/test: s › racy/);
    const warned = await cli(['tests', 'record', report, '--format', 'markdown'], dir);
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/quarantined until 2999-01-01/);
    writeFileSync(
      join(dir, 'shipgate.quarantine.yaml'),
      'quarantine:\n  - { test: "s › racy", reason: old, until: 2020-01-01 }\n',
    );
    const expired = await cli(['tests', 'record', report], dir);
    expect(expired.code).toBe(1);
    expect(expired.stdout).toMatch(/expired on 2020-01-01/);
    const list = await cli(['tests', 'quarantine', 'list', '--json', join(dir, 'q.json')], dir);
    expect(list.code).toBe(1);
    expect(validateEnvelope(JSON.parse(readFileSync(join(dir, 'q.json'), 'utf8')))).toEqual([]);
    writeFileSync(join(dir, 'shipgate.quarantine.yaml'), 'quarantine:\n  - { test: x, until: soon }\n');
    const bad = await cli(['tests', 'record', report], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/shipgate\.quarantine\.yaml:2: quarantine\.0\.reason/);
  });

  it('on GitHub Actions: Markdown appended to the step summary, failing tests become annotations', async () => {
    const dir = mkdtempSync(join(work, 'gh-'));
    const summary = join(dir, 'summary.md');
    const r = await runCli(['tests', 'record', join(FIXTURES, 'vitest-4.1.12.xml')], {
      cwd: dir,
      env: { SHIPGATE_STORE: join(dir, 'store.db'), GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1);
    const annotations = r.stdout.split('\n').filter((l) => l.startsWith('::'));
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(
      /^::error file=vt\/inventory\.test\.ts,title=vt\/inventory\.test\.ts › inventory › classify › /,
    );
    expect(readFileSync(summary, 'utf8')).toMatch(/\| \*\*failed\*\* \| 2 \|/);
  });

  it('hostile and malformed XML exit 2 naming file and line', async () => {
    const bomb = await cli(['tests', 'record', join(FIXTURES, 'hostile', 'entity-bomb.xml')]);
    expect(bomb.code).toBe(2);
    expect(bomb.stderr).toMatch(/entity-bomb\.xml:2: refused: the file declares a DOCTYPE/);
    const bad = await cli(['tests', 'record', join(FIXTURES, 'hostile', 'malformed.xml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/malformed\.xml:7: malformed XML/);
    expect(bad.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('run: runs node --test, samples the process tree, gates on the report and records resources', async () => {
    const dir = mkdtempSync(join(work, 'run-'));
    writeFileSync(
      join(dir, 'a.test.mjs'),
      "import { test } from 'node:test';\ntest('allocates', async () => { const b = Buffer.alloc(64 * 1024 * 1024, 1); await new Promise((r) => setTimeout(r, 600)); if (b[5] !== 1) throw new Error('x'); });\ntest('quick', () => {});\n",
    );
    const json = join(dir, 'run.json');
    const r = await cli(
      [
        'tests',
        'run',
        '--junit',
        'junit.xml',
        '--json',
        json,
        '--',
        process.execPath,
        '--test',
        '--test-reporter=junit',
        '--test-reporter-destination=junit.xml',
        'a.test.mjs',
      ],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const envelope = JSON.parse(readFileSync(json, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.counts).toMatchObject({ total: 2, passed: 2 });
    expect(envelope.command.exitCode).toBe(0);
    // the 64 MiB buffer lives in the test process, a child of the runner: only tree sampling sees it
    expect(envelope.resources.rssPeakMb).toBeGreaterThan(64);
    expect(envelope.resources.processesPeak).toBeGreaterThanOrEqual(2);
    expect(envelope.resources.cpuSeconds).toBeGreaterThan(0);
  });

  it('run: a command that writes no report is exit 2; a crash with a green report is inconclusive', async () => {
    const dir = mkdtempSync(join(work, 'none-'));
    const none = await cli(
      ['tests', 'run', '--junit', 'junit.xml', '--', process.execPath, '-e', 'process.exit(0)'],
      dir,
    );
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/junit\.xml: the test command \(exit 0\) wrote no JUnit report/);
    const green = '<testsuites><testsuite name="s"><testcase name="ok"/></testsuite></testsuites>';
    // the runner's own output goes to stderr, so stdout holds only the result
    const crash = await cli(
      [
        'tests',
        'run',
        '--junit',
        'j.xml',
        '--format',
        'json',
        '--',
        process.execPath,
        '-e',
        `console.log('runner says hi'); require('fs').writeFileSync('j.xml', '${green}'); process.exit(3)`,
      ],
      dir,
    );
    expect(crash.code).toBe(3);
    expect(crash.stderr).toContain('runner says hi');
    const envelope = JSON.parse(crash.stdout);
    expect(envelope.verdict).toBe('inconclusive');
    expect(envelope.warnings).toEqual([
      'the test command exited with code 3 but its report shows no failing test',
    ]);
  });

  it('report: trends, flaky and slowest over recorded runs, with an HTML page', async () => {
    const dir = mkdtempSync(join(work, 'rep-'));
    for (const f of ['node-24.21.0.xml', 'node-24.21.0.xml'])
      await cli(['tests', 'record', join(FIXTURES, f)], dir);
    const json = join(dir, 'report.json');
    const html = join(dir, 'report.html');
    const r = await cli(['tests', 'report', '--json', json, '--html', html], dir);
    expect(r.code).toBe(0);
    const envelope = JSON.parse(readFileSync(json, 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.runs).toHaveLength(2);
    expect(envelope.failing[0]).toMatchObject({ failures: 2, runs: 2 });
    expect(readFileSync(html, 'utf8')).toMatch(/<svg/);
  });

  it('--help teaches with examples', async () => {
    const r = await cli(['tests', 'run', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
    expect(r.stdout).toMatch(/--junit <file>/);
  });
});
