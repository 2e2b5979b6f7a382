import { attr } from '../xml.ts';
import type { JUnitDialect, ParsedCase } from './dialect.ts';

/**
 * pytest `--junitxml` (observed: pytest 9.0.3, xunit2). classname is the dotted module path plus
 * classes (`tests.test_mod.TestClass`) and there is no file attribute; a test that fails in its
 * call and then errors in teardown is written as two <testcase> with the same name.
 */
export const pytestDialect: JUnitDialect = {
  id: 'pytest',
  label: 'pytest --junitxml (xunit1/xunit2)',
  detect: (doc) =>
    attr(doc.root, 'name') === 'pytest tests' ||
    (doc.rootName === 'testsuite' && attr(doc.root, 'name') === 'pytest') ||
    /<testsuite name="pytest"/.test(doc.text.slice(0, 4096)),
  identify(c, generic) {
    const classname = attr(c.el, 'classname') ?? '';
    const file = attr(c.el, 'file');
    const parts = classname.split('.').filter(Boolean);
    // modules are lower-case by convention, classes CapWords: the first capitalised part starts the classes
    const firstClass = parts.findIndex((p) => /^[A-Z]/.test(p));
    const modules = firstClass < 0 ? parts : parts.slice(0, firstClass);
    const classes = firstClass < 0 ? [] : parts.slice(firstClass);
    return {
      ...(file ? { file } : modules.length ? { file: `${modules.join('/')}.py` } : {}),
      suite: classes,
      name: generic.name,
    };
  },
  skipped(el) {
    if (attr(el, 'type') === 'pytest.xfail') return 'xfail';
    // written by pytest before 8 for a non-strict XPASS; pytest 9 writes a plain pass
    if ((attr(el, 'message') ?? '').startsWith('xfail-marked test passes unexpectedly')) return 'xpass';
    return 'skipped';
  },
  finish(cases, _doc, notes) {
    // by identity, not only neighbours: under pytest-xdist the two reports of one test can be apart
    const out: ParsedCase[] = [];
    const first = new Map<string, ParsedCase>();
    let merged = 0;
    for (const c of cases) {
      const identity = JSON.stringify([c.file, c.suite, c.name]);
      const prev = first.get(identity);
      if (prev) {
        // the call's outcome stays the test's status; the teardown error rides along
        if (c.failure)
          prev.extra = [...(prev.extra ?? []), { kind: c.failure.kind, message: c.failure.message }];
        if (prev.status === 'passed' && c.status !== 'passed') {
          prev.status = c.status;
          if (c.failure) prev.failure = c.failure;
        }
        merged += 1;
        continue;
      }
      first.set(identity, c);
      out.push(c);
    }
    if (merged > 0) {
      notes.push(
        `pytest: ${merged} test${merged === 1 ? '' : 's'} written twice (failed, then errored in teardown) counted once`,
      );
    }
    return out;
  },
  notes: [
    'pytest: file paths are inferred from the dotted classname; a non-strict XPASS is a plain pass in pytest 9',
  ],
};
