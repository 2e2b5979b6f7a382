import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, validateEnvelope } from '../helpers/cli.ts';

describe('shipgate demo', () => {
  // The demo runs every capability end to end: minutes, not the default 30 s.
  it('runs every stage against the sample service, writes reports and records the run', {
    timeout: 240_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipgate-demo-test-'));
    const workspace = join(dir, 'ws');
    const r = await runCli(['demo', '--dir', workspace, '--json', join(dir, 'demo.json')], {
      cwd: dir,
      timeoutMs: 230_000,
    });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}shipgate demo/);

    const envelope = JSON.parse(readFileSync(join(dir, 'demo.json'), 'utf8'));
    expect(validateEnvelope(envelope)).toEqual([]);
    expect(envelope.stages.map((s: { id: string }) => s.id)).toEqual([
      'service',
      'config',
      'smoke',
      'load',
      'stress',
      'compare',
      'tests',
      'coverage',
      'audit',
      'api-diff',
      'monitor',
      'deploy',
      'report',
      'shutdown',
    ]);
    for (const s of envelope.stages) expect(s.verdict, s.id).toBe('pass');
    expect(envelope.service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(envelope.runId).toBe(1);

    const html = readFileSync(envelope.reports.html, 'utf8');
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('API smoke check');
    expect(readFileSync(envelope.reports.markdown, 'utf8')).toContain('# ✅ shipgate demo — PASS');
    expect(existsSync(join(workspace, 'shipgate.config.yaml'))).toBe(true);

    const history = await runCli([
      'history',
      '--store',
      join(workspace, '.shipgate', 'shipgate.db'),
      '--format',
      'json',
    ]);
    const runs = JSON.parse(history.stdout).runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: 1, kind: 'demo', verdict: 'pass' });
    expect(runs[0].figures['smoke.checks_passed']).toBe(runs[0].figures['smoke.checks']);
  });

  it('fails, and says which stage, when the service is unhealthy', { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shipgate-demo-test-'));
    const r = await runCli(['demo', '--dir', join(dir, 'ws')], {
      cwd: dir,
      env: { SAMPLE_FAIL_HEALTH: '1' },
      timeoutMs: 230_000,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}shipgate demo/);
    expect(r.stdout).toMatch(/API smoke check +FAIL/);
    expect(r.stdout).toMatch(/Load test +PASS/);
  });
});
