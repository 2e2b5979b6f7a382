import type { Verdict } from '../../core/verdict.ts';
import { localEnvironment } from '../../deploy/local.ts';
import { startProbe } from '../../deploy/probe.ts';
import { runDeploy } from '../../deploy/run.ts';
import type { DemoStage } from '../stage.ts';

/**
 * A blue-green deploy of the sample service through the built-in router, v1 → v2 while steady
 * traffic flows (the failed-request count is the point), then a v3 whose health check fails: it
 * is refused and never gets traffic. Everything it starts is stopped at the end.
 */
export const deployStage: DemoStage = {
  id: 'deploy',
  title: 'Blue-green deploy',
  async run(ctx) {
    const local = await localEnvironment(ctx.workspace, 'builtin');
    const { env } = local;
    try {
      const v1 = await runDeploy(env, '1.0.0');
      const probe = startProbe(`${local.routerUrl}/api/status`, { concurrency: 4 });
      const v2 = await runDeploy(env, '2.0.0');
      env.processEnv.SAMPLE_FAIL_HEALTH = '1';
      const v3 = await runDeploy(env, '3.0.0');
      const traffic = await probe.stop();
      const failures = traffic.failed + traffic.connectionErrors;
      const ok =
        v1.outcome === 'succeeded' &&
        v2.outcome === 'succeeded' &&
        v3.outcome === 'refused' &&
        failures === 0 &&
        traffic.versions['3.0.0'] === undefined;
      const verdict: Verdict = ok ? 'pass' : 'fail';
      const served = Object.entries(traffic.versions)
        .map(([v, n]) => `${v}: ${n}`)
        .join(', ');
      return {
        verdict,
        summary: `v1 → v2 under load: ${traffic.requests} requests, ${failures} failed (${served}); v3 with failing health ${v3.outcome}`,
        blocks: [
          {
            type: 'table',
            columns: ['deploy', 'outcome', 'phases', 'healthy → traffic'],
            rows: [v1, v2, v3].map((r) => [
              r.version,
              { text: r.outcome, tone: r.outcome === 'succeeded' ? 'good' : 'warn' },
              r.phases.map((p) => `${p.phase}${p.outcome === 'ok' ? '' : ' ✗'}`).join(' → '),
              r.switchMs !== undefined ? `${r.switchMs.toFixed(1)} ms` : '',
            ]),
          },
          {
            type: 'fields',
            title: 'Traffic through the router during the deploys',
            fields: [
              ['requests', traffic.requests],
              ['failed', { text: String(failures), tone: failures === 0 ? 'good' : 'bad' }],
              ['answered by', served],
            ],
          },
        ],
        figures: {
          requests: traffic.requests,
          failed: failures,
          switch_ms: Math.round((v2.switchMs ?? 0) * 10) / 10,
        },
      };
    } finally {
      await local.close();
    }
  },
};
