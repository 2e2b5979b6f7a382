import { attr } from '../xml.ts';
import type { JUnitDialect, ParsedCase } from './dialect.ts';

/**
 * jest-junit (observed: 17.0.0 with Jest 30.5.2). Each <testsuite> is a test file, named after its
 * first `describe`; classname and name both hold "describe … title". A `test.todo` is written
 * without <skipped/> and is left out of the suite's `tests` attribute — the only trace it leaves.
 */
export const jestDialect: JUnitDialect = {
  id: 'jest',
  label: 'jest-junit',
  detect: (doc) => attr(doc.root, 'name') === 'jest tests',
  identify: (c, generic) => ({
    ...(generic.file ? { file: generic.file } : {}),
    suite: c.suites.slice(-1),
    // a test outside any describe gets a leading space
    name: generic.name.trim(),
  }),
  finish(cases, _doc, notes) {
    const bySuite = new Map<unknown, ParsedCase[]>();
    for (const c of cases) {
      const list = bySuite.get(c.raw.suiteEl) ?? [];
      list.push(c);
      bySuite.set(c.raw.suiteEl, list);
    }
    for (const [suiteEl, list] of bySuite) {
      const declared = Number(suiteEl ? attr(suiteEl as never, 'tests') : Number.NaN);
      const todos = list.length - declared;
      if (!Number.isInteger(todos) || todos <= 0) continue;
      // a todo never ran: no children, time 0; a passing test that took 0 ms looks the same
      const candidates = list.filter((c) => c.status === 'passed' && c.durationMs === 0 && !c.failure);
      const where = suiteEl ? `"${attr(suiteEl as never, 'name') ?? ''}"` : 'the report';
      if (candidates.length === todos) {
        for (const c of candidates) c.status = 'todo';
        notes.push(
          `jest-junit: ${todos} todo test${todos === 1 ? '' : 's'} in ${where} recognised (written as passes)`,
        );
      } else {
        notes.push(
          `jest-junit: ${where} holds ${todos} todo test${todos === 1 ? '' : 's'} that cannot be told from ${candidates.length} zero-time passes; counted as passed`,
        );
      }
    }
    return cases;
  },
  notes: ['jest-junit: no file attribute unless addFileAttribute is set; the suite is the first describe'],
};
