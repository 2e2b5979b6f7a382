import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { monitorStage } from '../../src/demo/stages/monitor.ts';

describe('demo stage: monitor', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'shipgate-demo-monitor-'));
  afterAll(() => rmSync(workspace, { recursive: true, force: true }));

  it('catches the injected slowness and delivers one alert', async () => {
    const outcome = await monitorStage.run({
      workspace,
      service: { url: 'http://127.0.0.1:1', version: '1.0.0' },
      credentials: { username: 'admin', password: 'unused' },
      log: createLogger({ level: 'silent' }),
    });
    expect(outcome.verdict).toBe('pass');
    expect(outcome.summary).toMatch(/pending → firing/);
    expect(outcome.figures.alerts_delivered).toBe(1);
    expect(outcome.figures.max_response_ms).toBeGreaterThanOrEqual(400);
  });
});
