import { environmentFingerprint } from '../../src/core/environment.ts';
import type { Verdict } from '../../src/core/verdict.ts';
import type { Store } from '../../src/store/store.ts';

/**
 * A store with `days` of nightly history of several kinds, as a team's CI would leave it: load runs
 * whose p95 steps up by 40 % two thirds of the way through (a change point to find), coverage
 * creeping up, a test suite with one flaky test, a deploy every week with one rollback, and a
 * monitor alert that fired and resolved. Deterministic: the same store every time.
 */
export interface SeedSummary {
  runs: number;
  shiftDay: number;
  from: Date;
  to: Date;
}

export async function seedHistory(
  store: Store,
  days: number,
  end = new Date('2026-11-01T02:00:00Z'),
): Promise<SeedSummary> {
  const environment = environmentFingerprint();
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const shiftDay = Math.floor((days * 2) / 3);
  const from = new Date(end.getTime() - (days - 1) * 86_400_000);
  let runs = 0;
  const record = async (
    kind: string,
    at: Date,
    verdict: Verdict,
    summary: string,
    figures: Record<string, number>,
    labels: Record<string, string>,
  ) => {
    runs++;
    return store.recordRun({
      kind,
      verdict,
      summary,
      startedAt: at,
      finishedAt: new Date(at.getTime() + 60_000),
      gitCommit: (0x1000000 + runs).toString(16).padStart(40, 'a'),
      gitBranch: 'main',
      environment,
      figures,
      labels,
      result: { kind, summary },
    });
  };

  for (let day = 0; day < days; day++) {
    const at = new Date(from.getTime() + day * 86_400_000);
    const level = day >= shiftDay ? 168 : 120;
    const p95 = level * (1 + (random() - 0.5) * 0.08);
    await record(
      'load',
      at,
      'pass',
      `p95 ${p95.toFixed(1)} ms`,
      {
        requests: 12_000,
        p50_ms: p95 * 0.4,
        p95_ms: p95,
        p99_ms: p95 * 1.5,
        rps: 200 * (1 + (random() - 0.5) * 0.05),
        error_rate: 0,
      },
      { scenario: 'api' },
    );

    const lines = 70 + (15 * day) / days + random();
    await record(
      'coverage',
      new Date(at.getTime() + 600_000),
      lines >= 80 ? 'pass' : 'fail',
      `lines ${lines.toFixed(1)}%`,
      {
        coverage_lines: lines,
        coverage_branches: lines - 8,
      },
      {},
    );

    const flakyFails = day % 9 === 4;
    const testsRun = await record(
      'tests',
      new Date(at.getTime() + 900_000),
      flakyFails ? 'fail' : 'pass',
      flakyFails ? '1 failed' : 'all passed',
      {
        total: 120,
        passed: flakyFails ? 119 : 120,
        failed: flakyFails ? 1 : 0,
        errors: 0,
        skipped: 0,
        todo: 0,
        flaky: 0,
        executed: 120,
        duration_ms: 40_000 + random() * 2000,
      },
      { suite: 'unit' },
    );
    if (day >= days - 40) {
      await store.testResults().record(testsRun.id, [
        {
          testId: 't-stable',
          key: 'test/api.test.ts › status',
          status: 'passed',
          durationMs: 12,
          retries: 0,
          signature: null,
        },
        {
          testId: 't-flaky',
          key: 'test/cache.test.ts › expires entries',
          status: flakyFails ? 'failed' : 'passed',
          durationMs: 30,
          retries: 0,
          signature: flakyFails ? 'AssertionError: expected 1 to be 0' : null,
        },
        {
          testId: 't-slow',
          key: 'test/export.test.ts › large export',
          status: 'passed',
          durationMs: 2400 + random() * 100,
          retries: 0,
          signature: null,
        },
      ]);
    }

    await record(
      'monitor',
      new Date(at.getTime() + 1_200_000),
      'pass',
      'all checks healthy',
      {
        checks: 5,
        failing_checks: 0,
        firing: 0,
        notifications_delivered: 0,
      },
      { mode: 'once' },
    );

    if (day % 7 === 3) {
      const week = Math.floor(day / 7);
      const rolledBack = week % 10 === 6;
      await record(
        'deploy',
        new Date(at.getTime() + 3_600_000),
        rolledBack ? 'fail' : 'pass',
        rolledBack ? `v1.${week}.0 failed the watch period; rolled back` : `v1.${week}.0 live on green`,
        {
          duration_ms: 40_000 + random() * 5_000,
          switch_ms: 3 + random() * 2,
          failed_requests: 0,
        },
        { env: 'production', version: `v1.${week}.0` },
      );
      if (rolledBack) {
        await record(
          'rollback',
          new Date(at.getTime() + 3_700_000),
          'pass',
          `back to v1.${week - 1}.0`,
          {
            duration_ms: 900,
          },
          { env: 'production', version: `v1.${week - 1}.0` },
        );
      }
    }
  }

  const firedAt = new Date(end.getTime() - 5 * 86_400_000);
  const alert = (status: 'firing' | 'resolved') => ({
    key: 'api_response_time{check="health"}',
    status,
    labels: { severity: 'critical', alertname: 'api_response_time' },
    value: 2.7,
    summary: 'health_check answered in 2.7 s (threshold 2 s)',
    startsAt: firedAt.toISOString(),
    ...(status === 'resolved' ? { endsAt: new Date(firedAt.getTime() + 600_000).toISOString() } : {}),
  });
  for (const status of ['firing', 'resolved'] as const) {
    for (const channel of ['slack', 'email']) {
      await store.monitoring().commitAlerts(
        [],
        [
          {
            dedupKey: `${status}-${channel}`,
            channel,
            payload: {
              kind: 'alerts',
              title: `${status}: api_response_time`,
              text: '',
              status,
              alerts: [alert(status)],
              createdAt: firedAt.toISOString(),
            },
          },
        ],
        status === 'firing' ? firedAt : new Date(firedAt.getTime() + 600_000),
      );
    }
  }
  return { runs, shiftDay, from, to: end };
}
