import { attr, children } from '../xml.ts';
import type { JUnitDialect } from './dialect.ts';

/**
 * Maven Surefire / Failsafe (`surefire-test-report-3.0.xsd`), also Gradle with reruns. The root is
 * one <testsuite> per test class; reruns are <rerunFailure>/<rerunError> (still failing) and
 * <flakyFailure>/<flakyError> (passed on a rerun); times may carry thousands separators. The
 * generic reading already handles the rerun elements and the separators, so this dialect only
 * recognises the report.
 */
export const surefireDialect: JUnitDialect = {
  id: 'surefire',
  label: 'Maven Surefire / Failsafe',
  detect: (doc) =>
    /surefire/i.test(attr(doc.root, 'xsi:noNamespaceSchemaLocation') ?? '') ||
    (doc.rootName === 'testsuite' &&
      children(doc.root, 'testcase').some((c) =>
        ['flakyFailure', 'flakyError', 'rerunFailure', 'rerunError'].some((n) => n in c),
      )),
  identify: (c, generic) => ({
    ...(generic.file ? { file: generic.file } : {}),
    suite: [attr(c.el, 'classname') ?? c.suites.at(-1) ?? ''].filter(Boolean),
    name: generic.name,
  }),
};
