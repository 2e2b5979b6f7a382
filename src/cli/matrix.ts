import type { Command } from 'commander';
import { UserError } from '../core/errors.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block } from '../report/document.ts';
import { action, examples } from './action.ts';

interface MatrixFlags {
  path: string;
  date?: string;
  pythonReleases?: string;
}

export function registerMatrix(program: Command): void {
  const cmd = program
    .command('matrix')
    .description(
      "The runtime versions a CI matrix should test: release lines that are out and not past end of life, within the project's engines.node and requires-python. Node's schedule comes from the node-releases data package; Python's from an endoflife.date file (--python-releases). Writes matrix=<json> to $GITHUB_OUTPUT in GitHub Actions.",
    )
    .option('--path <dir>', 'project directory (package.json, pyproject.toml)', '.')
    .option('--date <yyyy-mm-dd>', 'judge support on this date instead of today')
    .option(
      '--python-releases <file>',
      "Python's release schedule in endoflife.date's /api/python.json format",
    )
    .action(
      action<MatrixFlags>(async (ctx, _args, flags) => {
        const startedAt = new Date();
        const [
          { existsSync, readFileSync, readdirSync },
          { join, resolve },
          matrixLib,
          { parse: parseToml },
          { makeEnvelope },
          { matrixKind },
          { worstVerdict },
          { fileError },
          { setStepOutput },
        ] = await Promise.all([
          import('node:fs'),
          import('node:path'),
          import('../deps/matrix.ts'),
          import('smol-toml'),
          import('../core/envelope.ts'),
          import('../deps/result.ts'),
          import('../core/verdict.ts'),
          import('../core/errors.ts'),
          import('../report/github.ts'),
        ]);
        const date = flags.date ?? startedAt.toISOString().slice(0, 10);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
          throw new UserError(`--date '${date}' is not a date like 2026-11-24`);
        }
        const dir = resolve(ctx.cwd, flags.path);
        let files: string[];
        try {
          files = readdirSync(dir);
        } catch (e) {
          throw fileError(flags.path, e);
        }
        const readJsonFile = (name: string): Record<string, unknown> => {
          try {
            return JSON.parse(readFileSync(join(dir, name), 'utf8'));
          } catch (e) {
            throw new UserError(`cannot read ${name}: ${(e as Error).message.split('\n')[0]}`, {
              file: join(flags.path, name),
            });
          }
        };
        const warnings: string[] = [];
        const parts: Verdict[] = ['pass'];
        const runtimes: Record<string, ReturnType<typeof matrixLib.nodeMatrix>> = {};

        if (files.includes('package.json')) {
          const manifest = readJsonFile('package.json');
          const engines = (manifest.engines as Record<string, unknown> | undefined)?.node;
          runtimes.node = matrixLib.nodeMatrix(typeof engines === 'string' ? engines : undefined, date);
        }
        const isPython = files.some(
          (f) => f === 'pyproject.toml' || f === 'uv.lock' || /^requirements.*\.txt$/.test(f),
        );
        if (isPython) {
          let requires: string | undefined;
          if (files.includes('pyproject.toml')) {
            try {
              const doc = parseToml(readFileSync(join(dir, 'pyproject.toml'), 'utf8')) as Record<
                string,
                Record<string, unknown>
              >;
              const project = doc.project as Record<string, unknown> | undefined;
              const poetry = (doc.tool?.poetry as Record<string, Record<string, unknown>> | undefined)
                ?.dependencies;
              const found = project?.['requires-python'] ?? poetry?.python;
              requires = typeof found === 'string' ? found : undefined;
            } catch (e) {
              throw new UserError(`malformed TOML: ${(e as Error).message.split('\n')[0]}`, {
                file: join(flags.path, 'pyproject.toml'),
              });
            }
          }
          if (flags.pythonReleases) {
            const file = resolve(ctx.cwd, flags.pythonReleases);
            if (!existsSync(file))
              throw fileError(flags.pythonReleases, Object.assign(new Error(), { code: 'ENOENT' }));
            let data: unknown;
            try {
              data = JSON.parse(readFileSync(file, 'utf8'));
            } catch (e) {
              throw new UserError(`malformed JSON: ${(e as Error).message.split('\n')[0]}`, {
                file: flags.pythonReleases,
              });
            }
            const lines = matrixLib.pythonReleaseLines(data);
            if (!lines) {
              throw new UserError('not an endoflife.date release list', {
                file: flags.pythonReleases,
                hint: 'expected [{"cycle": "3.12", "releaseDate": "2023-10-02", "eol": "2028-10-31", "latest": "3.12.7"}, …]',
              });
            }
            runtimes.python = matrixLib.pythonMatrix(
              requires,
              lines,
              date,
              `endoflife.date format: ${flags.pythonReleases}`,
            );
          } else {
            parts.push('inconclusive');
            warnings.push(
              'a Python project, but no Python release schedule: no maintained package on npm carries one — pass --python-releases FILE (endoflife.date /api/python.json)',
            );
          }
        }
        if (!runtimes.node && !isPython) {
          throw new UserError(`no package.json or Python project files in ${flags.path}`);
        }
        for (const r of Object.values(runtimes)) {
          warnings.push(...r.warnings);
          if (r.versions.length === 0) parts.push('fail');
        }
        if (warnings.length) parts.push('warn');
        const verdict = worstVerdict(parts);
        const matrix = Object.fromEntries(Object.entries(runtimes).map(([k, r]) => [k, r.versions]));
        const summary = Object.keys(matrix).length
          ? Object.entries(matrix)
              .map(([k, v]) => `${k}: ${v.length ? v.join(', ') : 'none supported'}`)
              .join('; ')
          : 'no runtime schedule available';
        setStepOutput('matrix', JSON.stringify(matrix), ctx.env);
        const blocks: Block[] = Object.entries(runtimes).map(([name, r]) => ({
          type: 'fields',
          title: name,
          fields: [
            ['constraint', r.constraint ?? 'none'],
            ['schedule', r.schedule],
            ['test', { text: r.versions.join(', ') || 'none', tone: r.versions.length ? 'good' : 'bad' }],
            ...r.excluded.map((e): [string, string] => [`excluded ${e.version}`, e.reason]),
          ],
        }));
        blocks.push({
          type: 'code',
          title: 'GitHub Actions matrix',
          lang: 'json',
          text: JSON.stringify(matrix),
        });
        if (warnings.length)
          blocks.push({
            type: 'list',
            title: 'Warnings',
            items: warnings.map((w) => ({ text: w, tone: 'warn' })),
          });
        for (const w of warnings) ctx.log.warn(w);
        const strip = (r: ReturnType<typeof matrixLib.nodeMatrix>) => {
          const { warnings: _w, ...rest } = r;
          return rest;
        };
        return {
          envelope: makeEnvelope(matrixKind, {
            verdict,
            summary,
            startedAt,
            warnings,
            fields: {
              date,
              matrix,
              runtimes: {
                ...(runtimes.node ? { node: strip(runtimes.node) } : {}),
                ...(runtimes.python ? { python: strip(runtimes.python) } : {}),
              },
            },
          }),
          document: { title: 'Runtime matrix', verdict, summary, blocks },
          record: {
            figures: Object.fromEntries(Object.entries(matrix).map(([k, v]) => [`${k}_versions`, v.length])),
            labels: { date },
          },
        };
      }),
    );
  examples(cmd, [
    ['shipgate matrix', "Node versions to test from package.json's engines and node-releases"],
    ['shipgate matrix --python-releases python.json', 'Python too, from an endoflife.date release list'],
    ['shipgate matrix --format json | jq -c .matrix', 'the matrix object for a workflow'],
    ['shipgate matrix --date 2027-05-01', 'what the matrix will be after Node 22 reaches end of life'],
  ]);
}
