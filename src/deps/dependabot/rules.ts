import type { Locate } from '../../config/source.ts';
import { isObject } from '../ecosystems/format.ts';

/**
 * Semantic checks of a dependabot.yml beyond its schema — the mistakes the schema cannot name,
 * PiWardrive's among them. One rule = id + level + check; the linter iterates the table and the
 * docs list it.
 */
export interface LintProblem {
  rule: string;
  level: 'error' | 'warning';
  message: string;
  line?: number;
}

export interface RuleContext {
  data: Record<string, unknown>;
  locate: Locate;
  /** Direct dependency names in the lockfiles of an update's directory (for group patterns). */
  dependenciesOf(ecosystem: string, directory: string): string[] | undefined;
}

export interface DependabotRule {
  id: string;
  level: 'error' | 'warning';
  description: string;
  check(ctx: RuleContext): Array<{ message: string; path: PropertyKey[] }>;
}

function updates(ctx: RuleContext): Array<[number, Record<string, unknown>]> {
  const list = ctx.data.updates;
  return Array.isArray(list)
    ? list.map((u, i) => [i, u] as [number, Record<string, unknown>]).filter(([, u]) => isObject(u))
    : [];
}

function groups(update: Record<string, unknown>): Array<[string, Record<string, unknown>]> {
  return isObject(update.groups)
    ? Object.entries(update.groups).filter((e): e is [string, Record<string, unknown>] => isObject(e[1]))
    : [];
}

function* strings(value: unknown, path: PropertyKey[]): Generator<[string, PropertyKey[]]> {
  if (typeof value === 'string') yield [value, path];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`);
}

/** Dependabot's cooldown takes only default-days for these ecosystems. */
const NO_SEMVER_COOLDOWN = new Set([
  'github-actions',
  'docker',
  'docker-compose',
  'gitsubmodule',
  'terraform',
  'devcontainers',
]);

export const DEPENDABOT_RULES: readonly DependabotRule[] = [
  {
    id: 'security-update-type',
    level: 'error',
    description:
      '`update-types: ["security"]` is not a thing; security groups use `applies-to: security-updates`.',
    check: (ctx) =>
      updates(ctx).flatMap(([i, u]) =>
        groups(u).flatMap(([name, g]) =>
          Array.isArray(g['update-types'])
            ? g['update-types'].flatMap((t, j) =>
                t === 'security'
                  ? [
                      {
                        message: `group '${name}': update-types "security" is invalid — use applies-to: security-updates`,
                        path: ['updates', i, 'groups', name, 'update-types', j],
                      },
                    ]
                  : !['major', 'minor', 'patch'].includes(String(t))
                    ? [
                        {
                          message: `group '${name}': update-types takes major, minor or patch, not ${JSON.stringify(t)}`,
                          path: ['updates', i, 'groups', name, 'update-types', j],
                        },
                      ]
                    : [],
              )
            : [],
        ),
      ),
  },
  {
    id: 'expression-not-evaluated',
    level: 'error',
    description:
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text names GitHub's expression syntax.
      '`${{ … }}` is GitHub Actions syntax; dependabot.yml is not evaluated, so the text is used literally.',
    check: (ctx) =>
      [...strings(ctx.data, [])]
        .filter(([s]) => s.includes('${{'))
        .map(([s, path]) => ({
          message: `${JSON.stringify(s)}: \${{ }} is not evaluated in dependabot.yml`,
          path,
        })),
  },
  {
    id: 'reviewers-retired',
    level: 'error',
    description:
      '`reviewers` was retired on 2025-08-08; request reviews with a CODEOWNERS file (assignees remain).',
    check: (ctx) =>
      updates(ctx)
        .filter(([, u]) => u.reviewers !== undefined)
        .map(([i]) => ({
          message: 'reviewers is no longer supported — use CODEOWNERS',
          path: ['updates', i, 'reviewers'],
        })),
  },
  {
    id: 'directory-missing',
    level: 'error',
    description: 'Each update needs `directory` or `directories`.',
    check: (ctx) =>
      updates(ctx)
        .filter(([, u]) => u.directory === undefined && u.directories === undefined)
        .map(([i]) => ({ message: 'set directory (e.g. "/") or directories', path: ['updates', i] })),
  },
  {
    id: 'duplicate-update',
    level: 'error',
    description: 'Two updates for the same ecosystem, directory and target branch conflict.',
    check: (ctx) => {
      const seen = new Map<string, number>();
      const out: Array<{ message: string; path: PropertyKey[] }> = [];
      for (const [i, u] of updates(ctx)) {
        const dirs =
          typeof u.directory === 'string'
            ? [u.directory]
            : Array.isArray(u.directories)
              ? u.directories.map(String)
              : [];
        for (const d of dirs) {
          const key = `${String(u['package-ecosystem'])}|${d.replace(/\/+$/, '') || '/'}|${String(u['target-branch'] ?? '')}`;
          const first = seen.get(key);
          if (first !== undefined)
            out.push({
              message: `${u['package-ecosystem']} in ${d} is already configured by updates[${first}]`,
              path: ['updates', i],
            });
          else seen.set(key, i);
        }
      }
      return out;
    },
  },
  {
    id: 'schedule-fields',
    level: 'error',
    description: '`cron` needs `cronjob`; `day` only applies to weekly schedules.',
    check: (ctx) =>
      updates(ctx).flatMap(([i, u]) => {
        const s = isObject(u.schedule) ? u.schedule : {};
        const out: Array<{ message: string; path: PropertyKey[] }> = [];
        if (s.interval === 'cron' && !s.cronjob)
          out.push({ message: 'interval cron needs a cronjob', path: ['updates', i, 'schedule'] });
        if (s.day !== undefined && s.interval !== 'weekly') {
          out.push({
            message: `day is ignored unless interval is weekly (it is ${String(s.interval)})`,
            path: ['updates', i, 'schedule', 'day'],
          });
        }
        return out;
      }),
  },
  {
    id: 'cooldown-semver',
    level: 'warning',
    description: 'Some ecosystems (github-actions, docker, …) take only `cooldown.default-days`.',
    check: (ctx) =>
      updates(ctx).flatMap(([i, u]) =>
        NO_SEMVER_COOLDOWN.has(String(u['package-ecosystem'])) && isObject(u.cooldown)
          ? Object.keys(u.cooldown)
              .filter((k) => k.startsWith('semver-'))
              .map((k) => ({
                message: `${u['package-ecosystem']} ignores cooldown.${k}; use default-days`,
                path: ['updates', i, 'cooldown', k],
              }))
          : [],
      ),
  },
  {
    id: 'group-matches-nothing',
    level: 'warning',
    description:
      "A group whose patterns match none of the directory's direct dependencies never opens a pull request.",
    check: (ctx) =>
      updates(ctx).flatMap(([i, u]) => {
        const dir = typeof u.directory === 'string' ? u.directory : undefined;
        const deps = dir ? ctx.dependenciesOf(String(u['package-ecosystem']), dir) : undefined;
        if (!deps) return [];
        return groups(u)
          .filter(
            ([, g]) =>
              Array.isArray(g.patterns) && !g.patterns.some((p) => deps.some((d) => glob(String(p)).test(d))),
          )
          .map(([name]) => ({
            message: `group '${name}' matches none of the ${deps.length} direct dependencies in ${dir}`,
            path: ['updates', i, 'groups', name],
          }));
      }),
  },
];
