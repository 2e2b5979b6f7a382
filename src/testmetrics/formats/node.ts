import { attr } from '../xml.ts';
import type { JUnitDialect } from './dialect.ts';

/**
 * Node's built-in `--test-reporter=junit` (observed: Node 24.21.0; Node 20 wrote less). The root
 * <testsuites> has no attributes and the run totals are XML comments; top-level tests are bare
 * <testcase> elements and each `describe` is a nested <testsuite>. classname is "test" for
 * top-level tests (and for every test on Node 20), so the suite path comes from the nesting.
 */
export const nodeDialect: JUnitDialect = {
  id: 'node',
  label: 'node --test --test-reporter=junit',
  detect: (doc) =>
    doc.rootName === 'testsuites' &&
    attr(doc.root, 'name') === undefined &&
    /<!--\s*(tests|duration_ms) [\d.]+\s*-->/.test(doc.text.slice(-2048)),
  identify: (c, generic) => ({
    ...(generic.file ? { file: generic.file } : {}),
    suite: c.suites,
    name: generic.name,
  }),
  // a todo whose body fails is written with both <skipped type="todo"> and <failure>: it stays a todo
  skipped: (el) => (attr(el, 'type') === 'todo' ? 'todo' : 'skipped'),
  finish(cases, _doc, notes) {
    if (cases.some((c) => !c.file)) {
      notes.push(
        'node: no file attribute (Node 20 writes none): tests with equal names in different files are told apart by report order (#2)',
      );
    }
    return cases;
  },
};
