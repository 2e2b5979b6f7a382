import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAndCheckCoverage } from '../../coverage/check.ts';
import { coverageDocument } from '../../coverage/report.ts';
import type { DemoStage } from '../stage.ts';

/**
 * The coverage gate a team would put on its service: run the sample service's own node:test
 * suite under Node's built-in coverage (lcov), then gate it like `shipgate coverage run` does.
 * Branches get their own, lower minimum: the suite exercises the API, not every fault path.
 * The target equals the minimum, so the stage passes or fails without a warn in between.
 */
export const coverageStage: DemoStage = {
  id: 'coverage',
  title: 'Coverage gate',
  async run(ctx) {
    const here = fileURLToPath(import.meta.url);
    // src/demo/stages → the package root (or dist/ when compiled, where the tests are .js)
    const root = join(here, '..', '..', '..', '..');
    const lcov = join(ctx.workspace, 'sample-service.lcov.info');
    const command = [
      process.execPath,
      '--test',
      '--experimental-test-coverage',
      '--test-coverage-include=examples/sample-service/**',
      '--test-reporter=lcov',
      `--test-reporter-destination=${lcov}`,
      `examples/sample-service/tests/*.test${extname(here)}`,
    ];
    const check = await runAndCheckCoverage(
      {
        reports: [],
        cwd: root,
        gate: { min: 80, target: 80, branchMin: 70 },
        html: join(ctx.workspace, 'coverage-html'),
        badge: join(ctx.workspace, 'coverage.svg'),
      },
      command,
      [lcov],
      process.env,
      'ignore',
    );
    const doc = coverageDocument(check.fields, check.verdict, check.summary, check.warnings);
    ctx.log.debug(`coverage HTML report: ${join(ctx.workspace, 'coverage-html', 'index.html')}`);
    return {
      verdict: check.verdict,
      summary: check.summary,
      blocks: doc.blocks.filter((b) => b.type !== 'fields'),
      figures: check.figures,
    };
  },
};
