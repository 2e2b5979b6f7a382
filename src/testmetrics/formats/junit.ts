import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileError, UserError } from '../../core/errors.ts';
import { normaliseFile, testIdentity } from '../identity.ts';
import type { TestCase, TestFailure, TestRun, TestStatus } from '../model.ts';
import { attr, children, parseXml, text, type XmlNode } from '../xml.ts';
import type { CaseIdentity, JUnitDocument, ParsedCase, RawCase } from './dialect.ts';
import { DIALECTS, type JUnitDialect } from './index.ts';

/**
 * JUnit XML → the test-run model. The generic reading (what every dialect shares) lives here; the
 * DIALECTS table supplies each runner's departures from it. Counts are never taken from headers.
 */

export interface ReadOptions {
  /** Project folder: absolute test file paths under it become relative (machine-independent ids). */
  root: string;
}

const MESSAGE_CAP = 2000;
const STACK_CAP = 8000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export interface ParsedReport {
  dialect: JUnitDialect;
  cases: ParsedCase[];
}

/** Reads one report's bytes (the file name is for messages and the dialect notes). */
export function parseJUnit(
  bytes: Uint8Array,
  file: string,
  options: ReadOptions,
  notes: string[] = [],
): ParsedReport {
  const tree = parseXml(bytes, file);
  const rootName = ['testsuites', 'testsuite'].find((n) => n in tree);
  if (!rootName) {
    const found = Object.keys(tree).find((k) => !k.startsWith('?'));
    throw new UserError(
      `not a JUnit XML report: root element is <${found ?? 'none'}>, expected <testsuites> or <testsuite>`,
      {
        file,
      },
    );
  }
  const root = children(tree, rootName)[0] ?? {};
  const textOf = new TextDecoder().decode(bytes.length > 8192 ? bytes.subarray(0, 4096) : bytes);
  const tail = bytes.length > 8192 ? new TextDecoder().decode(bytes.subarray(bytes.length - 4096)) : '';
  const doc: JUnitDocument = { file, text: `${textOf}${tail}`, rootName, root };
  const dialect = DIALECTS.find((d) => d.detect(doc)) as JUnitDialect;

  const raw: RawCase[] = [];
  if (rootName === 'testsuite') walk(root, [], raw, true);
  else walk(root, [], raw, false);

  let cases = raw.map((c) => readCase(c, dialect, options));
  if (dialect.finish) cases = dialect.finish(cases, doc, notes);
  return { dialect, cases };
}

/** Collects test cases depth first; nested <testsuite> elements (Node's describes) extend the path. */
function walk(el: XmlNode, suites: string[], out: RawCase[], isSuite: boolean): void {
  const path = isSuite ? [...suites, attr(el, 'name') ?? ''] : suites;
  for (const tc of children(el, 'testcase'))
    out.push({ el: tc, suites: path, suiteEl: isSuite ? el : undefined });
  for (const s of children(el, 'testsuite')) walk(s, path, out, true);
}

function readCase(c: RawCase, dialect: JUnitDialect, options: ReadOptions): ParsedCase {
  const el = c.el;
  const name = attr(el, 'name') ?? '';
  const fileAttr = attr(el, 'file');
  const generic: CaseIdentity = {
    ...(fileAttr ? { file: fileAttr } : {}),
    suite: genericSuite(c),
    name,
  };
  const id = dialect.identify ? dialect.identify(c, generic) : generic;
  const skipped = children(el, 'skipped')[0];
  const failures = children(el, 'failure');
  const errors = children(el, 'error');
  const flaky = [...children(el, 'flakyFailure'), ...children(el, 'flakyError')];
  const reruns = [...children(el, 'rerunFailure'), ...children(el, 'rerunError')];

  let status: TestStatus;
  if (skipped) status = dialect.skipped ? dialect.skipped(skipped) : 'skipped';
  else if (failures.length > 0) status = 'failed';
  else if (errors.length > 0) status = 'error';
  else if (flaky.length > 0) status = 'flaky';
  else status = 'passed';

  const first = failures[0]
    ? failureOf(failures[0], 'failure')
    : errors[0]
      ? failureOf(errors[0], 'error')
      : undefined;
  const flakyFirst = flaky[0] ? failureOf(flaky[0], 'failure') : undefined;
  const failure =
    status === 'flaky' ? flakyFirst : status === 'failed' || status === 'error' ? first : undefined;
  const extra = [
    ...failures
      .slice(first?.kind === 'failure' ? 1 : 0)
      .map((e) => ({ kind: 'failure' as const, message: messageOf(e) })),
    ...errors
      .slice(first?.kind === 'error' ? 1 : 0)
      .map((e) => ({ kind: 'error' as const, message: messageOf(e) })),
  ];
  const parsed: ParsedCase = {
    ...(id.file ? { file: normaliseFile(id.file, options.root) } : {}),
    suite: id.suite,
    name: id.name,
    status,
    durationMs: parseTime(attr(el, 'time')),
    retries: flaky.length + reruns.length,
    raw: c,
  };
  if (failure) parsed.failure = failure;
  if (failure && extra.length > 0) parsed.extra = extra;
  return parsed;
}

