import { type Command, Option } from 'commander';
import { UserError } from '../core/errors.ts';
import { registerSecret } from '../core/redact.ts';
import { action, examples } from './action.ts';
import { collect, durationArg, sizeArg } from './options.ts';

interface ApiDiffFlags {
  live?: string;
  spec?: string;
  failOn?: 'ERR' | 'WARN' | 'INFO';
  ignore?: string;
  header?: string[];
  token?: string;
  junit?: string;
  github?: boolean;
  maxSize?: number;
  timeout?: number;
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UserError(`--header '${line}' is not 'Name: value'`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (/^(authorization|cookie|x-api-key)$/i.test(name)) registerSecret(value);
    headers[name] = value;
  }
  return headers;
}

/** Line numbers for annotations, only for a head document that is a local file of modest size. */
async function locatorFor(
  source: string,
  cwd: string,
): Promise<((pointer: string) => number | undefined) | undefined> {
  if (/^(https?:|git:)/.test(source)) return undefined;
  const [{ readFileSync }, { resolve }, { createLocator }] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('../apicompat/locate.ts'),
  ]);
  try {
    return createLocator(readFileSync(resolve(cwd, source), 'utf8'));
  } catch {
    return undefined;
  }
}

export function registerApiDiff(program: Command): void {
  const cmd = program
    .command('api-diff')
    .description(
      'Compare two OpenAPI documents (2.0, 3.0 or 3.1; files, URLs or git:REF:path) and classify every change as ERR (breaking), WARN or INFO with oasdiff-compatible rule ids. Exit 1 when a change at or above --fail-on remains, 2 on an invalid document, 3 when a URL could not be fetched.',
    )
    .argument('[base]', 'the contract clients use today: FILE, URL or git:REF:path')
    .argument('[head]', 'the proposed contract: FILE, URL or git:REF:path')
    .option('--live <url>', 'drift mode: the document a running service serves (compared against --spec)')
    .option('--spec <file>', 'drift mode: the document in the repository')
    .addOption(
      new Option(
        '--fail-on <level>',
        'fail when a change at or above this level remains (default apiDiff.failOn: ERR)',
      ).choices(['ERR', 'WARN', 'INFO']),
    )
    .option(
      '--ignore <file>',
      'approved changes: fingerprint or rule + operation, with reason and expiry (default apiDiff.ignoreFile)',
    )
    .option('--header <header>', "request header for URL sources, 'Name: value' (repeatable)", collect, [])
    .option(
      '--token <token>',
      'bearer token for URL sources (default: the variable apiDiff.tokenEnv names, SHIPGATE_API_TOKEN)',
    )
    .option('--junit <file>', 'also write the changes as JUnit XML')
    .option('--github', 'print GitHub workflow annotations (automatic inside GitHub Actions)')
    .option('--max-size <size>', 'refuse documents larger than this (default 128MB)', sizeArg)
    .option('--timeout <duration>', 'timeout for fetching a URL (default 30s)', durationArg)
    .action(
      action<ApiDiffFlags>(async (ctx, args, flags) => {
        const startedAt = new Date();
        const live = flags.live !== undefined || flags.spec !== undefined;
        if (live && (!flags.live || !flags.spec))
          throw new UserError('--live URL and --spec FILE go together');
        if (live && args.length > 0)
          throw new UserError('give either BASE HEAD or --live URL --spec FILE, not both');
        if (!live && args.length !== 2)
          throw new UserError('api-diff needs BASE and HEAD (or --live URL --spec FILE)');
        const [
          { runApiGate },
          { readIgnoreFile },
          { apiDiffKind },
          report,
          { makeEnvelope },
          { writeFileAtomic },
        ] = await Promise.all([
          import('../apicompat/gate.ts'),
          import('../apicompat/ignore.ts'),
          import('../apicompat/result.ts'),
          import('../apicompat/report.ts'),
          import('../core/envelope.ts'),
          import('../core/fs.ts'),
        ]);
        const settings = (await ctx.config()).config.apiDiff;
        const failOn = flags.failOn ?? settings.failOn;
        const ignoreFile = flags.ignore ?? settings.ignoreFile;
        const token = flags.token ?? ctx.env[settings.tokenEnv];
        const outcome = await runApiGate({
          base: live ? (flags.spec as string) : (args[0] as string),
          head: live ? (flags.live as string) : (args[1] as string),
          mode: live ? 'live' : 'diff',
          failOn,
          levels: settings.levels,
          ignores: ignoreFile ? readIgnoreFile(ignoreFile) : [],
          load: {
            headers: parseHeaders(flags.header ?? []),
            ...(token ? { token } : {}),
            ...(flags.maxSize !== undefined ? { maxBytes: flags.maxSize } : {}),
            ...(flags.timeout !== undefined ? { timeoutMs: flags.timeout } : {}),
            cwd: ctx.cwd,
          },
        });
        const { fields, verdict, summary } = outcome;
        for (const note of fields.notes) ctx.log.debug(note);
        if (flags.junit) writeFileAtomic(flags.junit, report.apiDiffJunit(fields, failOn));
        const annotate = flags.github || ctx.env.GITHUB_ACTIONS === 'true';
        const annotations = annotate
          ? report.apiDiffAnnotations(fields, await locatorFor(fields.head.source, ctx.cwd))
          : [];
        if (flags.github && ctx.env.GITHUB_ACTIONS !== 'true') {
          const { formatAnnotation } = await import('../report/github.ts');
          for (const a of annotations) process.stdout.write(`${formatAnnotation(a)}\n`);
        }
        return {
          envelope: makeEnvelope(apiDiffKind, { verdict, summary, startedAt, fields }),
          document: report.apiDiffDocument(fields, verdict, summary),
          record: {
            figures: {
              breaking: fields.totals.breaking,
              warnings: fields.totals.warnings,
              info: fields.totals.info,
              ignored: fields.totals.ignored,
            },
            labels: { mode: fields.mode, base: fields.base.source, head: fields.head.source },
          },
          annotations,
        };
      }),
    );
  examples(cmd, [
    ['shipgate api-diff openapi-old.json openapi.json', 'two files (JSON or YAML)'],
    ['shipgate api-diff git:origin/main:openapi.yaml openapi.yaml', 'the PR against main, no checkout'],
    [
      'SHIPGATE_API_TOKEN=… shipgate api-diff openapi.json https://staging/openapi.json',
      'a served document behind bearer auth',
    ],
    [
      'shipgate api-diff --live http://127.0.0.1:8000/openapi.json --spec openapi.json',
      'deployed vs declared',
    ],
    ['shipgate api-diff A B --fail-on WARN --ignore api-approvals.yaml', 'stricter gate, approved changes'],
    ['shipgate api-diff A B --format markdown --junit api.xml', 'a PR comment and JUnit for CI'],
  ]);
}
