import { extname } from 'node:path';
import { type Document, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../core/errors.ts';
import { isSecretKey } from '../core/redact.ts';
import { allKeyPaths, describeValue, formatPath, keysAt, schemaAt, unwrap } from './schema.ts';
import { getIn } from './seed.ts';

/**
 * Files people write by hand and shipgate validates with zod — the config file, load scenarios:
 * YAML or JSON text parsed with node positions kept, so every problem is reported as one
 * `file:line: key.path: expected …, got …` line, with did-you-mean for misspelt keys.
 * What a file means (its schema, its defaults, its top-level shape) stays with its own loader.
 */

export interface SourceProblem {
  /** Key path as the user wrote it (`thresholds.apiResponseTime`, `api_endpoints[1].timeout`). */
  path: string;
  /** One line, starting with the path. */
  message: string;
  line?: number;
  hint?: string;
}

/** Every problem found in a file; `format()` prints one `file:line: message` line each. */
export class SourceError extends UserError {
  readonly problems: SourceProblem[];

  constructor(file: string, problems: SourceProblem[]) {
    const first = problems[0] ?? { path: '', message: 'invalid file' };
    super(first.message, { file, line: first.line, hint: first.hint });
    this.problems = problems.length > 0 ? problems : [first];
  }

  override format(): string {
    return this.problems
      .map((p) => new UserError(p.message, { file: this.file, line: p.line, hint: p.hint }).format())
      .join('\n');
  }
}

// ---------------------------------------------------------------------------------------------
// Syntax: both JSON and YAML go through the `yaml` parser for positions (JSON is YAML 1.2), so
// one locator gives line numbers for either.

export type Locate = (path: readonly PropertyKey[]) => number | undefined;

export interface ParsedSource {
  data: unknown;
  locate: Locate;
  warnings: Array<{ message: string; line?: number }>;
}

export function syntaxOf(file: string, text: string): 'json' | 'yaml' {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

/** Parses YAML or JSON (by extension, else by the first character), keeping positions. */
export function parseSource(text: string, file: string): ParsedSource & { syntax: 'json' | 'yaml' } {
  // Editors on Windows may save a byte-order mark, which JSON.parse refuses.
  const clean = text.replace(/^\uFEFF/, '');
  const syntax = syntaxOf(file, clean);
  return { ...(syntax === 'json' ? parseJson(clean, file) : parseYaml(clean, file)), syntax };
}

export function parseYaml(text: string, file: string): ParsedSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    throw new SourceError(file, [
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

export function parseJson(text: string, file: string): ParsedSource {
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
    throw new SourceError(file, [
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
    throw new SourceError(file, [
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

export interface ProblemContext {
  /** The data as the user wrote it, to quote the offending value. */
  data: unknown;
  locate: Locate;
  /** The schema the user's key names belong to (for secrets, did-you-mean). */
  schema: z.ZodType;
  /** From the validated model's paths back to the user's (the seed's file). */
  mapPath?: (path: PropertyKey[]) => PropertyKey[];
}

export function problemsFrom(issues: readonly z.core.$ZodIssue[], context: ProblemContext): SourceProblem[] {
  const { schema } = context;
  const problems: SourceProblem[] = [];
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
      // A pattern's own message says what it wants; "expected regex" would not.
      return issue.format === 'regex' ? issue.message : `expected ${issue.format}, got ${got}`;
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
  const best = closest(key, keysAt(schema, parent) ?? []);
  if (best) return `did you mean '${formatPath([...parent, best])}'?`;
  // A key in the wrong section (`users` at the top level) is found by name anywhere in the schema.
  const elsewhere = allKeyPaths(schema).find((p) => keyDistance(key, p[p.length - 1] as string) === 0);
  return elsewhere ? `did you mean '${elsewhere.join('.').replaceAll('.[]', '[]')}'?` : undefined;
}

/** The candidate closest to `word` (ignoring case and `-`/`_`), if any is close enough to be a typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = keyDistance(word, candidate);
    if (distance <= allowedDistance(word) && (!best || distance < best.distance))
      best = { candidate, distance };
  }
  return best?.candidate;
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
