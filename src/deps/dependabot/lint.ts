import { parseYaml, problemsFrom } from '../../config/source.ts';
import { isObject } from '../ecosystems/format.ts';
import { DEPENDABOT_RULES, type LintProblem, type RuleContext } from './rules.ts';
import { dependabotSchema } from './schema.ts';

/**
 * Lints dependabot.yml text: YAML syntax (an error here is an input error, exit 2), then the
 * schema (unknown keys with did-you-mean, wrong values), then the semantic rules table.
 */
export function lintDependabot(
  text: string,
  file: string,
  dependenciesOf: RuleContext['dependenciesOf'] = () => undefined,
): { problems: LintProblem[]; ecosystems: Array<{ ecosystem: string; directory: string }> } {
  const parsed = parseYaml(text, file);
  const data = isObject(parsed.data) ? parsed.data : {};
  const problems: LintProblem[] = [];
  const result = dependabotSchema.safeParse(parsed.data);
  if (!result.success) {
    for (const p of problemsFrom(result.error.issues, {
      data: parsed.data,
      locate: parsed.locate,
      schema: dependabotSchema,
    })) {
      problems.push({
        rule: 'schema',
        level: 'error',
        message: p.hint ? `${p.message} — ${p.hint}` : p.message,
        ...(p.line ? { line: p.line } : {}),
      });
    }
  }
  const ctx: RuleContext = { data, locate: parsed.locate, dependenciesOf };
  for (const rule of DEPENDABOT_RULES) {
    for (const hit of rule.check(ctx)) {
      const line = parsed.locate(hit.path);
      problems.push({ rule: rule.id, level: rule.level, message: hit.message, ...(line ? { line } : {}) });
    }
  }
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const ecosystems = (Array.isArray(data.updates) ? data.updates : []).filter(isObject).map((u) => ({
    ecosystem: String(u['package-ecosystem'] ?? ''),
    directory: String(u.directory ?? (Array.isArray(u.directories) ? u.directories.join(',') : '')),
  }));
  return { problems, ecosystems };
}
