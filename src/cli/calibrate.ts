import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import { action, examples } from './action.ts';
import { addLoadFlags, engineHooks, type LoadFlags, prepare, progressFor } from './load-common.ts';
import { intArg } from './options.ts';

interface CalibrateFlags extends LoadFlags {
  runs: number;
}

export function registerCalibrate(program: Command): void {
  const cmd = program
    .command('calibrate')
    .description(
      "Measure this runner's noise band for a scenario: run it N times unchanged and record how far apart the runs " +
        'land, per metric. `compare` then refuses (inconclusive) to judge a threshold tighter than the band instead of ' +
        'mistaking a noisy minute for a regression.',
    )
    .option('--runs <n>', 'identical runs (pairs compared: n·(n−1)/2)', intArg(3, 100), 5);
  addLoadFlags(cmd, { thresholds: false });
  cmd.action(
    action<CalibrateFlags>(async (ctx, [url], flags) => {
      const startedAt = new Date();
      const [
        { loadTest },
        { samplesOf },
        { noiseBand, noiseFigure },
        { scenarioHashOf },
        { makeEnvelope },
        { calibrationKind },
      ] = await Promise.all([
        import('../load/tests.ts'),
        import('../perf/metrics.ts'),
        import('../perf/calibrate.ts'),
        import('../perf/fingerprint.ts'),
        import('../core/envelope.ts'),
        import('../perf/result.ts'),
      ]);
      const { scenario } = await prepare(ctx, url, { ...flags, thresholds: false });
      const runs = [];
      let fields: Awaited<ReturnType<typeof loadTest>>['fields'] | undefined;
      for (let i = 0; i < flags.runs; i++) {
        const { task, onProgress } = progressFor(
          ctx,
          `calibration run ${i + 1}/${flags.runs}`,
          scenario.durationMs,
        );
        const test = await loadTest(scenario, [], {
          onProgress,
          ...engineHooks(flags),
        });
        task.done(test.verdict);
        if (test.verdict === 'inconclusive') {
          throw new UserError(`calibration run ${i + 1} cannot be trusted: ${test.summary}`, {
            hint: 'calibrate on a quiet runner, with the load the gate will use',
          });
        }
        fields = test.fields;
        runs.push(samplesOf(test.fields));
      }
      const band = noiseBand(runs);
      const env = (await import('../core/environment.ts')).environmentFingerprint();
      const fingerprint = {
        scenarioHash: scenarioHashOf(fields as NonNullable<typeof fields>),
        scenario: scenario.name,
        shipgate: env.shipgate,
        node: env.node,
        cpuModel: env.cpuModel,
        cpuCount: env.cpuCount,
      };
      const widest = Object.entries(band).sort((a, b) => b[1] - a[1])[0];
      const summary = `noise band over ${flags.runs} runs of ${scenario.name}: ${Object.entries(band)
        .map(([m, v]) => `${m} ±${v.toFixed(1)}%`)
        .join(', ')}`;
      const envelope = makeEnvelope(calibrationKind, {
        verdict: 'pass',
        summary,
        startedAt,
        fields: {
          runs: flags.runs,
          fingerprint,
          noiseBandPct: band,
          perRun: runs.map((r) => Object.fromEntries(r.map((s) => [s.metric, s.overall]))),
        },
      });
      const threshold = (await ctx.config()).config.regression.threshold;
      return {
        envelope,
        document: {
          title: 'Calibration',
          verdict: 'pass',
          summary,
          blocks: [
            {
              type: 'table',
              columns: ['metric', 'noise band', `detects a ${threshold}% change?`],
              align: ['left', 'right', 'left'],
              rows: Object.entries(band).map(([m, v]) => [
                m,
                `±${v.toFixed(1)}%`,
                v < threshold
                  ? { text: 'yes', tone: 'good' }
                  : { text: 'no: compare will say inconclusive', tone: 'warn' },
              ]),
            },
            ...(widest && widest[1] >= threshold
              ? [
                  {
                    type: 'paragraph' as const,
                    text: `This runner cannot detect a ${threshold}% change in ${widest[0]} (noise ±${widest[1].toFixed(1)}%): run longer, use a quieter machine, or compare with --ab.`,
                    tone: 'warn' as const,
                  },
                ]
              : []),
          ],
        },
        record: {
          figures: Object.fromEntries(Object.entries(band).map(([m, v]) => [noiseFigure(m), v])),
          labels: {
            scenario: scenario.name,
            scenario_hash: fingerprint.scenarioHash,
            cpu_model: env.cpuModel,
          },
        },
      };
    }),
  );
  examples(cmd, [
    ['shipgate calibrate http://127.0.0.1:8000/api/status -d 20s', 'five 20 s runs of one GET'],
    ['shipgate calibrate --scenario api.yaml --runs 8', 'the scenario a gate uses'],
  ]);
}
