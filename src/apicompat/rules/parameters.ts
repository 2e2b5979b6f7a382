import type { Parameter } from '../model.ts';
import { sameJson } from '../schema.ts';
import { type ParameterSubject, rule } from './rule.ts';

/** Parameters: existence, requiredness, deprecation and default values. */

type Both = ParameterSubject & { base: Parameter; head: Parameter };
const both = (s: ParameterSubject): s is Both => s.base !== undefined && s.head !== undefined;
const json = (v: unknown): string => JSON.stringify(v);

export const PARAMETER_RULES = [
  rule({
    id: 'new-required-request-parameter',
    level: 'ERR',
    hook: 'parameter',
    description: 'A required query, header or cookie parameter was added: existing calls lack it.',
    check: (s) => !s.base && s.head && s.head.in !== 'path' && s.head.required && `new required ${s.label}`,
  }),
  rule({
    id: 'new-optional-request-parameter',
    level: 'INFO',
    hook: 'parameter',
    description: 'An optional parameter was added.',
    check: (s) => !s.base && s.head && s.head.in !== 'path' && !s.head.required && `new optional ${s.label}`,
  }),
  rule({
    id: 'new-request-path-parameter',
    level: 'ERR',
    hook: 'parameter',
    description: 'A path parameter was added to an existing operation.',
    check: (s) => !s.base && s.head?.in === 'path' && `new path parameter '${s.head.name}'`,
  }),
  rule({
    id: 'request-parameter-removed',
    level: 'WARN',
    hook: 'parameter',
    description: 'A parameter was removed: clients still sending it may be ignored or refused.',
    check: (s) => s.base && !s.head && `${s.label} removed`,
  }),
  rule({
    id: 'request-parameter-became-required',
    level: 'ERR',
    hook: 'parameter',
    description: 'An optional parameter became required.',
    check: (s) => both(s) && !s.base.required && s.head.required && `${s.label} became required`,
  }),
  rule({
    id: 'request-parameter-became-optional',
    level: 'INFO',
    hook: 'parameter',
    description: 'A required parameter became optional.',
    check: (s) => both(s) && s.base.required && !s.head.required && `${s.label} became optional`,
  }),
  rule({
    id: 'request-parameter-deprecated',
    level: 'INFO',
    hook: 'parameter',
    description: 'A parameter was deprecated.',
    check: (s) => both(s) && !s.base.deprecated && s.head.deprecated && `${s.label} deprecated`,
  }),
  rule({
    id: 'request-parameter-reactivated',
    level: 'INFO',
    hook: 'parameter',
    description: 'A deprecated parameter is no longer deprecated.',
    check: (s) => both(s) && s.base.deprecated && !s.head.deprecated && `${s.label} no longer deprecated`,
  }),
  rule({
    id: 'request-parameter-default-value-changed',
    level: 'ERR',
    hook: 'parameter',
    description: 'The default of a parameter changed: callers that relied on it get other behaviour.',
    check: (s) =>
      both(s) &&
      s.base.schema.hasDefault &&
      s.head.schema.hasDefault &&
      !sameJson(s.base.schema.default, s.head.schema.default) &&
      `${s.label} default changed from ${json(s.base.schema.default)} to ${json(s.head.schema.default)}`,
  }),
  rule({
    id: 'request-parameter-default-value-added',
    level: 'ERR',
    hook: 'parameter',
    description: 'A parameter got a default value: omitting it no longer means "not given".',
    check: (s) =>
      both(s) &&
      !s.base.schema.hasDefault &&
      s.head.schema.hasDefault &&
      `${s.label} got default ${json(s.head.schema.default)}`,
  }),
  rule({
    id: 'request-parameter-default-value-removed',
    level: 'ERR',
    hook: 'parameter',
    description: 'A parameter lost its default value.',
    check: (s) =>
      both(s) &&
      s.base.schema.hasDefault &&
      !s.head.schema.hasDefault &&
      `${s.label} default ${json(s.base.schema.default)} removed`,
  }),
  rule({
    id: 'request-path-parameter-renamed',
    level: 'INFO',
    hook: 'parameter',
    description: 'A path parameter was renamed; the endpoint is the same (shipgate rule).',
    check: (s) =>
      both(s) &&
      s.base.in === 'path' &&
      s.base.name !== s.head.name &&
      `path parameter '${s.base.name}' renamed to '${s.head.name}'`,
  }),
];
