import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { fileError, UserError } from '../core/errors.ts';
import { isSecretKey, registerSecret } from '../core/redact.ts';
import { type AppliedOverride, applyEnvOverrides, registerUrlCredentials } from './env.ts';
import {
  allKeyPaths,
  type Config,
  configObjectSchema,
  configSchema,
  defaultConfig,
  describeValue,
  formatPath,
  keysAt,
  schemaAt,
  unwrap,
} from './schema.ts';
import { convertSeed, detectFormat, getIn, seedPathFor, seedSchema } from './seed.ts';

export type ConfigFormat = 'yaml' | 'json' | 'seed-json' | 'defaults';

export interface LoadedConfig {
  config: Config;
  /** The file read, as the user named it or relative to cwd when discovered; absent for defaults. */
  file?: string;
  format: ConfigFormat;
  overrides: AppliedOverride[];
  warnings: string[];
}

export interface LoadConfigOptions {
  /** An explicit file (relative to cwd); it must exist. Without it the file is discovered. */
  file?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Looked for in this order when no file is named; the seed's file is the fallback. */
export const CONFIG_CANDIDATES = [
  'shipgate.config.yaml',
  'shipgate.config.yml',
  'shipgate.config.json',
  'performance_config.json',
  'config/performance_config.json',
] as const;

export interface ConfigProblem {
  /** Key path as the user wrote it (`thresholds.apiResponseTime`, `api_endpoints[1].timeout`). */
  path: string;
  /** One line, starting with the path. */
  message: string;
  line?: number;
  hint?: string;
}

/** Every problem found in a config file; `format()` prints one `file:line: message` line each. */
export class ConfigError extends UserError {
  readonly problems: ConfigProblem[];

  constructor(file: string, problems: ConfigProblem[]) {
    const first = problems[0] ?? { path: '', message: 'invalid configuration' };
    super(first.message, { file, line: first.line, hint: first.hint });
    this.problems = problems.length > 0 ? problems : [first];
  }

  override format(): string {
    return this.problems
      .map((p) => new UserError(p.message, { file: this.file, line: p.line, hint: p.hint }).format())
      .join('\n');
  }
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const found = options.file
    ? { path: resolve(cwd, options.file), shown: options.file }
    : await discover(cwd);

  let loaded: Omit<LoadedConfig, 'overrides'>;
  if (!found) {
    loaded = { config: defaultConfig(), format: 'defaults', warnings: [] };
  } else {
    let text: string;
    try {
      text = await readFile(found.path, 'utf8');
    } catch (e) {
      throw fileError(found.shown, e);
    }
    // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
    loaded = parseConfigText(text.replace(/^\uFEFF/, ''), found.shown);
  }

