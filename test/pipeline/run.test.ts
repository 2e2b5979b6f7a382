import { tmpdir } from 'node:os';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandExists, pipelineVerdict, runPipeline } from '../../src/pipeline/run.ts';
import { PIPELINE_STAGES, type PipelineSettings } from '../../src/pipeline/stages.ts';

const settings: PipelineSettings = {
  cwd: tmpdir(),
  junit: 'junit.xml',
  coverageReports: [],
  openapi: 'openapi.json',
  apiBase: 'git:main:openapi.json',
  url: 'http://127.0.0.1:9/health',
  version: 'v1',
  baseline: 'main',
  hasBaseline: false,
  deployEnvironments: [],
  resultsDir: tmpdir(),
};

describe('pipeline runner', () => {
  it('skips a stage whose command this build lacks, naming it, and runs nothing', async () => {
    const program = new Command('shipgate');
    program.command('tests').command('run');
    const results = await runPipeline({
      stages: PIPELINE_STAGES,
      settings: { ...settings, testCommand: ['true'] },
      program,
      // never started: every stage is skipped before a step runs
      shipgate: ['/nonexistent/node'],
      globalArgs: [],
      extraArgs: {},
      env: {},
    });
    expect(results.map((r) => [r.id, r.status, r.reason])).toEqual([
      ['tests', 'skipped', 'shipgate coverage is not in this build'],
      ['audit', 'skipped', 'shipgate audit is not in this build'],
      ['api-diff', 'skipped', 'shipgate api-diff is not in this build'],
      ['staging', 'skipped', 'shipgate staging deploy is not in this build'],
      ['performance', 'skipped', 'shipgate load is not in this build'],
      ['production', 'skipped', 'shipgate deploy is not in this build'],
    ]);
    expect(pipelineVerdict(results)).toBe('warn');
  });

  it('finds commands and subcommands', () => {
    const program = new Command('shipgate');
    program.command('staging').command('validate');
    expect(commandExists(program, ['staging', 'validate'])).toBe(true);
    expect(commandExists(program, ['staging', 'deploy'])).toBe(false);
    expect(commandExists(program, ['deploy'])).toBe(false);
  });

  it('the verdict: a failure wins over inconclusive, inconclusive over skipped', () => {
    const r = (
      status: 'passed' | 'failed' | 'inconclusive' | 'skipped',
      verdict?: 'pass' | 'fail' | 'inconclusive',
    ) => ({
      id: status,
      title: status,
      status,
      command: [],
      durationMs: 0,
      summary: '',
      ...(verdict ? { verdict } : {}),
    });
    expect(pipelineVerdict([r('passed', 'pass'), r('skipped')])).toBe('warn');
    expect(pipelineVerdict([r('passed', 'pass')])).toBe('pass');
    expect(pipelineVerdict([r('inconclusive', 'inconclusive'), r('skipped')])).toBe('inconclusive');
    expect(pipelineVerdict([r('failed', 'fail'), r('inconclusive', 'inconclusive')])).toBe('fail');
  });
});
