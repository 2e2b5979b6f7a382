import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { createProgress } from '../../src/core/progress.ts';
import { makeStyle } from '../../src/core/style.ts';
import { runDemo } from '../../src/demo/run.ts';
import { apiDiffStage } from '../../src/demo/stages/api-diff.ts';

describe('demo stage api-diff', () => {
  it('serves v1 and v2 of the sample service and catches v2 breaking clients', async () => {
    const log = createLogger({ level: 'warn', style: makeStyle(false) });
    const run = await runDemo({ log, progress: createProgress({ mode: 'off' }), stages: [apiDiffStage] });
    const stage = run.stages.find((s) => s.id === 'api-diff');
    expect(stage?.verdict, stage?.summary).toBe('pass');
    expect(stage?.figures.breaking).toBeGreaterThan(0);
    expect(stage?.summary).toMatch(/the gate blocks v1 → v2/);
    expect(run.stages.at(-1)).toMatchObject({ id: 'shutdown', verdict: 'pass' });
  }, 60_000);
});
