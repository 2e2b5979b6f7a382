import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { lintDependabot } from '../../src/deps/dependabot/lint.ts';
import { runInit } from '../../src/pipeline/init.ts';
import { ROOT } from '../helpers/cli.ts';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'pipeline');
const ajv = new Ajv({ allErrors: true, strict: false });
const validateWorkflow = ajv.compile(
  JSON.parse(readFileSync(join(FIXTURES, 'github-workflow.schema.json'), 'utf8')),
);
const validateAction = ajv.compile(
  JSON.parse(readFileSync(join(FIXTURES, 'github-action.schema.json'), 'utf8')),
);

const WORKFLOWS = [
  'dependency-testing',
  'deploy-staging',
  'deploy-production',
  'performance-monitoring',
  'reports',
];
const SEED_SECRETS = ['SLACK_WEBHOOK_URL', 'MONITORING_URL', 'MONITORING_API_KEY', 'STAGING_AUTH_TOKEN'];

interface Step {
  id?: string;
  run?: string;
  uses?: string;
  if?: string;
}
interface Job {
  env?: Record<string, string>;
  steps: Step[];
  strategy?: { matrix?: unknown };
}

function errorsOf(validate: typeof validateWorkflow): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function actionlint(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v actionlint'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

describe('shipgate init workflows', () => {
  let repo: string;
  const texts = new Map<string, string>();

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'shipgate-init-'));
    writeFileSync(join(repo, 'package.json'), '{"name":"app","scripts":{"test":"vitest"}}');
    writeFileSync(join(repo, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    writeFileSync(join(repo, 'requirements.txt'), 'fastapi==0.110.0\n');
    runInit({ root: repo, ci: 'github', force: false, service: { port: 8000, healthPath: '/api/health' } });
    for (const name of WORKFLOWS)
      texts.set(name, readFileSync(join(repo, '.github', 'workflows', `${name}.yml`), 'utf8'));
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it.each(WORKFLOWS)('%s is valid against the GitHub workflow schema', (name) => {
    const doc = parse(texts.get(name) as string);
    const ok = validateWorkflow(doc);
    expect(errorsOf(validateWorkflow)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: a workflow with a misspelt key is rejected', () => {
    const doc = parse(texts.get('deploy-staging') as string) as {
      jobs: Record<string, Record<string, unknown>>;
    };
    (doc.jobs['build-and-test'] as Record<string, unknown>)['run-on'] = 'ubuntu-latest';
    expect(validateWorkflow(doc)).toBe(false);
  });

  it.each(WORKFLOWS)(
    '%s: every step runs shipgate, the project command or a pinned action — no echo, sleep or || true',
    (name) => {
      const text = texts.get(name) as string;
      expect(text).not.toMatch(/\|\|\s*true/);
      expect(text).not.toMatch(/@@[A-Z_]+@@/);
      const doc = parse(text) as { jobs: Record<string, Job> };
      for (const [jobId, job] of Object.entries(doc.jobs)) {
        for (const step of job.steps) {
          if (step.uses) {
            expect(step.uses, `${jobId}: ${step.uses}`).toMatch(/^actions\/[a-z-]+(\/[a-z-]+)?@v\d+$/);
            continue;
          }
          const run = (step.run ?? '').trim();
          expect(run, `${jobId}: ${run}`).not.toMatch(/^(echo|sleep)\b|\bsleep \d/);
          expect(run, `${jobId}: ${run}`).toMatch(
            /^(shipgate |npm install --global "shipgate@|npm (ci|install)$|python -m pip )/,
          );
        }
      }
    },
  );

  it('the dependency workflow takes its matrix from shipgate matrix and keeps the seed triggers', () => {
    const doc = parse(texts.get('dependency-testing') as string) as {
      on: { pull_request: { paths: string[] }; schedule: Array<{ cron: string }> };
      jobs: Record<string, Job>;
    };
    expect(doc.on.schedule[0]?.cron).toBe('0 2 * * *');
    expect(doc.on.pull_request.paths).toEqual(
      expect.arrayContaining(['requirements*.txt', 'pyproject.toml', 'package*.json']),
    );
    expect(doc.jobs['test-dependencies']?.strategy?.matrix).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
      '${{ fromJSON(needs.matrix.outputs.matrix) }}',
    );
    expect(doc.jobs.matrix?.steps.some((s) => s.run?.startsWith('shipgate matrix'))).toBe(true);
  });

  it('the reports workflow sends the daily summary and, on Mondays, the weekly report, kept as configured', () => {
    const text = texts.get('reports') as string;
    const doc = parse(text) as {
      on: { schedule: Array<{ cron: string }> };
      env: Record<string, string>;
      jobs: Record<string, Job>;
    };
    const crons = doc.on.schedule.map((s) => s.cron);
    expect(crons).toEqual(['0 6 * * *', '30 6 * * 1']);
    // the weekly cron, exactly as written, is what picks the weekly digest
    expect(doc.env.DIGEST).toContain(`github.event.schedule == '${crons[1]}' && 'weekly'`);
    const steps = doc.jobs.digest?.steps ?? [];
    const report = steps.find((s) => s.run?.startsWith('shipgate report'));
    expect(report?.run).toContain('--digest "$DIGEST"');
    expect(report?.id).toBe('report');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JS template
    expect(text).toContain('retention-days: ${{ steps.report.outputs.retention-days || 30 }}');
    for (const name of ['EMAIL_SMTP_SERVER', 'EMAIL_SMTP_PORT', 'EMAIL_USERNAME', 'EMAIL_PASSWORD'])
      expect(doc.jobs.digest?.env?.[name]).toBe(`\${{ secrets.${name} }}`);
  });

  it('the seed inputs are there: force_deploy, tag + skip_staging_validation, performance_test_type + concurrent_users', () => {
    const inputs = (name: string) =>
      Object.keys(
        (parse(texts.get(name) as string) as { on: { workflow_dispatch: { inputs: object } } }).on
          .workflow_dispatch.inputs,
      );
    expect(inputs('deploy-staging')).toEqual(['force_deploy']);
    expect(inputs('deploy-production')).toEqual(['tag', 'skip_staging_validation']);
    expect(inputs('performance-monitoring')).toEqual(['performance_test_type', 'concurrent_users']);
  });

  it('results are uploaded, posted as one sticky comment, and secrets use the seed names', () => {
    const all = [...texts.values()].join('\n');
    for (const name of WORKFLOWS) expect(texts.get(name)).toContain('actions/upload-artifact@v4');
    expect(all.match(/shipgate notify --channel github/g)?.length).toBe(2);
    for (const secret of SEED_SECRETS) expect(all).toContain(`secrets.${secret}`);
    expect(texts.get('performance-monitoring')).toContain('http://127.0.0.1:8000/api/health');
  });

  it('dependabot.yml comes from the dependabot module and passes its linter', () => {
    const text = readFileSync(join(repo, '.github', 'dependabot.yml'), 'utf8');
    const { problems, ecosystems } = lintDependabot(text, '.github/dependabot.yml');
    expect(problems.filter((p) => p.level === 'error')).toEqual([]);
    expect(ecosystems.map((e) => e.ecosystem).sort()).toEqual(['github-actions', 'npm', 'pip']);
  });

  it('the config written is the commented template', () => {
    expect(readFileSync(join(repo, 'shipgate.config.yaml'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'templates', 'shipgate.config.yaml'), 'utf8'),
    );
  });

  it.runIf(actionlint())('actionlint accepts the workflows', () => {
    const res = spawnSync(actionlint() as string, ['-no-color'], { cwd: repo, encoding: 'utf8' });
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});

describe('action.yml', () => {
  it('is a valid composite action that caches the store', () => {
    const doc = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      inputs: Record<string, unknown>;
      runs: { using: string; steps: Step[] };
    };
    expect(validateAction(doc), errorsOf(validateAction).join('\n')).toBe(true);
    expect(Object.keys(doc.inputs)).toEqual(expect.arrayContaining(['command', 'args', 'config']));
    expect(doc.runs.using).toBe('composite');
    expect(doc.runs.steps.some((s) => s.uses === 'actions/cache@v4')).toBe(true);
  });

  it('splits the arguments without evaluating them', () => {
    const doc = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as { runs: { steps: Step[] } };
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell and GitHub syntax, not a JS template
    const script = doc.runs.steps.find((s) => s.run?.includes('"${args[@]}"'))?.run ?? '';
    expect(script).not.toMatch(/\beval\b/);
    expect(script).not.toContain('${{');
  });
});
