import { join } from 'node:path';
import { evaluateAlone } from '../../testmetrics/evaluate.ts';
import { readReports } from '../../testmetrics/formats/junit.ts';
import { testsDocument } from '../../testmetrics/report.ts';
import { runTestCommand } from '../../testmetrics/runner.ts';
import type { DemoStage } from '../stage.ts';

// src/ beside examples/ when run from source; dist/src beside dist/examples once built (tests compiled to .js)
const ROOT = join(import.meta.dirname, '..', '..', '..');
const EXT = import.meta.filename.endsWith('.ts') ? 'ts' : 'js';

/**
 * What `shipgate tests run --junit FILE -- node --test …` does, on the sample service's own tests:
 * the runner's process tree is sampled, its JUnit report read and gated.
 */
export const testsStage: DemoStage = {
  id: 'tests',
  title: 'Test metrics',
  async run(ctx) {
    const junit = join(ctx.workspace, 'sample-service-junit.xml');
    // Node 24 takes globs, not folders, as test paths
    const argv = [
      process.execPath,
      '--test',
      '--test-reporter=junit',
      `--test-reporter-destination=${junit}`,
      `examples/sample-service/tests/*.test.${EXT}`,
    ];
    const result = await runTestCommand(argv, { cwd: ROOT, env: process.env, quiet: true });
    const run = readReports([junit], { root: ROOT });
    const evaluation = evaluateAlone(run, {
      command: { argv: ['node', ...argv.slice(1)], exitCode: result.exitCode, signal: result.signal },
      ...(result.resources ? { resources: result.resources } : {}),
    });
    const doc = testsDocument(evaluation.fields, evaluation.verdict, evaluation.summary, evaluation.warnings);
    const r = evaluation.fields.resources;
    return {
      verdict: evaluation.verdict,
      summary: r
        ? `${evaluation.summary}; runner process tree: peak RSS ${r.rssPeakMb} MiB, ${r.cpuSeconds} s CPU`
        : evaluation.summary,
      blocks: doc.blocks,
      figures: evaluation.figures,
    };
  },
};
