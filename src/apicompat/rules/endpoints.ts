import type { Operation } from '../model.ts';
import { type EndpointSubject, rule } from './rule.ts';

/** Endpoints: existence, deprecation and sunset, stability, operation ids and tags. */

const removed = (s: EndpointSubject): Operation | undefined => (s.base && !s.head ? s.base : undefined);
const pathGone = (s: EndpointSubject, op: Operation): boolean => !s.headSpec.paths.has(op.normalisedPath);
const sunsetAhead = (op: Operation, today: string): boolean =>
  op.sunset !== undefined && op.sunset.slice(0, 10) > today;

const STABILITY = ['draft', 'alpha', 'beta', 'stable'];
const stabilityRank = (op: Operation): number => STABILITY.indexOf(op.stability ?? 'stable');

function removal(wholePath: boolean, state: 'without-deprecation' | 'before-sunset' | 'with-deprecation') {
  return (s: EndpointSubject) => {
    const op = removed(s);
    if (!op || pathGone(s, op) !== wholePath) return undefined;
    const actual = !op.deprecated
      ? 'without-deprecation'
      : sunsetAhead(op, s.today)
        ? 'before-sunset'
        : 'with-deprecation';
    if (actual !== state) return undefined;
    const what = wholePath ? 'path removed' : 'endpoint removed';
    return state === 'without-deprecation'
      ? `${what} without a deprecation period`
      : state === 'before-sunset'
        ? `${what} before its sunset date ${op.sunset}`
        : `${what} after deprecation${op.sunset ? ` (sunset ${op.sunset})` : ''}`;
  };
}

const both = (s: EndpointSubject): s is EndpointSubject & { base: Operation; head: Operation } =>
  s.base !== undefined && s.head !== undefined;