/** Suite path when no dialect says otherwise: enclosing suites, then the classname if it adds anything. */
function genericSuite(c: RawCase): string[] {
  const classname = attr(c.el, 'classname');
  const suites = c.suites.filter(Boolean);
  return classname && classname !== suites.at(-1) ? [...suites, classname] : suites;
}

function failureOf(el: XmlNode, kind: 'failure' | 'error'): TestFailure {
  const type = attr(el, 'type');
  const body = cap(stripAnsi(stackText(el)).trim(), STACK_CAP);
  return { kind, message: messageOf(el), ...(type ? { type } : {}), ...(body ? { stack: body } : {}) };
}

/** The message attribute, or (jest-junit writes none) the first line of the body. */
function messageOf(el: XmlNode): string {
  const m = attr(el, 'message') ?? stackText(el).trim().split('\n')[0] ?? '';
  return cap(stripAnsi(m).trim(), MESSAGE_CAP);
}

function stackText(el: XmlNode): string {
  const own = text(el);
  if (own.trim()) return own;
  // Surefire's rerun and flaky elements keep the stack in a child element
  return text(children(el, 'stackTrace')[0]);
}

/**
 * Seconds → milliseconds. Surefire may write thousands separators (`1,234.567`); exponents are
 * fine; missing, empty or nonsense is null rather than 0.
 */
export function parseTime(value: string | undefined): number | null {
  if (value === undefined) return null;
  let v = value.trim();
  if (v === '') return null;
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(v)) v = v.replaceAll(',', '');
  const seconds = Number(v);
  if (!Number.isFinite(seconds) || seconds < 0) return null;
  return Math.round(seconds * 1_000_000) / 1000;
}

function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

function cap(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}… (${s.length - max} more characters)` : s;
}

/** Makes identities unique: a second test with the same (file, suite, name) gets ` #2`, in report order. */
export function finaliseCases(cases: ParsedCase[]): TestCase[] {
  const seen = new Map<string, number>();
  return cases.map((c) => {
    let { id, key } = testIdentity(c.file, c.suite, c.name);
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    if (n > 1) ({ id, key } = testIdentity(c.file, c.suite, `${c.name} #${n}`));
    const t: TestCase = {
      id,
      key,
      ...(c.file ? { file: c.file } : {}),
      suite: c.suite,
      name: c.name,
      status: c.status,
      durationMs: c.durationMs,
      retries: c.retries,
    };
    if (c.failure) {
      t.failure = c.extra?.length
        ? {
            ...c.failure,
            stack: [c.failure.stack ?? '', ...c.extra.map((e) => `[${e.kind}] ${e.message}`)]
              .join('\n')
              .trim(),
          }
        : c.failure;
    }
    return t;
  });
}

/** Report files named on the command line; a folder stands for the *.xml files in it. */
export function expandReportPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      throw fileError(p, e);
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const xml = readdirSync(p)
      .filter((f) => f.toLowerCase().endsWith('.xml'))
      .sort()
      .map((f) => join(p, f));
    if (xml.length === 0) throw new UserError('no *.xml report in this folder', { file: p });
    out.push(...xml);
  }
  return out;
}

/** Reads and merges reports into one run. */
export function readReports(paths: readonly string[], options: ReadOptions): TestRun {
  const notes: string[] = [];
  const sources: TestRun['sources'] = [];
  const all: ParsedCase[] = [];
  const dialectsSeen = new Set<JUnitDialect>();
  for (const file of expandReportPaths(paths)) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw fileError(file, e);
    }
    const { dialect, cases } = parseJUnit(bytes, file, options, notes);
    dialectsSeen.add(dialect);
    sources.push({ file, dialect: dialect.id, tests: cases.length });
    for (const c of cases) all.push(c);
  }
  for (const d of dialectsSeen) for (const n of d.notes ?? []) notes.push(n);
  return { tests: finaliseCases(all), sources, notes };
}
