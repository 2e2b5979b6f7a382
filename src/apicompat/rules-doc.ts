import { RULE_AREAS, RULES } from './rules/index.ts';

/**
 * docs/api-rules.md, generated from the rule table so the documentation cannot drift from what
 * runs. A test compares the file with this output; `UPDATE_DOCS=1 npx vitest run test/apicompat`
 * rewrites it.
 */
export function renderRulesDoc(): string {
  const count = (level: string) => RULES.filter((r) => r.level === level).length;
  const out = [
    '# API compatibility rules',
    '',
    '<!-- Generated from src/apicompat/rules/ by src/apicompat/rules-doc.ts; do not edit by hand. -->',
    '',
    `${RULES.length} rules: ${count('ERR')} ERR (breaking), ${count('WARN')} WARN (may break, cannot tell), ${count('INFO')} INFO.`,
    'Ids follow oasdiff where the concept matches, so approvals and habits carry over; rules marked',
    '"shipgate rule" have no oasdiff counterpart. Requests are contravariant (the server may accept more,',
    'never less) and responses covariant (it may return less variety, never more).',
  ];
  for (const area of RULE_AREAS) {
    out.push('', `## ${area.title}`, '', '| id | level | what it means |', '| --- | --- | --- |');
    for (const r of area.rules)
      out.push(`| \`${r.id}\` | ${r.level} | ${r.description.replaceAll('|', '\\|')} |`);
  }
  return `${out.join('\n')}\n`;
}
