import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  nodeMatrix,
  nodeReleaseLines,
  pythonConstraint,
  pythonMatrix,
  pythonReleaseLines,
} from '../../src/deps/matrix.ts';
import { DEPS_FIXTURES } from './helpers.ts';

const python =
  pythonReleaseLines(JSON.parse(readFileSync(join(DEPS_FIXTURES, 'python-releases.json'), 'utf8'))) ?? [];

describe('runtime matrix', () => {
  it('takes Node release lines from node-releases, not from code', () => {
    const { lines, source } = nodeReleaseLines();
    expect(source).toMatch(/^node-releases \d+\.\d+\.\d+$/);
    expect(lines.find((l) => l.version === '20')).toMatchObject({ start: '2023-04-18', end: '2026-04-30' });
  });

  it('tests supported lines within engines and flags end-of-life LTS lines engines still allows', () => {
    // Node 20 reached end of life on 2026-04-30.
    const before = nodeMatrix('>=18', '2026-03-01');
    // Odd lines are tested while they are current (25 until 2026-06-01).
    expect(before.versions).toEqual(['20', '22', '24', '25']);
    const after = nodeMatrix('>=18', '2026-11-24');
    expect(after.versions).toEqual(['22', '24', '26']);
    expect(after.warnings).toContain('>=18 still allows 20, which reached end of life on 2026-04-30');
    expect(after.excluded).toContainEqual({ version: '18', reason: 'end of life since 2025-04-30' });
    expect(nodeMatrix('^22.13 || ^24', '2026-11-24').versions).toEqual(['22', '24']);
    expect(nodeMatrix('not a range', '2026-11-24').warnings[0]).toMatch(/not a semver range/);
  });

  it('reads Python lines from an endoflife.date list with requires-python and Poetry carets', () => {
    expect(pythonMatrix('>=3.10', python, '2026-06-01', 'f').versions).toEqual([
      '3.10',
      '3.11',
      '3.12',
      '3.13',
      '3.14',
    ]);
    const late = pythonMatrix('>=3.10', python, '2026-11-24', 'f');
    expect(late.versions).toEqual(['3.11', '3.12', '3.13', '3.14']);
    expect(late.warnings).toEqual(['>=3.10 still allows 3.10, which reached end of life on 2026-10-31']);
    expect(pythonConstraint('^3.10')).toBe('>=3.10,<4');
    expect(pythonMatrix('^3.10', python, '2026-06-01', 'f').versions).toEqual([
      '3.10',
      '3.11',
      '3.12',
      '3.13',
      '3.14',
    ]);
    expect(pythonMatrix('>=3.10,<3.13', python, '2026-06-01', 'f').versions).toEqual([
      '3.10',
      '3.11',
      '3.12',
    ]);
    expect(pythonReleaseLines([{ cycle: 3.12 }])).toBeUndefined();
  });
});
