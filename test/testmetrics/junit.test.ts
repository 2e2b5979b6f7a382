import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { parseTime, readReports } from '../../src/testmetrics/formats/junit.ts';
import { countTests, type TestCase } from '../../src/testmetrics/model.ts';
import { parseXml } from '../../src/testmetrics/xml.ts';
import { FOREIGN_CHECKOUT, fixtureCopy } from '../helpers/fixtures.ts';

const FIXTURES = fixtureCopy('junit');
/** The checkout the reports were made in: stack-trace paths under it become repository paths. */
const ROOT = FOREIGN_CHECKOUT;

function read(file: string) {
  return readReports([join(FIXTURES, file)], { root: ROOT });
}

function byName(tests: TestCase[], name: string): TestCase {
  const t = tests.find((x) => x.name === name);
  if (!t) throw new Error(`no test ${name}`);
  return t;
}

function counts(file: string) {
  const { durationMs: _d, ...rest } = countTests(read(file).tests);
  return rest;
}

const EXPECTED: Array<[file: string, dialect: string, counts: Record<string, number>]> = [
  // total passed failed errors skipped todo xfail xpass flaky, as each runner itself reported them
  ['pytest-9.0.3.xml', 'pytest', counts9(11, 4, 3, 2, 1, 0, 1, 0, 0)],
  ['node-24.21.0.xml', 'node', counts9(11, 6, 2, 0, 1, 2, 0, 0, 0)],
  ['node-20.20.2.xml', 'node', counts9(11, 6, 2, 0, 1, 2, 0, 0, 0)],
  ['jest-30.5.2-jest-junit-17.0.0.xml', 'jest', counts9(6, 2, 2, 0, 1, 1, 0, 0, 0)],
  ['vitest-4.1.12.xml', 'vitest', counts9(7, 3, 2, 0, 2, 0, 0, 0, 0)],
  ['surefire-3.5-handwritten.xml', 'surefire', counts9(6, 2, 1, 1, 1, 0, 0, 0, 1)],
];

function counts9(...n: number[]): Record<string, number> {
  const names = ['total', 'passed', 'failed', 'errors', 'skipped', 'todo', 'xfail', 'xpass', 'flaky'];
  return Object.fromEntries(names.map((k, i) => [k, n[i] as number]));
}

