import { runApiGate } from '../../apicompat/gate.ts';
import { apiDiffDocument } from '../../apicompat/report.ts';
import { spawnService } from '../../core/child.ts';
import { cliEntry } from '../cli-entry.ts';
import type { DemoStage } from '../stage.ts';

/**
 * Starts the sample service's v2 API beside the running v1 and diffs the two live /openapi.json
 * documents. v2 breaks clients on purpose (a dropped parameter and response fields, a new required
 * parameter, a changed type), so the stage passes when the gate catches that.
 */
export const apiDiffStage: DemoStage = {
  id: 'api-diff',
  title: 'API compatibility (v1 → v2, live)',
  async run(ctx) {
    const v2 = await spawnService(
      process.execPath,
      [
        ...process.execArgv,
        cliEntry(),
        'sample-service',
        '--port',
        '0',
        '--api-version',
        '2',
        '--version',
        ctx.service.version,
      ],
      {
        ready: /listening on (http:\/\/\S+)/,
        timeoutMs: 30_000,
        cwd: ctx.workspace,
        env: {
          ...process.env,
          SAMPLE_USERNAME: ctx.credentials.username,
          SAMPLE_PASSWORD: ctx.credentials.password,
        },
        onLine: (line) => ctx.log.debug(`sample-service v2: ${line}`),
      },
    );
    try {
      const outcome = await runApiGate({
        base: `${ctx.service.url}/openapi.json`,
        head: `${v2.ready[1]}/openapi.json`,
        mode: 'diff',
        failOn: 'ERR',
        ignores: [],
        load: {},
      });
      const { totals } = outcome.fields;
      const caught = outcome.verdict === 'fail' && totals.breaking > 0;
      const doc = apiDiffDocument(outcome.fields, outcome.verdict, outcome.summary);
      return {
        verdict: caught ? 'pass' : 'fail',
        summary: caught
          ? `the gate blocks v1 → v2: ${outcome.summary}`
          : `v2 breaks clients on purpose, but the gate said: ${outcome.summary}`,
        blocks: doc.blocks,
        figures: { breaking: totals.breaking, warnings: totals.warnings, info: totals.info },
      };
    } finally {
      await v2.stop('SIGTERM', 10_000);
    }
  },
};
