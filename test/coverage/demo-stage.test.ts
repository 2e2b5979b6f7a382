import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.ts';
import { makeStyle } from '../../src/core/style.ts';
import { coverageStage } from '../../src/demo/stages/coverage.ts';

describe('demo coverage stage', () => {
  it("gates the sample service's own node:test suite under Node's lcov coverage", async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'shipgate-cov-demo-'));
    const r = await coverageStage.run({
      workspace,
      service: { url: 'http://127.0.0.1:1', version: '1.0.0' },
      credentials: { username: 'u', password: 'p' },
      log: createLogger({ level: 'warn', style: makeStyle(false) }),
    });
    expect(r.summary).not.toMatch(/tests failed/);
    expect(r.verdict, r.summary).toBe('pass');
    expect(r.figures.lines_total).toBeGreaterThan(100);
    expect(r.figures.coverage_lines).toBeGreaterThan(0);
    expect(existsSync(join(workspace, 'coverage-html', 'index.html'))).toBe(true);
    expect(existsSync(join(workspace, 'coverage.svg'))).toBe(true);
  });
});
