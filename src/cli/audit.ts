import { type Command, Option } from 'commander';
import { UserError } from '../core/errors.ts';
import { action, examples } from './action.ts';
import { collect, durationArg } from './options.ts';

interface AuditFlags {
  path: string;
  failOn: 'low' | 'moderate' | 'high' | 'critical';
  allowlist?: string;
  source?: string;
  osvDb?: string;
  osvApiUrl: string;
  registry: string;
  timeout: number;
  maxDbAge: number;
  newOnly?: boolean;
  base?: string;
  omitDev?: boolean;
  licenses?: boolean;
  licenseDeny?: string;
  licenseWarn?: string;
  licenseAllow?: string;
  outdated?: boolean;
  sarif: string[];
  sarifOut?: string;
}

const list = (v?: string) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function registerAudit(program: Command): void {
  const cmd = program
    .command('audit')
    .description(
      'Audit the lockfiles in a directory for known vulnerabilities (npm, yarn, pnpm, requirements.txt, poetry, uv, Pipfile), with an allowlist, licence policy, outdated report and ingested SARIF. Exit 1 when a finding reaches --fail-on, 3 when the advisory source could not be asked or is stale.',
    )
    .option('--path <dir>', 'directory with the lockfiles, or one lockfile', '.')
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that fails the gate')
        .choices(['low', 'moderate', 'high', 'critical'])
        .default('low'),
    )
    .option('--allowlist <file>', 'accepted advisories (YAML/JSON: id, path, reason, expires)')
    .addOption(
      new Option(
        '--source <source>',
        'advisory source (default: osv-db when --osv-db is given, else osv-api)',
      ).choices(['npm-bulk', 'osv-api', 'osv-db']),
    )
    .option('--osv-db <dir|zip>', 'offline OSV database: a directory of OSV JSON files or an OSV all.zip')
    .option('--osv-api-url <url>', 'OSV API base URL (a mirror)', 'https://api.osv.dev')
    .option(
      '--registry <url>',
      'npm registry for the bulk advisory endpoint and --outdated',
      'https://registry.npmjs.org',
    )
    .addOption(
      new Option('--timeout <duration>', 'give up on an online source after this long (→ exit 3)')
        .argParser(durationArg)
        .default(30_000, '30s'),
    )
    .addOption(
      new Option('--max-db-age <duration>', 'an offline database older than this is stale (→ exit 3)')
        .argParser(durationArg)
        .default(7 * 86_400_000, '7d'),
    )
    .option('--new-only', 'fail only on vulnerabilities the change introduces (needs --base)')
    .option('--base <ref>', 'git revision to compare the lockfiles with, e.g. origin/main')
    .option('--omit-dev', 'report but do not gate on development-only dependencies')
    .option('--licenses', 'check licences against the policy (GPL/AGPL/SSPL denied, LGPL warned by default)')
    .option('--license-deny <ids>', 'comma-separated SPDX globs to deny (replaces the default)')
    .option('--license-warn <ids>', 'comma-separated SPDX globs to warn about (replaces the default)')
    .option('--license-allow <ids>', 'comma-separated SPDX globs; anything else is denied')
    .option('--outdated', 'report how far direct npm dependencies are behind the registry')
    .addOption(
      new Option('--sarif <file>', 'ingest a SARIF log (semgrep, ESLint, Bandit) or Bandit JSON (repeatable)')
        .argParser(collect)
        .default([], 'none'),
    )
    .option('--sarif-out <file>', 'also write the dependency findings as SARIF 2.1.0')
    .action(
      action<AuditFlags>(async (ctx, _args, flags) => {
        const startedAt = new Date();
        if (flags.newOnly && !flags.base)
          throw new UserError('--new-only needs --base REF (e.g. --base origin/main)');
        if (flags.base && !flags.newOnly) throw new UserError('--base is used with --new-only');
        const source = flags.source ?? (flags.osvDb ? 'osv-db' : 'osv-api');
        if (source === 'osv-db' && !flags.osvDb)
          throw new UserError('--source osv-db needs --osv-db DIR|ZIP');
        const [
          { runAudit },
          { DEFAULT_LICENSE_POLICY },
          { auditDocument, auditAnnotations },
          { makeEnvelope },
          { auditKind },
        ] = await Promise.all([
          import('../deps/audit.ts'),
          import('../deps/licenses.ts'),
          import('../deps/report.ts'),
          import('../core/envelope.ts'),
          import('../deps/result.ts'),
        ]);
        const task = ctx.progress.start(`auditing ${flags.path} (${source})`);
        const result = await runAudit({
          path: flags.path,
          cwd: ctx.cwd,
          failOn: flags.failOn,
          source,
          sourceOptions: {
            ...(flags.osvDb ? { osvDb: flags.osvDb } : {}),
            osvApiUrl: flags.osvApiUrl,
            registry: flags.registry,
            timeoutMs: flags.timeout,
            maxAgeMs: flags.maxDbAge,
            now: startedAt,
          },
          ...(flags.allowlist ? { allowlist: flags.allowlist } : {}),
          ...(flags.base ? { base: flags.base } : {}),
          omitDev: flags.omitDev ?? false,
          ...(flags.licenses || flags.licenseAllow || flags.licenseDeny || flags.licenseWarn
            ? {
                licenses: {
                  deny:
                    flags.licenseDeny !== undefined ? list(flags.licenseDeny) : DEFAULT_LICENSE_POLICY.deny,
                  warn:
                    flags.licenseWarn !== undefined ? list(flags.licenseWarn) : DEFAULT_LICENSE_POLICY.warn,
                  allow: list(flags.licenseAllow),
                },
              }
            : {}),
          outdated: flags.outdated ?? false,
          sarif: flags.sarif,
        }).finally(() => task.done());
        for (const w of result.warnings) ctx.log.warn(w);
        if (flags.sarifOut) {
          const [{ writeFileAtomic }, { toSarif }] = await Promise.all([
            import('../core/fs.ts'),
            import('../deps/sarif.ts'),
          ]);
          writeFileAtomic(flags.sarifOut, `${JSON.stringify(toSarif(result.findings), null, 2)}\n`);
        }
        const { verdict, summary, warnings, ...fields } = result;
        const envelope = makeEnvelope(auditKind, { verdict, summary, startedAt, warnings, fields });
        return {
          envelope,
          document: auditDocument(result),
          annotations: auditAnnotations(result),
          record: {
            figures: {
              packages: result.counts.packages,
              findings: result.findings.length,
              failing: result.counts.failing,
              critical: result.counts.critical,
              high: result.counts.high,
              moderate: result.counts.moderate,
              low: result.counts.low,
              allowlisted: result.counts.allowlisted,
            },
            labels: { source: result.source.id, failOn: result.failOn, path: flags.path },
          },
        };
      }),
    );
  examples(cmd, [
    ['shipgate audit', 'lockfiles in this directory, OSV API, fail on any severity'],
    [
      'shipgate audit --osv-db ~/osv/npm/all.zip --fail-on high',
      'offline OSV snapshot; only high and critical fail',
    ],
    [
      'shipgate audit --source npm-bulk --registry https://npm.internal',
      "the npm registry's bulk endpoint on a mirror",
    ],
    [
      'shipgate audit --allowlist audit-allowlist.yaml --omit-dev',
      'accepted risks with expiry; dev tools do not gate',
    ],
    [
      'shipgate audit --new-only --base origin/main --format markdown',
      'PR gate: only what this change introduces',
    ],
    [
      'shipgate audit --licenses --outdated --sarif bandit.sarif',
      'licence policy, outdated report, Bandit findings',
    ],
    [
      'shipgate audit --json audit.json --sarif-out audit.sarif',
      'envelope for tools, SARIF for code scanning',
    ],
  ]);
}