describe('JUnit dialects, from real runner output', () => {
  it.each(EXPECTED)('%s is read as %s with exact counts', (file, dialect, expected) => {
    const run = read(file);
    expect(run.sources[0]?.dialect).toBe(dialect);
    expect(counts(file)).toEqual(expected);
  });

  it('pytest 9.0.3: teardown error after a failure counted once; xfail; skip; setup error', () => {
    const run = read('pytest-9.0.3.xml');
    const twice = byName(run.tests, 'test_fails_then_teardown_errors');
    expect(twice.status).toBe('failed');
    expect(twice.failure?.stack).toContain('[error] failed on teardown with "RuntimeError');
    expect(twice.file).toBe('tests/test_inventory.py');
    expect(twice.suite).toEqual(['TestClassify']);
    expect(byName(run.tests, 'test_setup_error').status).toBe('error');
    expect(byName(run.tests, 'test_expected_failure').status).toBe('xfail');
    // numeric character references in attributes are decoded
    expect(twice.failure?.message).toBe('AssertionError: wrong device count\nassert 1 == 2');
    expect(run.notes.join('\n')).toMatch(/written twice/);
  });

  it('node 24: nested suites, todo (even with a failing body), skip, equal names in two files', () => {
    const run = read('node-24.21.0.xml');
    const deep = byName(run.tests, 'still counts');
    expect(deep.suite).toEqual(['inventory', 'classify', 'deeply nested']);
    expect(deep.file).toBe('tests/inventory.test.mjs');
    expect(byName(run.tests, 'todo with a body').status).toBe('todo');
    const tops = run.tests.filter((t) => t.name === 'top level passes');
    expect(tops.map((t) => t.file).sort()).toEqual(['tests/health.test.mjs', 'tests/inventory.test.mjs']);
    expect(new Set(tops.map((t) => t.id)).size).toBe(2);
    expect(run.notes).toEqual([]);
  });

  it('node 20: no file attribute, so equal names are told apart by order, and the note says so', () => {
    const run = read('node-20.20.2.xml');
    expect(run.tests.filter((t) => t.name.startsWith('top level passes')).map((t) => t.key)).toEqual([
      'top level passes',
      'top level passes #2',
    ]);
    expect(byName(run.tests, 'still counts').suite).toEqual(['inventory', 'classify', 'deeply nested']);
    expect(run.notes.join()).toMatch(/no file attribute/);
  });

  it('pytest: the doubled test case is merged even when xdist interleaves other tests between', () => {
    const tests = parseTests(
      `<testsuites name="pytest tests"><testsuite name="pytest">
        <testcase classname="tests.test_a" name="test_x"><failure message="assert 1 == 2"/></testcase>
        <testcase classname="tests.test_b" name="test_y"/>
        <testcase classname="tests.test_a" name="test_x"><error message="failed on teardown with &quot;OSError&quot;"/></testcase>
      </testsuite></testsuites>`,
    );
    expect(tests.map((t) => [t.key, t.status])).toEqual([
      ['tests/test_a.py › test_x', 'failed'],
      ['tests/test_b.py › test_y', 'passed'],
    ]);
  });

  it('jest-junit 17: the todo written without <skipped/> is recognised from the suite count', () => {
    const run = read('jest-30.5.2-jest-junit-17.0.0.xml');
    expect(byName(run.tests, 'classify export as CSV').status).toBe('todo');
    expect(byName(run.tests, 'top level').status).toBe('passed');
    // <failure> without a message attribute: the first line of the body is the message
    expect(byName(run.tests, 'classify throws a TypeError').failure?.message).toBe(
      "TypeError: Cannot read properties of undefined (reading 'status')",
    );
  });

  it('jest-junit: a todo that cannot be told from a zero-time pass is not guessed', () => {
    const xml = `<testsuites name="jest tests" tests="2"><testsuite name="s" tests="2">
      <testcase classname="s a" name="s a" time="0"></testcase>
      <testcase classname="s b" name="s b" time="0"></testcase>
      <testcase classname="s c" name="s c" time="0.002"></testcase></testsuite></testsuites>`;
    const notes: string[] = [];
    const tests = parseTests(xml, notes);
    expect(tests.filter((t) => t.status === 'todo')).toHaveLength(0);
    expect(notes.join()).toMatch(/cannot be told from 2 zero-time passes/);
  });

  it('vitest 4: file from the suite, describe path from " > ", todo counted as skipped', () => {
    const run = read('vitest-4.1.12.xml');
    const t = byName(run.tests, 'rejects unknown vendors');
    expect(t.file).toBe('vt/inventory.test.ts');
    expect(t.suite).toEqual(['inventory', 'classify']);
    expect(t.failure?.type).toBe('AssertionError');
  });

  it('surefire (hand-written from the XSD): flaky and rerun elements, thousands separators', () => {
    const run = read('surefire-3.5-handwritten.xml');
    expect(byName(run.tests, 'importsLargeScan').durationMs).toBe(1_201_330);
    expect(byName(run.tests, 'reconnectsAfterTimeout')).toMatchObject({ status: 'flaky', retries: 1 });
    expect(byName(run.tests, 'reconnectsAfterTimeout').failure?.stack).toContain(
      'DeviceRepositoryTest.java:88',
    );
    expect(byName(run.tests, 'rejectsDuplicateMac')).toMatchObject({ status: 'failed', retries: 2 });
  });

  it('ids are stable when tests are reordered and differ when the identity differs', () => {
    const a = parseTests(
      '<testsuites><testsuite name="s"><testcase classname="C" name="one"/><testcase classname="C" name="two"/></testsuite></testsuites>',
    );
    const b = parseTests(
      '<testsuites><testsuite name="s"><testcase classname="C" name="two"/><testcase classname="C" name="one"/><testcase classname="C" name="three"/></testsuite></testsuites>',
    );
    const ids = (ts: TestCase[]) => Object.fromEntries(ts.map((t) => [t.name, t.id]));
    expect(ids(b).one).toBe(ids(a).one);
    expect(ids(b).two).toBe(ids(a).two);
    expect(ids(a).one).not.toBe(ids(a).two);
    expect(ids(a).one).toMatch(/^[0-9a-f]{16}$/);
  });

  it('reads times: separators, exponents, missing and nonsense', () => {
    expect(parseTime('1,234.567')).toBe(1_234_567);
    expect(parseTime('1e-3')).toBe(1);
    expect(parseTime(undefined)).toBeNull();
    expect(parseTime('')).toBeNull();
    expect(parseTime('fast')).toBeNull();
    expect(parseTime('-1')).toBeNull();
  });

  it('never trusts header counts', () => {
    const tests = parseTests(
      '<testsuites tests="99" failures="0"><testsuite name="s" tests="42"><testcase name="a"><failure message="x"/></testcase></testsuite></testsuites>',
    );
    expect(countTests(tests)).toMatchObject({ total: 1, failed: 1 });
  });
});

describe('hostile input', () => {
  function error(file: string): UserError {
    try {
      read(`hostile/${file}`);
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return e as UserError;
    }
    throw new Error('expected an error');
  }

  it('refuses an entity bomb and an external entity without expanding anything', () => {
    const started = performance.now();
    const bomb = error('entity-bomb.xml');
    expect(bomb.message).toMatch(/refused: the file declares a DOCTYPE/);
    expect(bomb.line).toBe(2);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error('external-entity.xml').message).toMatch(/DOCTYPE/);
  });

  it('names file and line of malformed and truncated XML', () => {
    const bad = error('malformed.xml');
    expect(bad.format()).toMatch(/hostile\/malformed\.xml:7: malformed XML: .*'failure'.*'failre'/);
    const cut = error('truncated.xml');
    // The last line that has text: the file stops after line 9's newline.
    expect(cut.line).toBe(9);
    expect(cut.message).toMatch(/ends before <testsuite> is closed/);
  });

  it('refuses empty, non-JUnit, binary and non-UTF-8 files', () => {
    expect(error('empty.xml').message).toMatch(/empty file/);
    expect(error('not-junit.xml').message).toMatch(/root element is <report>/);
    expect(() => parseXml(Buffer.from('<a>\u0000</a>'), 'x.xml')).toThrow(/NUL/);
    expect(() =>
      parseXml(Buffer.from([0x3c, 0x61, 0x3e, 0xff, 0xfe, 0x3c, 0x2f, 0x61, 0x3e]), 'x.xml'),
    ).toThrow(/not UTF-8/);
  });

  it('a missing file is a one-line error naming it', () => {
    expect(() => read('no-such.xml')).toThrow(/no such file/);
  });
});

function parseTests(xml: string, notes: string[] = []): TestCase[] {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-junit-'));
  const file = join(dir, 'r.xml');
  writeFileSync(file, xml);
  const run = readReports([file], { root: dir });
  notes.push(...run.notes);
  return run.tests;
}
