/**
 * The normalised view of an OpenAPI document that the rules compare. Every input version
 * (Swagger 2.0, OpenAPI 3.0, 3.1) and every spelling of the same thing (three forms of "nullable",
 * `allOf` pieces, FastAPI's `Model-Input`/`Model-Output` twins) ends up in this one shape, so a rule
 * is written once and never sees how a document happened to say it.
 */

export const LEVELS = ['ERR', 'WARN', 'INFO'] as const;
export type Level = (typeof LEVELS)[number];

/** ERR outranks WARN outranks INFO: `--fail-on WARN` fails on both. */
export const LEVEL_RANK: Record<Level, number> = { ERR: 3, WARN: 2, INFO: 1 };

export interface Bound {
  value: number;
  exclusive: boolean;
}

export interface Schema {
  /** JSON types without "null"; undefined when the schema allows any type. */
  types?: string[];
  format?: string;
  nullable: boolean;
  /** Allowed values without null (a `const` is an enum of one). */
  enum?: unknown[];
  /** `x-extensible-enum`: clients were told to expect values beyond the list. */
  extensibleEnum: boolean;
  properties: Record<string, Schema>;
  required: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  maximum?: Bound;
  minimum?: Bound;
  maxLength?: number;
  minLength?: number;
  maxItems?: number;
  minItems?: number;
  pattern?: string;
  hasDefault: boolean;
  default?: unknown;
  readOnly: boolean;
  writeOnly: boolean;
  deprecated: boolean;
  /** Component name with FastAPI's `-Input`/`-Output` suffix dropped; for messages and matching. */
  name?: string;
}

export interface Parameter {
  in: string;
  name: string;
  required: boolean;
  deprecated: boolean;
  schema: Schema;
  /** JSON pointer of the parameter in its document. */
  pointer: string;
}

export interface MediaType {
  schema?: Schema;
  pointer: string;
}

export interface RequestBody {
  required: boolean;
  content: Map<string, MediaType>;
  pointer: string;
}

export interface Header {
  required: boolean;
  schema: Schema;
  pointer: string;
}

export interface Response {
  status: string;
  content: Map<string, MediaType>;
  /** Keyed by lower-case name: HTTP header names are case-insensitive. */
  headers: Map<string, Header & { name: string }>;
  pointer: string;
}

/** One security alternative: scheme name → scopes. The list of alternatives is an OR. */
export type SecurityRequirement = Record<string, string[]>;

export interface Operation {
  /** `GET /pets/{}`: method plus the path with parameter names blanked, so renaming `{id}` matches. */
  key: string;
  method: string;
  /** The path as written in the document. */
  path: string;
  /** The path with parameter names blanked; what endpoint matching uses. */
  normalisedPath: string;
  pointer: string;
  operationId?: string;
  tags: string[];
  deprecated: boolean;
  /** `x-sunset` as written (an RFC 3339 date). */
  sunset?: string;
  /** `x-stability-level`: draft, alpha, beta or stable (missing = stable). */
  stability?: string;
  /** Effective requirements (the operation's own, or the document's); empty = anonymous allowed. */
  security: SecurityRequirement[];
  /** Keyed by `in:name` (header names lower-cased; path parameters by position, `path:#0`). */
  parameters: Map<string, Parameter>;
  requestBody?: RequestBody;
  responses: Map<string, Response>;
}

export interface Spec {
  /** Where it came from, as the user named it. */
  source: string;
  /** `2.0`, `3.0.3`, `3.1.0`, … */
  openapi: string;
  title: string;
  /** `info.version`: the API's own version. */
  version: string;
  operations: Map<string, Operation>;
  /** Normalised paths present, to tell a removed path from a removed operation. */
  paths: Set<string>;
  /** What normalisation did, for `--debug` and the explanation trace. */
  notes: string[];
}

/** One finding: what changed, how bad, where. */
export interface Change {
  id: string;
  level: Level;
  /** `GET /pets/{petId}` as written in the head document (the base one for removals), or `-` for the document. */
  operation: string;
  /** JSON pointer into the dereferenced document (head, or base for removals). */
  location: string;
  message: string;
  /** First 12 hex digits of SHA-256 over rule id, normalised operation and logical location. */
  fingerprint: string;
}
