import type { Level, Schema } from '../model.ts';
import { type AnyRule, list, rule, WHERE_LABEL, type Where } from './rule.ts';

/** Enum values and nullability. */

const key = (v: unknown): string => JSON.stringify(v);
function missing(from: unknown[], to: unknown[]): unknown[] {
  const present = new Set(to.map(key));
  return from.filter((v) => !present.has(key(v)));
}
const hasEnum = (s: Schema): s is Schema & { enum: unknown[] } => s.enum !== undefined;

function enumRule(where: Where, change: 'removed' | 'added', level: Level): AnyRule {
  return rule({
    id: `${where}-enum-value-${change}`,
    level,
    hook: 'schema',
    where,
    description:
      change === 'removed'
        ? `An allowed value of a ${WHERE_LABEL[where]} was removed${where.startsWith('request-') ? ': requests using it are refused' : ''}.`
        : `A value was added to the enum of a ${WHERE_LABEL[where]}${where.startsWith('response-') ? ': clients may not handle it (`x-extensible-enum` allows it)' : ''}.`,
    check: (s) => {
      if (!hasEnum(s.base) || !hasEnum(s.head)) return undefined;
      if (change === 'added' && where.startsWith('response-') && s.head.extensibleEnum) return undefined;
      const values =
        change === 'removed' ? missing(s.base.enum, s.head.enum) : missing(s.head.enum, s.base.enum);
      return (
        values.length > 0 && `${s.label} enum value${values.length > 1 ? 's' : ''} ${list(values)} ${change}`
      );
    },
  });
}

function becameEnumRule(where: Where): AnyRule {
  return rule({
    id: `${where}-became-enum`,
    level: 'ERR',
    hook: 'schema',
    where,
    description: `A ${WHERE_LABEL[where]} that took any value is now restricted to an enum.`,
    check: (s) =>
      !hasEnum(s.base) && hasEnum(s.head) && `${s.label} is now restricted to ${list(s.head.enum)}`,
  });
}

function nullableRule(where: Where, became: 'nullable' | 'not-nullable', level: Level): AnyRule {
  return rule({
    id: `${where}-became-${became}`,
    level,
    hook: 'schema',
    where,
    description:
      became === 'nullable'
        ? `A ${WHERE_LABEL[where]} may now be null (\`nullable\`, \`type: [T, "null"]\` and \`anyOf\` with null are one thing).`
        : `A ${WHERE_LABEL[where]} may no longer be null.`,
    check: (s) =>
      (became === 'nullable' ? !s.base.nullable && s.head.nullable : s.base.nullable && !s.head.nullable) &&
      `${s.label} became ${became.replace('-', ' ')}`,
  });
}

export const VALUE_RULES = [
  enumRule('request-parameter', 'removed', 'ERR'),
  enumRule('request-property', 'removed', 'ERR'),
  enumRule('request-body', 'removed', 'ERR'),
  enumRule('request-parameter', 'added', 'INFO'),
  enumRule('request-property', 'added', 'INFO'),
  enumRule('response-property', 'added', 'WARN'),
  enumRule('response-body', 'added', 'WARN'),
  enumRule('response-property', 'removed', 'INFO'),
  becameEnumRule('request-parameter'),
  becameEnumRule('request-property'),
  becameEnumRule('request-body'),
  nullableRule('request-parameter', 'not-nullable', 'ERR'),
  nullableRule('request-property', 'not-nullable', 'ERR'),
  nullableRule('request-body', 'not-nullable', 'ERR'),
  nullableRule('request-parameter', 'nullable', 'INFO'),
  nullableRule('request-property', 'nullable', 'INFO'),
  nullableRule('request-body', 'nullable', 'INFO'),
  nullableRule('response-property', 'nullable', 'ERR'),
  nullableRule('response-body', 'nullable', 'ERR'),
  nullableRule('response-property', 'not-nullable', 'INFO'),
];
