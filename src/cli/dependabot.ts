import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block } from '../report/document.ts';
import { action, examples } from './action.ts';
import type { CommandContext } from './context.ts';
import type { Outcome } from './outcome.ts';

interface LintFlags {
  path?: string;
}

interface InitFlags {
  path: string;
  force?: boolean;
}

const DEFAULT_FILE = '.github/dependabot.yml';

async function outcomeOf(
  action: 'lint' | 'init',
  file: string,
  problems: Array<{ rule: string; level: 'error' | 'warning'; message: string; line?: number }>,
  ecosystems: Array<{ ecosystem: string; directory: string }>,
  written: boolean,
  startedAt: Date,
): Promise<Outcome> {
  const [{ makeEnvelope }, { dependabotKind }, { worstVerdict }] = await Promise.all([
    import('../core/envelope.ts'),
    import('../deps/result.ts'),
    import('../core/verdict.ts'),
  ]);
  const errors = problems.filter((p) => p.level === 'error').length;
  const warnings = problems.length - errors;
  const verdict: Verdict = worstVerdict([errors ? 'fail' : 'pass', warnings ? 'warn' : 'pass']);
  const summary =
    action === 'init'
      ? `wrote ${file} for ${ecosystems.map((e) => e.ecosystem).join(', ')}`
      : problems.length
        ? `${file}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`
        : `${file}: valid (${ecosystems.length} update${ecosystems.length === 1 ? '' : 's'})`;
  const blocks: Block[] = [
    {
      type: 'fields',
      fields: [
        ['file', file],
        ['updates', ecosystems.map((e) => `${e.ecosystem} ${e.directory}`).join(', ') || 'none'],
      ],
    },
  ];
  if (problems.length) {
    blocks.push({
      type: 'table',
      title: 'Problems',
      columns: ['line', 'level', 'rule', 'message'],
      align: ['right', 'left', 'left', 'left'],
      rows: problems.map((p) => [
        p.line ?? '',
        { text: p.level, tone: p.level === 'error' ? 'bad' : 'warn' },
        p.rule,
        p.message,
      ]),
    });
  }
  return {
    envelope: makeEnvelope(dependabotKind, {
      verdict,
      summary,
      startedAt,
      fields: { action, file, ecosystems, problems, written },
    }),
    document: { title: `dependabot ${action}`, verdict, summary, blocks },
    annotations: problems.map((p) => ({
      level: p.level === 'error' ? ('error' as const) : ('warning' as const),
      file,
      ...(p.line ? { line: p.line } : {}),
      title: `dependabot.yml: ${p.rule}`,
      message: p.message,
    })),
    record: { figures: { errors, warnings, updates: ecosystems.length }, labels: { action } },
  };
}

async function directDependencies(
  root: string,
  ecosystem: string,
  directory: string,
): Promise<string[] | undefined> {
  if (!['npm', 'pip', 'uv'].includes(ecosystem)) return undefined;
  const { takeInventory } = await import('../deps/ecosystems/index.ts');
  try {
    const { join } = await import('node:path');
    const names = takeInventory(join(root, directory), root)
      .filter((inv) => (ecosystem === 'npm' ? inv.ecosystem === 'npm' : inv.ecosystem === 'PyPI'))
      .flatMap((inv) => inv.packages.filter((p) => p.direct).map((p) => p.name));
    // No lockfile of this ecosystem there: nothing to judge the patterns by.
    return names.length ? names : undefined;
  } catch {
    return undefined;
  }
}

