import type { TestStatus } from '../model.ts';
import type { XmlNode } from '../xml.ts';

/**
 * One JUnit dialect: how to recognise a report written by a given runner, and the few places where
 * that runner departs from the common reading. Everything a dialect does not override is read the
 * generic way (see junit.ts). Adding a runner is one file and one row in DIALECTS.
 */
export interface JUnitDocument {
  file: string;
  text: string;
  /** `testsuites` or `testsuite`. */
  rootName: string;
  root: XmlNode;
}

/** A <testcase> with where it sits. */
export interface RawCase {
  el: XmlNode;
  /** Names of the enclosing <testsuite> elements, outermost first. */
  suites: string[];
  /** The innermost enclosing <testsuite>, if any. */
  suiteEl: XmlNode | undefined;
}

export interface CaseIdentity {
  file?: string;
  suite: string[];
  name: string;
}

/** A test case after the generic reading, before identities are made unique. */
export interface ParsedCase extends CaseIdentity {
  status: TestStatus;
  durationMs: number | null;
  failure?: { kind: 'failure' | 'error'; message: string; type?: string; stack?: string };
  /** Extra failures of the same test (pytest's teardown error after a failed call). */
  extra?: Array<{ kind: 'failure' | 'error'; message: string }>;
  retries: number;
  raw: RawCase;
}

export interface JUnitDialect {
  id: string;
  /** Runner and versions the rules were written against. */
  label: string;
  detect(doc: JUnitDocument): boolean;
  /** Where file, suite path and name come from; the generic reading when absent. */
  identify?(c: RawCase, generic: CaseIdentity): CaseIdentity;
  /** A <skipped> element's meaning (todo, xfail, …); `skipped` when absent. */
  skipped?(el: XmlNode): TestStatus;
  /** Fix-ups that need the whole report (jest-junit's todos, pytest's doubled test cases). */
  finish?(cases: ParsedCase[], doc: JUnitDocument, notes: string[]): ParsedCase[];
  /** Notes always true of this dialect, shown with the run. */
  notes?: string[];
}
