import type { Level } from '../model.ts';
import { matchOptions, optionName } from './options.ts';
import { type AnyRule, rule, WHERE_LABEL, type Where } from './rule.ts';

/**
 * `oneOf`/`anyOf` options. Options are matched by component name, then content, then type; a
 * request losing an option refuses payloads that used to be valid, a response gaining one sends
 * clients a shape they do not know.
 */
function optionRule(
  where: Where,
  keyword: 'oneOf' | 'anyOf',
  change: 'added' | 'removed',
  level: Level,
): AnyRule {
  const idPart = keyword === 'oneOf' ? 'one-of' : 'any-of';
  return rule({
    id: `${where}-${idPart}-${change}`,
    level,
    hook: 'schema',
    where,
    description: `An option was ${change} ${change === 'added' ? 'to' : 'from'} the \`${keyword}\` of a ${WHERE_LABEL[where]}.`,
    check: (s) => {
      const { removed, added } = matchOptions(s.base[keyword] ?? [], s.head[keyword] ?? [], s.equal);
      // A schema that gains its first oneOf/anyOf changed shape altogether; the type rules speak for it.
      if (!s.base[keyword] || !s.head[keyword]) return undefined;
      const options = change === 'added' ? added : removed;
      return options.map((o) => `${s.label} ${keyword} option '${optionName(o)}' ${change}`);
    },
  });
}

export const COMPOSITION_RULES = [
  optionRule('request-body', 'oneOf', 'removed', 'ERR'),
  optionRule('request-property', 'oneOf', 'removed', 'ERR'),
  optionRule('request-body', 'anyOf', 'removed', 'ERR'),
  optionRule('request-property', 'anyOf', 'removed', 'ERR'),
  optionRule('request-body', 'oneOf', 'added', 'INFO'),
  optionRule('request-property', 'oneOf', 'added', 'INFO'),
  optionRule('response-body', 'oneOf', 'added', 'ERR'),
  optionRule('response-property', 'oneOf', 'added', 'ERR'),
  optionRule('response-body', 'anyOf', 'added', 'ERR'),
  optionRule('response-property', 'anyOf', 'added', 'ERR'),
  optionRule('response-body', 'oneOf', 'removed', 'INFO'),
  optionRule('response-property', 'oneOf', 'removed', 'INFO'),
];
