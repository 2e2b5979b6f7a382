import type { Operation, SecurityRequirement } from '../model.ts';
import { type EndpointSubject, rule } from './rule.ts';

/**
 * Security requirements are alternatives (OR); each alternative needs all its schemes (AND).
 * An empty list, or an empty alternative `{}`, lets anonymous callers in.
 */
const anonymous = (op: Operation): boolean =>
  op.security.length === 0 || op.security.some((r) => Object.keys(r).length === 0);
const keyOf = (r: SecurityRequirement): string => Object.keys(r).sort().join(' + ');

function alternatives(op: Operation): Map<string, SecurityRequirement> {
  return new Map(op.security.filter((r) => Object.keys(r).length > 0).map((r) => [keyOf(r), r]));
}

type Both = EndpointSubject & { base: Operation; head: Operation };
const both = (s: EndpointSubject): s is Both => s.base !== undefined && s.head !== undefined;

function scopeChanges(s: Both, pick: (b: string[], h: string[]) => string[], verb: string): string[] {
  const base = alternatives(s.base);
  const out: string[] = [];
  for (const [key, req] of alternatives(s.head)) {
    const before = base.get(key);
    if (!before) continue;
    for (const [scheme, scopes] of Object.entries(req)) {
      for (const scope of pick(before[scheme] ?? [], scopes))
        out.push(`security scope '${scope}' ${verb} on '${scheme}'`);
    }
  }
  return out;
}

export const SECURITY_RULES = [
  rule({
    id: 'api-authentication-required',
    level: 'ERR',
    hook: 'endpoint',
    description: 'An operation that anonymous callers could use now requires authentication (shipgate rule).',
    check: (s) =>
      both(s) &&
      anonymous(s.base) &&
      !anonymous(s.head) &&
      `now requires authentication (${[...alternatives(s.head).keys()].join(' or ')})`,
  }),
  rule({
    id: 'api-authentication-no-longer-required',
    level: 'INFO',
    hook: 'endpoint',
    description: 'An operation no longer requires authentication (shipgate rule).',
    check: (s) => both(s) && !anonymous(s.base) && anonymous(s.head) && 'no longer requires authentication',
  }),
  rule({
    id: 'api-security-removed',
    level: 'ERR',
    hook: 'endpoint',
    description: 'A security alternative was removed: callers using it are refused.',
    check: (s) => {
      if (!both(s) || anonymous(s.base) || anonymous(s.head)) return undefined;
      const head = alternatives(s.head);
      return [...alternatives(s.base).keys()]
        .filter((k) => !head.has(k))
        .map((k) => `security '${k}' removed`);
    },
  }),
  rule({
    id: 'api-security-added',
    level: 'INFO',
    hook: 'endpoint',
    description: 'A security alternative was added to an operation that already required authentication.',
    check: (s) => {
      if (!both(s) || anonymous(s.base) || anonymous(s.head)) return undefined;
      const base = alternatives(s.base);
      return [...alternatives(s.head).keys()].filter((k) => !base.has(k)).map((k) => `security '${k}' added`);
    },
  }),
  rule({
    id: 'api-security-scope-added',
    level: 'ERR',
    hook: 'endpoint',
    description: 'A security scope was added to a requirement: existing tokens may lack it.',
    check: (s) => both(s) && scopeChanges(s, (b, h) => h.filter((x) => !b.includes(x)), 'added'),
  }),
  rule({
    id: 'api-security-scope-removed',
    level: 'INFO',
    hook: 'endpoint',
    description: 'A security scope was removed from a requirement.',
    check: (s) => both(s) && scopeChanges(s, (b, h) => b.filter((x) => !h.includes(x)), 'removed'),
  }),
];
