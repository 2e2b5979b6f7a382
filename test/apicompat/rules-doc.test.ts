import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { renderRulesDoc } from '../../src/apicompat/rules-doc.ts';
import { ROOT } from '../helpers/cli.ts';

const DOC = join(ROOT, 'docs', 'api-rules.md');

it('docs/api-rules.md matches the rule table (UPDATE_DOCS=1 rewrites it)', () => {
  const wanted = renderRulesDoc();
  if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, wanted);
  expect(readFileSync(DOC, 'utf8')).toBe(wanted);
});
