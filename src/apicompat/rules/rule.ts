import type {
  Change,
  Header,
  Level,
  MediaType,
  Operation,
  Parameter,
  RequestBody,
  Response,
  Schema,
  Spec,
} from '../model.ts';

/**
 * One rule = id + level + description + a check over one kind of element pair ("hook"). The diff
 * engine walks both documents once and hands each matched (or unmatched) pair to the rules of its
 * hook; a rule returns a message (or several) when it applies, nothing otherwise. The same table
 * generates docs/api-rules.md.
 */

/** Which part of an exchange a schema sits in; rule ids start with it (`request-property-…`). */
export const WHERES = [
  'request-parameter',
  'request-body',
  'request-property',
  'response-body',
  'response-property',
  'response-header',
] as const;
export type Where = (typeof WHERES)[number];

export function isRequest(where: Where): boolean {
  return where.startsWith('request-');
}

export interface OpPair {
  base: Operation;
  head: Operation;
}

export interface DocumentSubject {
  base: Spec;
  head: Spec;
  /** Every change the other rules found, for policy rules (version bumps). */
  changes: readonly Change[];
}

export interface EndpointSubject {
  base?: Operation;
  head?: Operation;
  baseSpec: Spec;
  headSpec: Spec;
  /** Today as YYYY-MM-DD, for sunset dates. */
  today: string;
}

export interface ParameterSubject {
  op: OpPair;
  base?: Parameter;
  head?: Parameter;
  /** `query parameter 'limit'` */
  label: string;
}

export interface RequestBodySubject {
  op: OpPair;
  base?: RequestBody;
  head?: RequestBody;
}

export interface MediaTypeSubject {
  op: OpPair;
  direction: 'request' | 'response';
  /** Response status, for response media types. */
  status?: string;
  mediaType: string;
  base?: MediaType;
  head?: MediaType;
}

export interface ResponseSubject {
  op: OpPair;
  status: string;
  base?: Response;
  head?: Response;
}

export interface HeaderSubject {
  op: OpPair;
  status: string;
  name: string;
  base?: Header;
  head?: Header;
}

export interface SchemaSubject {
  op: OpPair;
  where: Where;
  /** `request property 'network.ssid'`, `response body`, `query parameter 'limit'` */
  label: string;
  base: Schema;
  head: Schema;
  /** Structural equality of normalised schemas (memoised by the engine). */
  equal(a: Schema, b: Schema): boolean;
}

export interface PropertySubject {
  op: OpPair;
  where: Where;
  /** Dotted path from the body's top (`networks[].ssid`). */
  name: string;
  label: string;
  base?: Schema;
  head?: Schema;
  requiredBase: boolean;
  requiredHead: boolean;
}

export interface Subjects {
  document: DocumentSubject;
  endpoint: EndpointSubject;
  parameter: ParameterSubject;
  requestBody: RequestBodySubject;
  mediaType: MediaTypeSubject;
  response: ResponseSubject;
  header: HeaderSubject;
  schema: SchemaSubject;
  property: PropertySubject;
}
export type Hook = keyof Subjects;

/** What a check returns: a message per finding, or nothing. */
export type Emit = string | string[] | undefined | null | false;

export interface Rule<H extends Hook = Hook> {
  id: string;
  level: Level;
  description: string;
  hook: H;
  /** For schema and property rules: the part of the exchange the rule is about. */
  where?: Where;
  check(subject: Subjects[H]): Emit;
}

export type AnyRule = { [H in Hook]: Rule<H> }[Hook];

export function rule<H extends Hook>(r: Rule<H>): AnyRule {
  return r as unknown as AnyRule;
}

/** Human name of a part of an exchange, for descriptions. */
export const WHERE_LABEL: Record<Where, string> = {
  'request-parameter': 'request parameter',
  'request-body': 'request body',
  'request-property': 'request property',
  'response-body': 'response body',
  'response-property': 'response property',
  'response-header': 'response header',
};

export function describeTypes(s: Schema): string {
  const types = s.types === undefined ? 'any' : s.types.length === 0 ? 'nothing' : s.types.join('|');
  return s.format ? `${types}/${s.format}` : types;
}

export function isSuccess(status: string): boolean {
  return /^2(\d\d|XX)$/i.test(status);
}

export function list(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}
