import { type PropertySubject, rule } from './rule.ts';

/** Object properties in request and response bodies: existence and requiredness. */
const added = (s: PropertySubject): boolean => !s.base && s.head !== undefined;
const removed = (s: PropertySubject): boolean => s.base !== undefined && !s.head;
const kept = (s: PropertySubject): boolean => s.base !== undefined && s.head !== undefined;

export const PROPERTY_RULES = [
  rule({
    id: 'new-required-request-property',
    level: 'ERR',
    hook: 'property',
    where: 'request-property',
    description:
      'A required property was added to a request body: existing requests lack it (even if it has a default).',
    check: (s) => added(s) && s.requiredHead && `new required ${s.label}`,
  }),
  rule({
    id: 'new-optional-request-property',
    level: 'INFO',
    hook: 'property',
    where: 'request-property',
    description: 'An optional property was added to a request body.',
    check: (s) => added(s) && !s.requiredHead && `new optional ${s.label}`,
  }),
  rule({
    id: 'request-property-removed',
    level: 'WARN',
    hook: 'property',
    where: 'request-property',
    description: 'A request property was removed: clients still sending it may be refused or ignored.',
    check: (s) => removed(s) && `${s.label} removed`,
  }),
  rule({
    id: 'request-property-became-required',
    level: 'ERR',
    hook: 'property',
    where: 'request-property',
    description: 'An optional request property became required.',
    check: (s) => kept(s) && !s.requiredBase && s.requiredHead && `${s.label} became required`,
  }),
  rule({
    id: 'request-property-became-optional',
    level: 'INFO',
    hook: 'property',
    where: 'request-property',
    description: 'A required request property became optional.',
    check: (s) => kept(s) && s.requiredBase && !s.requiredHead && `${s.label} became optional`,
  }),
  rule({
    id: 'response-required-property-removed',
    level: 'ERR',
    hook: 'property',
    where: 'response-property',
    description: 'A required response property was removed: clients reading it break.',
    check: (s) => removed(s) && s.requiredBase && `required ${s.label} removed`,
  }),
  rule({
    id: 'response-optional-property-removed',
    level: 'WARN',
    hook: 'property',
    where: 'response-property',
    description: 'An optional response property was removed.',
    check: (s) => removed(s) && !s.requiredBase && `optional ${s.label} removed`,
  }),
  rule({
    id: 'response-property-became-optional',
    level: 'ERR',
    hook: 'property',
    where: 'response-property',
    description: 'A required response property became optional: clients may not find it.',
    check: (s) => kept(s) && s.requiredBase && !s.requiredHead && `${s.label} became optional`,
  }),
  rule({
    id: 'response-property-became-required',
    level: 'INFO',
    hook: 'property',
    where: 'response-property',
    description: 'An optional response property became required.',
    check: (s) => kept(s) && !s.requiredBase && s.requiredHead && `${s.label} became required`,
  }),
  rule({
    id: 'response-required-property-added',
    level: 'INFO',
    hook: 'property',
    where: 'response-property',
    description: 'A required property was added to a response.',
    check: (s) => added(s) && s.requiredHead && `new required ${s.label}`,
  }),
  rule({
    id: 'response-optional-property-added',
    level: 'INFO',
    hook: 'property',
    where: 'response-property',
    description: 'An optional property was added to a response.',
    check: (s) => added(s) && !s.requiredHead && `new optional ${s.label}`,
  }),
];
