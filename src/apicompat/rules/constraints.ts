import type { Bound, Level, Schema } from '../model.ts';
import { type AnyRule, rule, WHERE_LABEL, type Where } from './rule.ts';

/**
 * Bounds: maximum/minimum (exclusive forms included), lengths, item counts, patterns. A tighter
 * bound breaks requests that used to be valid; a looser one in a response sends clients values
 * they were told could not happen.
 */
interface Constraint {
  /** Id part: `max`, `min-length`, … */
  id: string;
  /** Keyword shown in messages. */
  keyword: string;
  upper: boolean;
  read(s: Schema): Bound | undefined;
}

const count = (key: 'maxLength' | 'minLength' | 'maxItems' | 'minItems') => (s: Schema) =>
  s[key] === undefined ? undefined : { value: s[key] as number, exclusive: false };

const CONSTRAINTS: Record<string, Constraint> = {
  max: { id: 'max', keyword: 'maximum', upper: true, read: (s) => s.maximum },
  min: { id: 'min', keyword: 'minimum', upper: false, read: (s) => s.minimum },
  maxLength: { id: 'max-length', keyword: 'maxLength', upper: true, read: count('maxLength') },
  minLength: { id: 'min-length', keyword: 'minLength', upper: false, read: count('minLength') },
  maxItems: { id: 'max-items', keyword: 'maxItems', upper: true, read: count('maxItems') },
  minItems: { id: 'min-items', keyword: 'minItems', upper: false, read: count('minItems') },
};

type Event = 'tightened' | 'loosened' | 'set' | 'unset';

function eventOf(c: Constraint, b: Bound | undefined, h: Bound | undefined): Event | undefined {
  if (!b && !h) return undefined;
  if (!b) return 'set';
  if (!h) return 'unset';
  if (b.value === h.value) {
    if (b.exclusive === h.exclusive) return undefined;
    return h.exclusive ? 'tightened' : 'loosened';
  }
  return (c.upper ? h.value < b.value : h.value > b.value) ? 'tightened' : 'loosened';
}

const show = (b: Bound | undefined): string =>
  b ? `${b.exclusive ? '<' : ''}${b.value}`.replace(/^</, 'exclusive ') : 'none';

function boundRule(where: Where, c: Constraint, event: Event, level: Level): AnyRule {
  const suffix =
    event === 'set' || event === 'unset'
      ? event
      : (event === 'tightened') === c.upper
        ? 'decreased'
        : 'increased';
  const verb = { set: 'was set', unset: 'was removed', tightened: 'was tightened', loosened: 'was relaxed' }[
    event
  ];
  return rule({
    id: `${where}-${c.id}-${suffix}`,
    level,
    hook: 'schema',
    where,
    description: `The ${c.keyword} of a ${WHERE_LABEL[where]} ${verb}${suffix === 'increased' || suffix === 'decreased' ? ` (${suffix})` : ''}.`,
    check: (s) => {
      const b = c.read(s.base);
      const h = c.read(s.head);
      return (
        eventOf(c, b, h) === event &&
        `${s.label} ${c.keyword} ${suffix === 'set' ? 'set to' : suffix === 'unset' ? 'removed, was' : `${suffix} from ${show(b)} to`} ${show(suffix === 'unset' ? b : h)}`
      );
    },
  });
}

function patternRule(where: Where, event: 'added' | 'changed' | 'removed', level: Level): AnyRule {
  return rule({
    id: `${where}-pattern-${event}`,
    level,
    hook: 'schema',
    where,
    description: `A pattern on a ${WHERE_LABEL[where]} was ${event}${event === 'changed' ? ' (it may accept other values; cannot tell which)' : ''}.`,
    check: (s) => {
      const b = s.base.pattern;
      const h = s.head.pattern;
      const actual =
        b === h ? undefined : b === undefined ? 'added' : h === undefined ? 'removed' : 'changed';
      return (
        actual === event &&
        `${s.label} pattern ${event}: ${b === undefined ? '' : `/${b}/`}${b !== undefined && h !== undefined ? ' → ' : ''}${h === undefined ? '' : `/${h}/`}`
      );
    },
  });
}

const REQUEST: Where[] = ['request-parameter', 'request-property', 'request-body'];
const RESPONSE: Where[] = ['response-property', 'response-body'];
const { max, min, maxLength, minLength, maxItems, minItems } = CONSTRAINTS as Record<string, Constraint> & {
  max: Constraint;
  min: Constraint;
  maxLength: Constraint;
  minLength: Constraint;
  maxItems: Constraint;
  minItems: Constraint;
};

export const CONSTRAINT_RULES = [
  ...REQUEST.flatMap((w) => [
    boundRule(w, max, 'tightened', 'ERR'),
    boundRule(w, max, 'set', 'ERR'),
    boundRule(w, max, 'loosened', 'INFO'),
    boundRule(w, min, 'tightened', 'ERR'),
    boundRule(w, min, 'set', 'ERR'),
    boundRule(w, min, 'loosened', 'INFO'),
    boundRule(w, maxLength, 'tightened', 'ERR'),
    boundRule(w, maxLength, 'set', 'ERR'),
    boundRule(w, maxLength, 'loosened', 'INFO'),
    boundRule(w, minLength, 'tightened', 'ERR'),
    boundRule(w, minLength, 'loosened', 'INFO'),
    patternRule(w, 'added', 'ERR'),
    patternRule(w, 'changed', 'WARN'),
    patternRule(w, 'removed', 'INFO'),
  ]),
  ...(['request-parameter', 'request-property'] as Where[]).flatMap((w) => [
    boundRule(w, maxItems, 'tightened', 'ERR'),
    boundRule(w, maxItems, 'set', 'ERR'),
    boundRule(w, minItems, 'tightened', 'ERR'),
    boundRule(w, minItems, 'set', 'ERR'),
  ]),
  ...RESPONSE.flatMap((w) => [
    boundRule(w, max, 'loosened', 'ERR'),
    boundRule(w, max, 'unset', 'ERR'),
    boundRule(w, min, 'loosened', 'ERR'),
    boundRule(w, min, 'unset', 'ERR'),
    boundRule(w, maxLength, 'loosened', 'ERR'),
    boundRule(w, maxLength, 'unset', 'ERR'),
    boundRule(w, minLength, 'loosened', 'ERR'),
  ]),
];
