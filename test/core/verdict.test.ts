import { describe, expect, it } from 'vitest';
import { exitCodeFor, worstVerdict } from '../../src/core/verdict.ts';

describe('verdicts', () => {
  it('map to the documented exit codes', () => {
    expect(exitCodeFor('pass')).toBe(0);
    expect(exitCodeFor('warn')).toBe(0);
    expect(exitCodeFor('fail')).toBe(1);
    expect(exitCodeFor('inconclusive')).toBe(3);
  });

  it('combine to the worst, with a failure outranking "could not tell"', () => {
    expect(worstVerdict([])).toBe('pass');
    expect(worstVerdict(['pass', 'warn'])).toBe('warn');
    expect(worstVerdict(['warn', 'inconclusive', 'pass'])).toBe('inconclusive');
    expect(worstVerdict(['inconclusive', 'fail', 'pass'])).toBe('fail');
  });
});