  const { config, applied } = applyEnvOverrides(loaded.config, env);
  registerSecretsIn(configSchema, config);
  return { ...loaded, config, overrides: applied };
}

async function discover(cwd: string): Promise<{ path: string; shown: string } | undefined> {
  for (const candidate of CONFIG_CANDIDATES) {
    const path = join(cwd, candidate);
    try {
      if ((await stat(path)).isFile()) return { path, shown: candidate };
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
}

/**
 * Parses and validates config text. `file` is only used in messages (and its extension picks
 * JSON or YAML syntax); the seed's format is recognised by its keys.
 */
export function parseConfigText(text: string, file: string): Omit<LoadedConfig, 'overrides'> {
  const syntax = syntaxOf(file, text);
  const shown = file;
  const source = syntax === 'json' ? parseJson(text, shown) : parseYaml(text, shown);
  const warnings = source.warnings.map((w) => `${shown}${w.line ? `:${w.line}` : ''}: ${w.message}`);

  if (source.data === null || source.data === undefined) {
    warnings.push(`${shown}: the file has no settings; using the defaults`);
    return { config: defaultConfig(), file: shown, format: syntax, warnings };
  }
  if (typeof source.data !== 'object' || Array.isArray(source.data)) {
    throw new ConfigError(shown, [
      {
        path: '',
        message: `expected a mapping of sections (service, load, thresholds, …) at the top level, got ${describeValue(source.data)}`,
        line: source.locate([]),
      },
    ]);
  }

  const data = { ...(source.data as Record<string, unknown>) };
  // Editors' JSON-schema hint; harmless, so it is accepted rather than reported as unknown.
  delete data.$schema;

  const { seedKeys, shipgateKeys } = detectFormat(data);
  if (seedKeys.length > 0 && shipgateKeys.length > 0) {
    throw new ConfigError(shown, [
      {
        path: seedKeys[0] as string,
        message: `mixes keys of the seed's performance_config.json (${seedKeys.join(', ')}) with shipgate settings (${shipgateKeys.join(', ')})`,
        line: source.locate((seedKeys[0] as string).split('.')),
        hint: 'use one format per file',
      },
    ]);
  }
  if (seedKeys.length > 0) return loadSeed(data, source, shown, warnings);

  registerSecretsIn(configSchema, data);
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) {
    throw new ConfigError(shown, problemsFrom(parsed.error.issues, { data, locate: source.locate }));
  }
  return { config: parsed.data, file: shown, format: syntax, warnings };
}

function loadSeed(
  data: Record<string, unknown>,
  source: ParsedSource,
  shown: string,
  warnings: string[],
): Omit<LoadedConfig, 'overrides'> {
  registerSecretsIn(seedSchema, data);
  const converted = convertSeed(data);
  if (!converted.ok) {
    throw new ConfigError(
      shown,
      problemsFrom(converted.issues, { data, locate: source.locate, schema: seedSchema }),
    );
  }
  for (const path of converted.unknownKeys) {
    const line = source.locate(path);
    warnings.push(
      `${shown}${line ? `:${line}` : ''}: unknown key '${formatPath(path)}' ignored (not a performance_config.json setting)`,
    );
  }
  const parsed = configSchema.safeParse(converted.input);
  if (!parsed.success) {
    throw new ConfigError(
      shown,
      problemsFrom(parsed.error.issues, {
        data,
        locate: source.locate,
        schema: seedSchema,
        mapPath: (path) => seedPathFor(path) ?? path,
      }),
    );
  }
  return { config: parsed.data, file: shown, format: 'seed-json', warnings };
}

// ---------------------------------------------------------------------------------------------
// Syntax: both JSON and YAML go through the `yaml` parser for positions (JSON is YAML 1.2), so
// one locator gives line numbers for either.

type Locate = (path: readonly PropertyKey[]) => number | undefined;

interface ParsedSource {
  data: unknown;
  locate: Locate;
  warnings: Array<{ message: string; line?: number }>;
}

function syntaxOf(file: string, text: string): 'json' | 'yaml' {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function parseYaml(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    throw new ConfigError(file, [
      {
        path: '',
        message: `malformed YAML: ${error.message}`,
        line: lineCounter.linePos(error.pos[0]).line,
      },
    ]);
  }
  return {
    data: doc.toJS(),
    locate: locator(doc, lineCounter),
    warnings: doc.warnings.map((w) => ({ message: w.message, line: lineCounter.linePos(w.pos[0]).line })),
  };
}

function parseJson(text: string, file: string): ParsedSource {
  if (text.trim() === '') return { data: undefined, locate: () => undefined, warnings: [] };
  const lineCounter = new LineCounter();
  // The json schema makes the yaml parser refuse bare words (tru, NaN) as JSON.parse does, so
  // it can locate errors that V8 reports without a position.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, schema: 'json' });
  let data: unknown;
  try {
    // JSON.parse decides validity: YAML flow syntax is laxer (trailing commas, single quotes).
    data = JSON.parse(text);
  } catch (e) {
    const raw = (e as Error).message;
    const position = /\(line (\d+) column \d+\)/.exec(raw);
    const yamlError = doc.errors[0];
    const line = position
      ? Number(position[1])
      : yamlError
        ? lineCounter.linePos(yamlError.pos[0]).line
        : undefined;
    const message = raw
      // V8 quotes the surrounding text, which may hold a secret; the line number says where.
      .replace(/,\s*(?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
      .replace(/ in JSON at position \d+.*$/s, '')
      .replace(/[\n\r\t]/g, (c) => JSON.stringify(c).slice(1, -1));
    throw new ConfigError(file, [
      {
        path: '',
        message: `malformed JSON: ${message}`,
        line,
        hint: /property name/.test(message)
          ? 'JSON allows no trailing comma and needs double quotes around keys'
          : /Unexpected token/.test(message)
            ? 'JSON strings need double quotes; true, false and null are lowercase'
            : undefined,
      },
    ]);
  }
  const duplicate = doc.errors.find((e) => e.code === 'DUPLICATE_KEY');
  if (duplicate) {
    throw new ConfigError(file, [
      {
        path: '',
        message: 'malformed JSON: duplicate key',
        line: lineCounter.linePos(duplicate.pos[0]).line,
      },
    ]);
  }
  return { data, locate: locator(doc, lineCounter), warnings: [] };
}

/** The 1-based line of the deepest key of `path` that exists in the document. */
function locator(doc: Document, lineCounter: LineCounter): Locate {
  const lineOf = (node: unknown) =>
    isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
  return (path) => {
    let node: unknown = doc.contents;
    let line = lineOf(node);
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment),
        );
        if (!pair) break;
        line = lineOf(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        line = lineOf(item) ?? line;
        node = item;
      } else {
        break;
      }
    }
    return line;
  };
}

// ---------------------------------------------------------------------------------------------
// Messages: one per problem, naming the key path, what was expected and what was found.

interface ProblemContext {
  /** The data as the user wrote it, to quote the offending value. */
  data: unknown;
  locate: Locate;
  /** The schema the user's key names belong to (for secrets, did-you-mean). */
  schema?: z.ZodType;
  /** From the validated model's paths back to the user's (the seed's file). */
  mapPath?: (path: PropertyKey[]) => PropertyKey[];
}

function problemsFrom(issues: readonly z.core.$ZodIssue[], context: ProblemContext): ConfigProblem[] {
  const schema = context.schema ?? configObjectSchema;
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        problems.push({
          path: formatPath(path),
          message: `unknown key '${formatPath(path)}'`,
          line: context.locate(path),
          hint: suggest(schema, issue.path, key),
        });
      }
      continue;
    }
    const path = context.mapPath ? context.mapPath([...issue.path]) : [...issue.path];
    const value = getIn(context.data, path);
    let message = describeIssue(issue, value);
    const isPrimitive = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    if (isPrimitive && value !== '' && isSecretPath(schema, path)) {
      message = message.split(describeValue(value)).join(`a ${typeof value} (not shown: it is a secret)`);
    }
    const where = formatPath(path);
    problems.push({
      path: where,
      message: where ? `${where}: ${message}` : message,
      line: context.locate(path),
      // YAML reads unquoted digits (a numeric password, a port-like token) as a number.
      hint:
        issue.code === 'invalid_type' && issue.expected === 'string' && typeof value === 'number'
          ? 'put the value in quotes'
          : undefined,
    });
  }
  // File order reads best; issues without a line keep their place at the end.
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i)
    .map(({ p }) => p);
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
};

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const got = describeValue(value);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
      return value === undefined ? `missing; expected ${expected}` : `expected ${expected}, got ${got}`;
    }
    case 'too_small': {
      if (issue.origin === 'array' || issue.origin === 'set')
        return `expected at least ${issue.minimum} item(s)`;
      if (issue.origin === 'string') return `expected a non-empty value, got ${got}`;
      return `expected ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}, got ${got}`;
    }
    case 'too_big': {
      if (issue.origin === 'array' || issue.origin === 'set')
        return `expected at most ${issue.maximum} item(s)`;
      return `expected ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}, got ${got}`;
    }
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => String(v)).join(', ')}, got ${got}`;
    case 'invalid_format':
      return `expected ${issue.format}, got ${got}`;
    default:
      // Custom checks and unions carry the schema's own "expected …, got …" message.
      return issue.message;
  }
}

function isSecretPath(schema: z.ZodType, path: readonly PropertyKey[]): boolean {
  const last = path[path.length - 1];
  if (typeof last === 'string' && isSecretKey(last)) return true;
  const at = schemaAt(schema, path);
  return at !== undefined && unwrap(at).meta.secret !== undefined;
}

/** `did you mean 'thresholds.apiResponseTime'?` for a key close to a known one, here or in another section. */
function suggest(schema: z.ZodType, parent: readonly PropertyKey[], key: string): string | undefined {
  const known = keysAt(schema, parent) ?? [];
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = keyDistance(key, candidate);
    if (distance <= allowedDistance(key) && (!best || distance < best.distance))
      best = { key: candidate, distance };
  }
  if (best) return `did you mean '${formatPath([...parent, best.key])}'?`;
  // A key in the wrong section (`users` at the top level) is found by name anywhere in the schema.
  const elsewhere = allKeyPaths(schema).find((p) => keyDistance(key, p[p.length - 1] as string) === 0);
  return elsewhere ? `did you mean '${elsewhere.join('.').replaceAll('.[]', '[]')}'?` : undefined;
}

function allowedDistance(key: string): number {
  return key.length <= 4 ? 1 : key.length <= 8 ? 2 : 3;
}

/** Edit distance ignoring case and separators, so `api_response_time` matches `apiResponseTime`. */
function keyDistance(a: string, b: string): number {
  const x = a.toLowerCase().replace(/[-_\s]/g, '');
  const y = b.toLowerCase().replace(/[-_\s]/g, '');
  const previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= y.length; j++) {
      const above = previous[j] as number;
      previous[j] = Math.min(
        above + 1,
        (previous[j - 1] as number) + 1,
        diagonal + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return previous[y.length] as number;
}

// ---------------------------------------------------------------------------------------------

/**
 * Registers every secret in config-shaped data: fields the schema marks secret, keys named like
 * secrets (the seed's `email_password`, `monitoring_api_key`), and passwords inside any URL.
 * Run on the raw file before validation too, so an error message can't be the first leak.
 */
function registerSecretsIn(schema: z.ZodType | undefined, value: unknown, key?: string): void {
  if (typeof value === 'string') {
    const meta = schema ? unwrap(schema).meta : {};
    if (meta.secret === 'value' || (key !== undefined && isSecretKey(key))) registerSecret(value);
    if (value.includes('://')) registerUrlCredentials(value);
    return;
  }
  if (Array.isArray(value)) {
    const element = schema ? schemaAt(schema, [0]) : undefined;
    for (const item of value) registerSecretsIn(element, item, key);
    return;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value))
      registerSecretsIn(schema ? schemaAt(schema, [k]) : undefined, v, k);
  }
}
