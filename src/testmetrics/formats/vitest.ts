import { attr } from '../xml.ts';
import type { JUnitDialect } from './dialect.ts';

/**
 * Vitest's `junit` reporter (observed: Vitest 4.1.12). One <testsuite> per file, named by its path;
 * classname is the file too, and the name holds the describe path joined by " > ". Skipped and
 * todo tests are both a bare <skipped/>, and `errors` is always 0.
 */
export const vitestDialect: JUnitDialect = {
  id: 'vitest',
  label: 'vitest --reporter=junit',
  detect: (doc) => attr(doc.root, 'name') === 'vitest tests',
  identify(c, generic) {
    const file = generic.file ?? attr(c.el, 'classname') ?? c.suites.at(-1);
    const parts = generic.name.split(' > ');
    return { ...(file ? { file } : {}), suite: parts.slice(0, -1), name: parts.at(-1) ?? generic.name };
  },
  notes: ['vitest: todo tests are written like skipped ones and count as skipped'],
};
