import type { Command } from 'commander';
import { action, examples } from './action.ts';

interface InitOptions {
  ci: string;
  force?: boolean;
  path: string;
  testCommand?: string;
  installCommand?: string;
  junit?: string;
  openapi?: string;
}

export function registerInit(program: Command): void {
  const init = program
    .command('init')
    .description(
      'Put the pipeline into a repository: the four GitHub workflows (dependency testing, staging, production, performance), .github/dependabot.yml and a commented shipgate.config.yaml. Existing files are kept unless --force. Prints what it wrote and which secrets to set.',
    )
    .option('--ci <provider>', 'CI system to write workflows for (github)', 'github')
    .option('--force', 'replace files that already exist')
    .option('--path <dir>', 'repository root', '.')
    .option(
      '--test-command <cmd>',
      "the project's test command; must write JUnit XML to --junit (default: by project kind)",
    )
    .option('--install-command <cmd>', "the project's dependency install (default: npm ci, pip install …)")
    .option('--junit <file>', 'where the test command writes JUnit XML (default: reports/junit.xml)')
    .option(
      '--openapi <file>',
      'the OpenAPI document the API-compatibility step compares (default: found, or openapi.json)',
    )
    .action(
      action<InitOptions>(async (ctx, _args, opts) => {
        const startedAt = new Date();
        const [
          { resolve },
          { existsSync },
          { makeEnvelope },
          { initKind },
          { CI_PROVIDERS, runInit },
          { UserError },
        ] = await Promise.all([
          import('node:path'),
          import('node:fs'),
          import('../core/envelope.ts'),
          import('../pipeline/result.ts'),
          import('../pipeline/init.ts'),
          import('../core/errors.ts'),
        ]);
        if (!CI_PROVIDERS[opts.ci]) {
          throw new UserError(
            `--ci: unknown CI '${opts.ci}'; choose one of ${Object.keys(CI_PROVIDERS).join(', ')}`,
          );
        }
        const root = resolve(ctx.cwd, opts.path);
        if (!existsSync(root)) throw new UserError(`--path: ${opts.path} does not exist`);
        const { config } = await ctx.config();
        const base = new URL(config.service.baseUrl);
        const port = Number(base.port || (base.protocol === 'https:' ? 443 : 80));
        const result = runInit({
          root,
          ci: opts.ci,
          force: opts.force ?? false,
          project: {
            ...(opts.testCommand ? { test: opts.testCommand } : {}),
            ...(opts.installCommand ? { install: opts.installCommand } : {}),
            ...(opts.junit ? { junit: opts.junit } : {}),
            ...(opts.openapi ? { openapi: opts.openapi } : {}),
          },
          service: { port, healthPath: config.service.healthPath },
        });
        const written = result.files.filter((f) => f.action !== 'kept');
        const kept = result.files.filter((f) => f.action === 'kept');
        const verdict = kept.length ? 'warn' : 'pass';
        const summary =
          `${written.length} file${written.length === 1 ? '' : 's'} written for ${result.provider.name}` +
          (kept.length ? `, ${kept.length} kept (exist; --force replaces them)` : '');
        const envelope = makeEnvelope(initKind, {
          verdict,
          summary,
          startedAt,
          fields: {
            root,
            ci: opts.ci,
            project: result.project,
            files: result.files,
            secrets: [...result.provider.secrets],
            variables: [...result.provider.variables],
          },
        });
        return {
          envelope,
          record: { figures: { written: written.length, kept: kept.length }, labels: { ci: opts.ci } },
          document: {
            title: 'shipgate init',
            verdict,
            summary,
            blocks: [
              {
                type: 'table',
                title: 'Files',
                columns: ['file', 'action', 'what'],
                rows: result.files.map((f) => [
                  f.path,
                  { text: f.action, tone: f.action === 'kept' ? 'warn' : 'good' },
                  f.what,
                ]),
              },
              {
                type: 'fields',
                title: `Project (${result.project.profile})`,
                fields: [
                  ['install', result.project.install],
                  ['tests', result.project.test],
                  ['JUnit report', result.project.junit],
                  ['OpenAPI document', result.project.openapi],
                ],
              },
              {
                type: 'table',
                title: 'Set these repository secrets (Settings → Secrets and variables → Actions)',
                columns: ['secret', 'for'],
                rows: result.provider.secrets.map((s) => [s.name, s.purpose]),
              },
              {
                type: 'table',
                title: 'And these variables',
                columns: ['variable', 'for'],
                rows: result.provider.variables.map((v) => [v.name, v.purpose]),
              },
              {
                type: 'list',
                title: 'Next',
                items: [
                  'Configure deploy.staging, deploy.production and deploy.ci in shipgate.config.yaml (docs/pipeline.md).',
                  'Register self-hosted runners labelled "staging" and "production" on those hosts.',
                  'Try the stages locally first: shipgate pipeline run',
                  'Store a baseline the performance workflow compares with: shipgate baseline create URL --name main',
                ],
              },
            ],
          },
        };
      }),
    );
  examples(init, [
    ['shipgate init', 'write the workflows, dependabot.yml and the config into this repository'],
    ['shipgate init --force', 'replace files written earlier (e.g. after upgrading shipgate)'],
    [
      "shipgate init --test-command 'npx vitest run --reporter=junit --outputFile=reports/junit.xml'",
      'a test command that writes JUnit where the workflows read it',
    ],
    ['shipgate init --path services/api --json init.json', 'another repository root; the result as JSON'],
  ]);
}
