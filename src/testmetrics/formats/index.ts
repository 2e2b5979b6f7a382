import type { JUnitDialect } from './dialect.ts';
import { genericDialect } from './generic.ts';
import { jestDialect } from './jest.ts';
import { nodeDialect } from './node.ts';
import { pytestDialect } from './pytest.ts';
import { surefireDialect } from './surefire.ts';
import { vitestDialect } from './vitest.ts';

/** Tried in order; the first whose detect() says yes reads the report. generic matches anything. */
export const DIALECTS: readonly JUnitDialect[] = [
  pytestDialect,
  jestDialect,
  vitestDialect,
  nodeDialect,
  surefireDialect,
  genericDialect,
];

export type { JUnitDialect } from './dialect.ts';
