import type { Level, Schema } from '../model.ts';
import { type AnyRule, describeTypes, rule, WHERE_LABEL, type Where } from './rule.ts';

/**
 * Type and format changes. Requests are contravariant (the server may accept more, never less);
 * responses covariant (it may return less variety, never more). So a widening is harmless in a
 * request and breaking in a response, and a narrowing the other way round.
 */
type Relation = 'same' | 'wider' | 'narrower' | 'changed';

function coversType(outer: string[] | undefined, inner: string[] | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  return inner.every((t) => outer.includes(t) || (t === 'integer' && outer.includes('number')));
}

function typeRelation(b: Schema, h: Schema): Relation {
  const sameTypes = coversType(b.types, h.types) && coversType(h.types, b.types);
  const types: Relation = sameTypes
    ? 'same'
    : coversType(h.types, b.types)
      ? 'wider'
      : coversType(b.types, h.types)
        ? 'narrower'
        : 'changed';
  const format: Relation =
    b.format === h.format
      ? 'same'
      : h.format === undefined
        ? 'wider'
        : b.format === undefined
          ? 'narrower'
          : 'changed';
  if (types === 'same') return format;
  if (format === 'same' || format === types) return types;
  return 'changed';
}

function typeRule(where: Where, kind: 'changed' | 'generalized' | 'specialized', level: Level): AnyRule {
  const request = where.startsWith('request-');
  const fires = (r: Relation): boolean =>
    kind === 'changed'
      ? r === 'changed' || (request ? r === 'narrower' : r === 'wider')
      : kind === 'generalized'
        ? r === 'wider'
        : r === 'narrower';
  return rule({
    id: `${where}-type-${kind}`,
    level,
    hook: 'schema',
    where,
    description:
      kind === 'changed'
        ? `The type or format of a ${WHERE_LABEL[where]} changed in a way ${request ? 'existing requests may no longer satisfy' : 'clients may not expect'}.`
        : kind === 'generalized'
          ? `The type of a ${WHERE_LABEL[where]} was widened (e.g. integer → number); requests that were valid still are.`
          : `The type of a ${WHERE_LABEL[where]} was narrowed (e.g. number → integer); responses stay within what clients expect.`,
    check: (s) => {
      if (!fires(typeRelation(s.base, s.head))) return undefined;
      return `${s.label} type ${kind === 'changed' ? 'changed' : kind} from ${describeTypes(s.base)} to ${describeTypes(s.head)}`;
    },
  });
}

export const TYPE_RULES = [
  ...(
    [
      'request-parameter',
      'request-body',
      'request-property',
      'response-body',
      'response-property',
      'response-header',
    ] as const
  ).map((w) => typeRule(w, 'changed', 'ERR')),
  ...(['request-parameter', 'request-body', 'request-property'] as const).map((w) =>
    typeRule(w, 'generalized', 'INFO'),
  ),
  ...(['response-body', 'response-property'] as const).map((w) => typeRule(w, 'specialized', 'INFO')),
];
