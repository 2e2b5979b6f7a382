import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { createProgress } from '../../src/core/progress.ts';
import { makeStyle } from '../../src/core/style.ts';
import { runDemo } from '../../src/demo/run.ts';
import { deployStage } from '../../src/demo/stages/deploy.ts';

describe('demo stage deploy', () => {
  it('deploys v1 → v2 under load with zero failures, then refuses a broken v3', async () => {
    const log = createLogger({ level: 'warn', style: makeStyle(false) });
    const run = await runDemo({ log, progress: createProgress({ mode: 'off' }), stages: [deployStage] });
    const stage = run.stages.find((s) => s.id === 'deploy');
    expect(stage?.verdict, stage?.summary).toBe('pass');
    expect(stage?.figures.failed).toBe(0);
    expect(stage?.figures.requests).toBeGreaterThan(0);
    expect(stage?.summary).toMatch(/0 failed.*v3 with failing health refused/);
    expect(run.stages.at(-1)).toMatchObject({ id: 'shutdown', verdict: 'pass' });
  }, 60_000);
});