async function lint(ctx: CommandContext, file: string, rootFlag: string | undefined): Promise<Outcome> {
  const startedAt = new Date();
  const [{ readFileSync }, { basename, dirname, resolve }, { lintDependabot }, { fileError }] =
    await Promise.all([
      import('node:fs'),
      import('node:path'),
      import('../deps/dependabot/lint.ts'),
      import('../core/errors.ts'),
    ]);
  // Update directories are relative to the repository: the folder holding .github/, unless told.
  const folder = dirname(resolve(ctx.cwd, file));
  const root = rootFlag ?? (basename(folder) === '.github' ? dirname(folder) : undefined);
  let text: string;
  try {
    text = readFileSync(resolve(ctx.cwd, file), 'utf8');
  } catch (e) {
    throw fileError(file, e);
  }
  // Group patterns are checked against the lockfiles; collect them first (the rules are synchronous).
  const { parse } = await import('yaml');
  const deps = new Map<string, string[] | undefined>();
  try {
    const doc = parse(text) as { updates?: Array<Record<string, unknown>> };
    for (const u of Array.isArray(doc?.updates) ? doc.updates : []) {
      const eco = String(u?.['package-ecosystem'] ?? '');
      const dir = typeof u?.directory === 'string' ? u.directory : undefined;
      if (dir && root) deps.set(`${eco}|${dir}`, await directDependencies(resolve(ctx.cwd, root), eco, dir));
    }
  } catch {
    // Syntax errors are reported by the linter with their line.
  }
  const result = lintDependabot(text, file, (eco, dir) => deps.get(`${eco}|${dir}`));
  return outcomeOf('lint', file, result.problems, result.ecosystems, false, startedAt);
}

export function registerDependabot(program: Command): void {
  const cmd = program
    .command('dependabot')
    .description(
      "Check or write .github/dependabot.yml: schema, the known pitfalls, and the seed's grouped update policy.",
    );
  const lintCmd = cmd
    .command('lint')
    .description(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names GitHub's expression syntax.
      'Validate dependabot.yml against its schema (unknown keys, bad values) and known pitfalls: update-types "security", ${{ }} expressions, the retired reviewers key, duplicate updates, groups that match no dependency. Exit 1 on errors.',
    )
    .argument('[file]', 'the file to check', DEFAULT_FILE)
    .option('--path <dir>', 'repository root for update directories (default: the folder holding .github/)')
    .action(action<LintFlags>(async (ctx, [file], flags) => lint(ctx, file ?? DEFAULT_FILE, flags.path)));
  examples(lintCmd, [
    ['shipgate dependabot lint', 'check .github/dependabot.yml'],
    ['shipgate dependabot lint ci/dependabot.yml --format markdown', 'another file, as a PR comment'],
  ]);
  const initCmd = cmd
    .command('init')
    .description(
      'Write .github/dependabot.yml for every ecosystem in the repository (npm, pip or uv, docker, github-actions): daily at 06:00 UTC, grouped security / minor+patch / major updates, commit messages with scope.',
    )
    .option('--path <dir>', 'repository root', '.')
    .option('--force', 'replace an existing dependabot.yml')
    .action(
      action<InitFlags>(async (ctx, _args, flags) => {
        const startedAt = new Date();
        const [
          { existsSync },
          { join, resolve, relative },
          { writeFileAtomic },
          { dependabotConfig, detectEcosystems },
          { lintDependabot },
        ] = await Promise.all([
          import('node:fs'),
          import('node:path'),
          import('../core/fs.ts'),
          import('../deps/dependabot/init.ts'),
          import('../deps/dependabot/lint.ts'),
        ]);
        const root = resolve(ctx.cwd, flags.path);
        const target = join(root, DEFAULT_FILE);
        const shown = relative(ctx.cwd, target) || DEFAULT_FILE;
        if (existsSync(target) && !flags.force) {
          throw new UserError(`${shown} already exists`, {
            hint: 'check it with `shipgate dependabot lint`, or pass --force to replace it',
          });
        }
        const ecosystems = detectEcosystems(root);
        if (!ecosystems.length) {
          throw new UserError(`no package manifests found in ${flags.path}`, {
            hint: 'expected package.json, requirements*.txt, pyproject.toml, uv.lock, a Dockerfile or .github/workflows',
          });
        }
        const text = dependabotConfig(ecosystems);
        // What init writes must pass its own linter.
        const check = lintDependabot(text, shown);
        writeFileAtomic(target, text);
        return outcomeOf('init', shown, check.problems, check.ecosystems, true, startedAt);
      }),
    );
  examples(initCmd, [
    ['shipgate dependabot init', 'detect ecosystems here and write .github/dependabot.yml'],
    ['shipgate dependabot init --path services/api --force', 'another repository root, replacing the file'],
  ]);
}
