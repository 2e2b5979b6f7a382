import type { Command } from 'commander';
import { action, examples } from './action.ts';
import { deployOutcome, openDeployEnvironment } from './deploy.ts';

interface ValidateFlags {
  url?: string;
  token?: string;
  junit?: string;
  perf: boolean;
}

/**
 * `shipgate staging deploy VERSION`: a blue-green deploy to the `staging` environment.
 * `shipgate staging validate`: the seed's staging checks against a running staging.
 */
export function registerStaging(program: Command): void {
  const staging = program
    .command('staging')
    .description('Deploy to the staging environment and validate it with the seed staging checks.');

  staging
    .command('deploy')
    .description(
      'Blue-green deploy of VERSION to the `staging` environment of the config (same flow as `deploy`).',
    )
    .argument('<version>', 'the version to deploy')
    .action(
      action(async (ctx, [version]) => {
        const startedAt = new Date();
        const e = await openDeployEnvironment(ctx, 'staging');
        const { runDeploy } = await import('../deploy/run.ts');
        return deployOutcome(startedAt, 'deploy', await runDeploy(e, version as string));
      }),
    );

  const validate = staging
    .command('validate')
    .description(
      'Run the staging checks: health (status, version, timestamp), DB connectivity time, endpoints (status, JSON, 2 s), ' +
        'a concurrent burst (>= 90 % success), and performance against the production baseline.',
    )
    .option('--url <url>', 'staging base URL (default: staging.url, else the staging environment router)')
    .option(
      '--token <token>',
      'bearer token (default: the variable named by service.auth.tokenEnv, STAGING_AUTH_TOKEN)',
    )
    .option('--junit <file>', 'also write the checks as JUnit XML')
    .option('--no-perf', 'leave out the performance comparison (it runs a short load test)')
    .action(
      action<ValidateFlags>(async (ctx, _args, flags) => {
        const startedAt = new Date();
        const [
          { config },
          { validateStaging, stagingDocument, stagingJunit },
          { makeEnvelope },
          { stagingKind },
        ] = await Promise.all([
          ctx.config(),
          import('../deploy/staging/validate.ts'),
          import('../core/envelope.ts'),
          import('../deploy/result.ts'),
        ]);
        const { UserError } = await import('../core/errors.ts');
        const { registerSecret } = await import('../core/redact.ts');
        const routerEnv = config.deploy.staging?.router;
        const url =
          flags.url ??
          config.staging.url ??
          (routerEnv ? `http://${routerEnv.host}:${routerEnv.listen}` : undefined);
        if (!url) {
          throw new UserError('no staging URL', {
            hint: 'pass --url, set staging.url, or configure deploy.staging',
          });
        }
        const auth = config.service.auth;
        const token = flags.token ?? auth.token ?? ctx.env[auth.tokenEnv];
        if (token) registerSecret(token);
        const headers: Record<string, string> = token
          ? { [auth.header]: auth.scheme ? `${auth.scheme} ${token}` : token }
          : {};
        const v = await validateStaging({
          url: url.replace(/\/+$/, ''),
          settings: config.staging,
          headers,
          store: () => ctx.store(),
          perf: flags.perf,
        });
        if (flags.junit) {
          const { writeFileAtomic } = await import('../core/fs.ts');
          writeFileAtomic(flags.junit, stagingJunit(v));
        }
        const counts = (s: string) => v.checks.filter((c) => c.status === s).length;
        return {
          envelope: makeEnvelope(stagingKind, {
            verdict: v.verdict,
            summary: v.summary,
            startedAt,
            fields: { url: v.url, checks: v.checks },
          }),
          document: stagingDocument(v),
          record: {
            figures: { checks: v.checks.length, failed: counts('fail'), skipped: counts('skip') },
            labels: { env: 'staging', url: v.url },
          },
        };
      }),
    );
  examples(validate, [
    [
      'shipgate staging validate --url https://staging.example.com',
      'every check, token from STAGING_AUTH_TOKEN',
    ],
    [
      'shipgate staging validate --junit staging.xml --format markdown',
      'JUnit for CI, Markdown for the PR comment',
    ],
    [
      'shipgate staging validate --no-perf --json staging.json',
      'skip the load test; the shipgate/staging@1 envelope',
    ],
  ]);
  examples(staging, [
    ['shipgate staging deploy 2.4.0', 'blue-green deploy to deploy.staging'],
    ['shipgate staging validate', 'the seed staging checks against it'],
  ]);
}
