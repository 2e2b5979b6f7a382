import type { JUnitDialect } from './dialect.ts';

/** Anything else (Ant, Gradle, go-junit-report, PHPUnit, …): the generic reading, no special rules. */
export const genericDialect: JUnitDialect = {
  id: 'generic',
  label: 'JUnit XML (generic)',
  detect: () => true,
};
