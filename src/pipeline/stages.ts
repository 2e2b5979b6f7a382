import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pipeline's stages, in the order the workflows run them. Each stage names the shipgate
 * commands it needs and plans the command lines for this repository, or says why it skips. The
 * runner iterates this table; a new stage is one row.
 */
export interface PipelineSettings {
  cwd: string;
  /** The project's test command (argv); it must write JUnit XML to `junit`. */
  testCommand?: string[];
  junit: string;
  coverageReports: string[];
  openapi: string;
  apiBase: string;
  /** What the performance stage loads. */
  url: string;
  version: string;
  baseline: string;
  hasBaseline: boolean;
  deployEnvironments: string[];
  resultsDir: string;
}

export interface StagePlan {
  steps: string[][];
}

export interface PipelineStage {
  id: string;
  title: string;
  /** Commands (with subcommand) the stage runs; missing from this build → skipped. */
  needs: string[][];
  plan(s: PipelineSettings): StagePlan | { skip: string };
}

const json = (s: PipelineSettings, name: string) => ['--json', join(s.resultsDir, `${name}.json`)];

export const PIPELINE_STAGES: readonly PipelineStage[] = [
  {
    id: 'tests',
    title: 'Tests and coverage',
    needs: [['tests', 'run'], ['coverage']],
    plan: (s) =>
      s.testCommand?.length
        ? {
            steps: [
              ['tests', 'run', '--junit', s.junit, ...json(s, 'tests'), '--', ...s.testCommand],
              ['coverage', ...s.coverageReports, ...json(s, 'coverage')],
            ],
          }
        : { skip: 'no test command: pass --test-command "…" (it must write JUnit XML to --junit)' },
  },
  {
    id: 'audit',
    title: 'Dependency audit',
    needs: [['audit']],
    plan: (s) => ({ steps: [['audit', '--path', s.cwd, ...json(s, 'audit')]] }),
  },
  {
    id: 'api-diff',
    title: 'API compatibility',
    needs: [['api-diff']],
    plan: (s) =>
      existsSync(join(s.cwd, s.openapi))
        ? { steps: [['api-diff', s.apiBase, s.openapi, ...json(s, 'api-diff')]] }
        : { skip: `no OpenAPI document at ${s.openapi} (--openapi FILE)` },
  },
  {
    id: 'staging',
    title: 'Staging deploy and validation',
    needs: [
      ['staging', 'deploy'],
      ['staging', 'validate'],
    ],
    plan: (s) =>
      s.deployEnvironments.includes('staging')
        ? {
            steps: [
              ['staging', 'deploy', s.version, ...json(s, 'staging-deploy')],
              ['staging', 'validate', ...json(s, 'staging')],
            ],
          }
        : { skip: 'no deploy.staging in the configuration' },
  },
  {
    id: 'performance',
    title: 'Performance against the baseline',
    needs: [['load'], ['compare']],
    plan: (s) =>
      s.hasBaseline
        ? {
            steps: [
              ['load', s.url, ...json(s, 'load')],
              [
                'compare',
                '--current',
                join(s.resultsDir, 'load.json'),
                '--baseline',
                `name:${s.baseline}`,
                ...json(s, 'compare'),
              ],
            ],
          }
        : {
            skip: `no baseline "${s.baseline}" in the store: shipgate baseline create URL --name ${s.baseline}`,
          },
  },
  {
    id: 'production',
    title: 'Production blue-green deploy',
    needs: [['deploy']],
    plan: (s) =>
      s.deployEnvironments.includes('production')
        ? { steps: [['deploy', s.version, '--env', 'production', ...json(s, 'deploy')]] }
        : { skip: 'no deploy.production in the configuration' },
  },
];
