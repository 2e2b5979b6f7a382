import { BODY_RULES } from './bodies.ts';
import { COMPOSITION_RULES } from './composition.ts';
import { CONSTRAINT_RULES } from './constraints.ts';
import { ENDPOINT_RULES } from './endpoints.ts';
import { PARAMETER_RULES } from './parameters.ts';
import { PROPERTY_RULES } from './properties.ts';
import type { AnyRule } from './rule.ts';
import { SECURITY_RULES } from './security.ts';
import { TYPE_RULES } from './types.ts';
import { VALUE_RULES } from './values.ts';
import { VERSION_RULES } from './versions.ts';

/** Every rule, grouped by area in the order docs/api-rules.md lists them. Adding a rule is one row. */
export const RULE_AREAS: ReadonlyArray<{ area: string; title: string; rules: readonly AnyRule[] }> = [
  { area: 'endpoints', title: 'Endpoints, deprecation and stability', rules: ENDPOINT_RULES },
  { area: 'security', title: 'Security requirements', rules: SECURITY_RULES },
  { area: 'parameters', title: 'Parameters', rules: PARAMETER_RULES },
  { area: 'bodies', title: 'Request bodies, responses, media types and headers', rules: BODY_RULES },
  { area: 'properties', title: 'Properties', rules: PROPERTY_RULES },
  { area: 'types', title: 'Types and formats', rules: TYPE_RULES },
  { area: 'values', title: 'Enums and nullability', rules: VALUE_RULES },
  { area: 'constraints', title: 'Constraints', rules: CONSTRAINT_RULES },
  { area: 'composition', title: 'oneOf / anyOf', rules: COMPOSITION_RULES },
  { area: 'versions', title: 'info.version policy', rules: VERSION_RULES },
];

export const RULES: readonly AnyRule[] = RULE_AREAS.flatMap((a) => a.rules);

export function findRule(id: string): AnyRule | undefined {
  return RULES.find((r) => r.id === id);
}