export const ENDPOINT_RULES = [
  rule({
    id: 'api-path-removed-without-deprecation',
    level: 'ERR',
    hook: 'endpoint',
    description: 'A whole path was removed without being deprecated first.',
    check: removal(true, 'without-deprecation'),
  }),
  rule({
    id: 'api-path-removed-before-sunset',
    level: 'ERR',
    hook: 'endpoint',
    description: 'A deprecated path was removed before its `x-sunset` date.',
    check: removal(true, 'before-sunset'),
  }),
  rule({
    id: 'api-path-removed-with-deprecation',
    level: 'INFO',
    hook: 'endpoint',
    description: 'A deprecated path was removed after its sunset date (or it had none).',
    check: removal(true, 'with-deprecation'),
  }),
  rule({
    id: 'api-removed-without-deprecation',
    level: 'ERR',
    hook: 'endpoint',
    description: 'An operation was removed (its path stays) without being deprecated first.',
    check: removal(false, 'without-deprecation'),
  }),
  rule({
    id: 'api-removed-before-sunset',
    level: 'ERR',
    hook: 'endpoint',
    description: 'A deprecated operation was removed before its `x-sunset` date.',
    check: removal(false, 'before-sunset'),
  }),
  rule({
    id: 'api-removed-with-deprecation',
    level: 'INFO',
    hook: 'endpoint',
    description: 'A deprecated operation was removed after its sunset date (or it had none).',
    check: removal(false, 'with-deprecation'),
  }),
  rule({
    id: 'endpoint-added',
    level: 'INFO',
    hook: 'endpoint',
    description: 'An operation was added.',
    check: (s) => !s.base && s.head && 'endpoint added',
  }),
  rule({
    id: 'endpoint-deprecated',
    level: 'INFO',
    hook: 'endpoint',
    description: 'An operation was deprecated without a sunset date.',
    check: (s) =>
      both(s) && !s.base.deprecated && s.head.deprecated && !s.head.sunset && 'endpoint deprecated',
  }),
  rule({
    id: 'endpoint-deprecated-with-sunset',
    level: 'INFO',
    hook: 'endpoint',
    description: 'An operation was deprecated with an `x-sunset` date.',
    check: (s) =>
      both(s) &&
      !s.base.deprecated &&
      s.head.deprecated &&
      s.head.sunset !== undefined &&
      `endpoint deprecated, sunset ${s.head.sunset}`,
  }),
  rule({
    id: 'endpoint-reactivated',
    level: 'INFO',
    hook: 'endpoint',
    description: 'A deprecated operation is no longer deprecated.',
    check: (s) => both(s) && s.base.deprecated && !s.head.deprecated && 'endpoint no longer deprecated',
  }),
  rule({
    id: 'api-sunset-date-changed-too-small',
    level: 'ERR',
    hook: 'endpoint',
    description: 'The `x-sunset` date of a deprecated operation moved earlier.',
    check: (s) =>
      both(s) &&
      s.base.sunset !== undefined &&
      s.head.sunset !== undefined &&
      s.head.sunset.slice(0, 10) < s.base.sunset.slice(0, 10) &&
      `sunset moved earlier, from ${s.base.sunset} to ${s.head.sunset}`,
  }),
  rule({
    id: 'api-sunset-deleted',
    level: 'ERR',
    hook: 'endpoint',
    description: 'A deprecated operation lost its `x-sunset` date while still deprecated.',
    check: (s) =>
      both(s) &&
      s.base.deprecated &&
      s.head.deprecated &&
      s.base.sunset !== undefined &&
      s.head.sunset === undefined &&
      `sunset date ${s.base.sunset} removed`,
  }),
  rule({
    id: 'api-stability-decreased',
    level: 'ERR',
    hook: 'endpoint',
    description: 'The `x-stability-level` went down (stable → beta → alpha → draft; missing = stable).',
    check: (s) =>
      both(s) &&
      stabilityRank(s.head) >= 0 &&
      stabilityRank(s.head) < stabilityRank(s.base) &&
      `stability decreased from ${s.base.stability ?? 'stable'} to ${s.head.stability}`,
  }),
  rule({
    id: 'api-stability-increased',
    level: 'INFO',
    hook: 'endpoint',
    description: 'The `x-stability-level` went up.',
    check: (s) =>
      both(s) &&
      stabilityRank(s.base) >= 0 &&
      stabilityRank(s.head) > stabilityRank(s.base) &&
      `stability increased from ${s.base.stability} to ${s.head.stability ?? 'stable'}`,
  }),
  rule({
    id: 'api-invalid-stability-level',
    level: 'ERR',
    hook: 'endpoint',
    description: '`x-stability-level` is not one of draft, alpha, beta, stable.',
    check: (s) =>
      s.head !== undefined &&
      stabilityRank(s.head) < 0 &&
      `invalid x-stability-level '${s.head.stability}' (draft, alpha, beta or stable)`,
  }),
  rule({
    id: 'api-operation-id-removed',
    level: 'INFO',
    hook: 'endpoint',
    description: 'The operationId was removed or changed (generated clients rename the method).',
    check: (s) =>
      both(s) &&
      s.base.operationId !== undefined &&
      s.head.operationId !== s.base.operationId &&
      (s.head.operationId
        ? `operationId changed from '${s.base.operationId}' to '${s.head.operationId}'`
        : `operationId '${s.base.operationId}' removed`),
  }),
  rule({
    id: 'api-operation-id-added',
    level: 'INFO',
    hook: 'endpoint',
    description: 'An operationId was added.',
    check: (s) =>
      both(s) &&
      s.base.operationId === undefined &&
      s.head.operationId !== undefined &&
      `operationId '${s.head.operationId}' added`,
  }),
  rule({
    id: 'api-tag-removed',
    level: 'INFO',
    hook: 'endpoint',
    description: 'A tag was removed from an operation.',
    check: (s) =>
      both(s) && s.base.tags.filter((t) => !s.head.tags.includes(t)).map((t) => `tag '${t}' removed`),
  }),
  rule({
    id: 'api-tag-added',
    level: 'INFO',
    hook: 'endpoint',
    description: 'A tag was added to an operation.',
    check: (s) =>
      both(s) && s.head.tags.filter((t) => !s.base.tags.includes(t)).map((t) => `tag '${t}' added`),
  }),
];
