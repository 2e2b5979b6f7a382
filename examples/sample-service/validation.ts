/**
 * Request validation with FastAPI's (pydantic v2's) error format, so tools written against a real
 * FastAPI service see the same 422 bodies here. The parameter declarations are also what
 * openapi.ts documents: the spec and the checks come from one place.
 */

export interface IntegerQueryParam {
  name: string;
  title: string;
  description: string;
  required: boolean;
  default?: number;
  minimum?: number;
  maximum?: number;
}

export interface ValidationErrorItem {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

export type QueryValues = Record<string, number | undefined>;

const INTEGER = /^\s*[+-]?\d+\s*$/;

/** Parses the declared query parameters, appending a pydantic-style error for each bad one. */
export function parseQuery(
  params: readonly IntegerQueryParam[],
  search: URLSearchParams | undefined,
  errors: ValidationErrorItem[],
): QueryValues {
  const values: QueryValues = {};
  for (const p of params) {
    const raw = search?.get(p.name) ?? null;
    const loc = ['query', p.name];
    if (raw === null) {
      if (p.required) errors.push(missingField(loc));
      values[p.name] = p.default;
      continue;
    }
    if (!INTEGER.test(raw)) {
      errors.push({
        type: 'int_parsing',
        loc,
        msg: 'Input should be a valid integer, unable to parse string as an integer',
        input: raw,
      });
      continue;
    }
    const n = Number(raw);
    if (p.minimum !== undefined && n < p.minimum) {
      errors.push({
        type: 'greater_than_equal',
        loc,
        msg: `Input should be greater than or equal to ${p.minimum}`,
        input: raw,
        ctx: { ge: p.minimum },
      });
    } else if (p.maximum !== undefined && n > p.maximum) {
      errors.push({
        type: 'less_than_equal',
        loc,
        msg: `Input should be less than or equal to ${p.maximum}`,
        input: raw,
        ctx: { le: p.maximum },
      });
    } else {
      values[p.name] = n;
    }
  }
  return values;
}

export function missingField(loc: (string | number)[]): ValidationErrorItem {
  return { type: 'missing', loc, msg: 'Field required', input: null };
}

export function notAString(loc: (string | number)[], input: unknown): ValidationErrorItem {
  return { type: 'string_type', loc, msg: 'Input should be a valid string', input };
}

export function patternMismatch(
  loc: (string | number)[],
  input: string,
  pattern: string,
): ValidationErrorItem {
  return {
    type: 'string_pattern_mismatch',
    loc,
    msg: `String should match pattern '${pattern}'`,
    input,
    ctx: { pattern },
  };
}
