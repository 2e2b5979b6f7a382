import { UserError } from '../core/errors.ts';
import type { Bound, Schema } from './model.ts';
import { type Doc, deref, isRef } from './refs.ts';

/**
 * Turns raw JSON Schema (OpenAPI 2.0, 3.0 or 3.1 flavour) into the one normalised Schema shape:
 * - `nullable: true` (3.0), `x-nullable` (2.0), `type: [T, "null"]` (3.1), `enum` with null and
 *   `anyOf`/`oneOf` with a `{type: "null"}` member (pydantic v2's `Optional[X]`) all become
 *   `nullable`; an `anyOf` left with one member collapses into it;
 * - `allOf` pieces are merged into one schema (properties, required, constraints);
 * - 3.0's boolean `exclusiveMaximum` and 3.1's numeric one become one Bound;
 * - FastAPI's `Model-Input`/`Model-Output` names become `Model`.
 * Circular schemas are fine: each raw node is normalised once (memo), and pieces merged from a
 * schema still being built are merged again once everything is built.
 */
export interface SchemaNormaliser {
  normalise(raw: unknown, doc: Doc): Schema;
  /** Completes merges that waited on circular pieces. Call once after the last normalise. */
  finish(): void;
}

const MAX_DEPTH = 500;

export function createSchemaNormaliser(): SchemaNormaliser {
  const memo = new Map<unknown, Schema>();
  const building = new Set<Schema>();
  const deferred: Array<() => boolean> = [];
  let depth = 0;

  const normalise = (raw: unknown, doc: Doc, refName?: string): Schema => {
    if (raw === true || raw === undefined || raw === null) return emptySchema();
    if (raw === false) return { ...emptySchema(), types: [] };
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new UserError(
        `a schema must be an object, found ${Array.isArray(raw) ? 'an array' : typeof raw}`,
        {
          file: doc.label,
        },
      );
    }
    const known = memo.get(raw);
    if (known) return known;
    if (++depth > MAX_DEPTH) throw new UserError('schemas nest too deeply', { file: doc.label });
    try {
      const node = raw as Record<string, unknown>;
      if (isRef(node)) {
        const target = deref(node, doc);
        const siblings = Object.keys(node).filter((k) => k !== '$ref' && !DOC_ONLY.has(k));
        if (siblings.length === 0) {
          const out = normalise(target.node, target.doc, target.name);
          memo.set(raw, out);
          return out;
        }
        // 3.1 allows keywords beside $ref: they apply together, like an allOf of the two.
        const merged = {
          allOf: [{ $ref: node.$ref }],
          ...Object.fromEntries(siblings.map((k) => [k, (node as Record<string, unknown>)[k]])),
        };
        const out = normalise(merged, doc);
        memo.set(raw, out);
        return out;
      }
      const out = emptySchema();
      memo.set(raw, out);
      building.add(out);
      if (refName) out.name = refName.replace(/-(Input|Output)$/, '');
      readOwnKeywords(out, node, (child) => normalise(child, doc));
      for (const part of asArray(node.allOf)) fillLater(out, normalise(part, doc), false);
      collapseNullAlternatives(out, node, doc);
      building.delete(out);
      return out;
    } finally {
      depth--;
    }
  };

  /** `anyOf: [X, {type: null}]` is "X or null": keep X's meaning, remember the null. */
  const collapseNullAlternatives = (out: Schema, node: Record<string, unknown>, doc: Doc): void => {
    for (const keyword of ['anyOf', 'oneOf'] as const) {
      const options = asArray(node[keyword]);
      if (options.length === 0) continue;
      const kept: Schema[] = [];
      let hadNull = false;
      for (const option of options) {
        const s = normalise(option, doc);
        if (isPureNull(s)) hadNull = true;
        else kept.push(s);
      }
      if (hadNull) out.nullable = true;
      if (hadNull && kept.length === 1 && out.types === undefined) {
        fillLater(out, kept[0] as Schema, true);
      } else if (kept.length > 0) {
        out[keyword] = kept;
      }
    }
  };

  const fillLater = (out: Schema, part: Schema, collapse: boolean): void => {
    fillFrom(out, part, collapse);
    if (building.has(part) || deferred.length > 0) deferred.push(() => fillFrom(out, part, collapse));
  };

  return {
    normalise: (raw, doc) => normalise(raw, doc),
    finish() {
      for (let pass = 0; pass < 50; pass++) {
        let changed = false;
        for (const merge of deferred) changed = merge() || changed;
        if (!changed) break;
      }
      deferred.length = 0;
    },
  };
}

const DOC_ONLY = new Set(['description', 'summary', 'title', 'example', 'examples', '$comment']);

export function emptySchema(): Schema {
  return {
    nullable: false,
    extensibleEnum: false,
    properties: {},
    required: [],
    hasDefault: false,
    readOnly: false,
    writeOnly: false,
    deprecated: false,
  };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isPureNull(s: Schema): boolean {
  return s.types !== undefined && s.types.length === 0 && s.nullable;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function bound(
  node: Record<string, unknown>,
  inclusive: string,
  exclusive: string,
  upper: boolean,
): Bound | undefined {
  const plain = num(node[inclusive]);
  const ex = node[exclusive];
  if (typeof ex === 'boolean') return plain === undefined ? undefined : { value: plain, exclusive: ex };
  const exNum = num(ex);
  if (exNum === undefined) return plain === undefined ? undefined : { value: plain, exclusive: false };
  if (plain === undefined) return { value: exNum, exclusive: true };
  // Both given (3.1): the tighter one is what a validator enforces.
  const exTighter = upper ? exNum <= plain : exNum >= plain;
  return exTighter ? { value: exNum, exclusive: true } : { value: plain, exclusive: false };
}

function readOwnKeywords(out: Schema, node: Record<string, unknown>, child: (raw: unknown) => Schema): void {
  const type = node.type;
  if (typeof type === 'string' || Array.isArray(type)) {
    const list = (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string');
    if (list.includes('null')) out.nullable = true;
    out.types = [...new Set(list.filter((t) => t !== 'null'))].sort();
  }
  if (node.nullable === true || node['x-nullable'] === true) out.nullable = true;
  if (typeof node.format === 'string') out.format = node.format;
  const values = Array.isArray(node.enum) ? node.enum : 'const' in node ? [node.const] : undefined;
  if (values) {
    if (values.includes(null)) out.nullable = true;
    out.enum = values.filter((v) => v !== null);
  }
  if (Array.isArray(node['x-extensible-enum'])) {
    out.extensibleEnum = true;
    out.enum ??= (node['x-extensible-enum'] as unknown[]).filter((v) => v !== null);
  }
  if (node.properties && typeof node.properties === 'object') {
    for (const [name, prop] of Object.entries(node.properties as Record<string, unknown>)) {
      out.properties[name] = child(prop);
    }
  }
  if (Array.isArray(node.required))
    out.required = node.required.filter((r): r is string => typeof r === 'string');
  const extra = node.additionalProperties;
  if (typeof extra === 'boolean') out.additionalProperties = extra;
  else if (extra && typeof extra === 'object') out.additionalProperties = child(extra);
  if (node.items && typeof node.items === 'object' && !Array.isArray(node.items))
    out.items = child(node.items);
  const maximum = bound(node, 'maximum', 'exclusiveMaximum', true);
  if (maximum) out.maximum = maximum;
  const minimum = bound(node, 'minimum', 'exclusiveMinimum', false);
  if (minimum) out.minimum = minimum;
  for (const key of ['maxLength', 'minLength', 'maxItems', 'minItems'] as const) {
    const n = num(node[key]);
    if (n !== undefined) out[key] = n;
  }
  if (typeof node.pattern === 'string') out.pattern = node.pattern;
  if ('default' in node) {
    out.hasDefault = true;
    out.default = node.default;
  }
  out.readOnly = node.readOnly === true;
  out.writeOnly = node.writeOnly === true;
  out.deprecated = node.deprecated === true;
}

const SCALARS = [
  'types',
  'format',
  'enum',
  'additionalProperties',
  'items',
  'oneOf',
  'anyOf',
  'maximum',
  'minimum',
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'pattern',
  'name',
] as const;

/**
 * Copies what `part` says and `out` does not: out's own keywords win, properties and required
 * lists are unions. Returns whether anything changed, so deferred merges can run to a fixed point.
 */
function fillFrom(out: Schema, part: Schema, collapse: boolean): boolean {
  if (out === part) return false;
  let changed = false;
  for (const key of SCALARS) {
    if (out[key] === undefined && part[key] !== undefined) {
      (out as unknown as Record<string, unknown>)[key] = part[key];
      changed = true;
    }
  }
  for (const [name, prop] of Object.entries(part.properties)) {
    if (!(name in out.properties)) {
      out.properties[name] = prop;
      changed = true;
    }
  }
  for (const name of part.required) {
    if (!out.required.includes(name)) {
      out.required.push(name);
      changed = true;
    }
  }
  if (!out.hasDefault && part.hasDefault) {
    out.hasDefault = true;
    out.default = part.default;
    changed = true;
  }
  for (const flag of ['readOnly', 'writeOnly', 'deprecated', 'extensibleEnum'] as const) {
    if (part[flag] && !out[flag]) {
      out[flag] = true;
      changed = true;
    }
  }
  // Optional[X] collapses into X and stays nullable; an allOf piece's nullability is not the whole's.
  if (collapse && part.nullable && !out.nullable) {
    out.nullable = true;
    changed = true;
  }
  return changed;
}

/**
 * Structural equality of two normalised schemas, ignoring names and documentation. Memoised per
 * pair; a pair met again while being compared is assumed equal (the usual rule for recursive types).
 */
export function createSchemaEquality(): (a: Schema, b: Schema) => boolean {
  const memo = new WeakMap<Schema, WeakMap<Schema, boolean>>();
  const equal = (a: Schema | undefined, b: Schema | undefined): boolean => {
    if (a === b) return true;
    if (!a || !b) return false;
    let row = memo.get(a);
    const cached = row?.get(b);
    if (cached !== undefined) return cached;
    if (!row) {
      row = new WeakMap();
      memo.set(a, row);
    }
    row.set(b, true);
    const result = compare(a, b);
    row.set(b, result);
    return result;
  };
  const list = (x: Schema[] | undefined, y: Schema[] | undefined): boolean =>
    (x?.length ?? 0) === (y?.length ?? 0) && (x ?? []).every((s, i) => equal(s, (y as Schema[])[i]));
  const compare = (a: Schema, b: Schema): boolean => {
    if (
      a.nullable !== b.nullable ||
      a.format !== b.format ||
      a.pattern !== b.pattern ||
      a.maxLength !== b.maxLength ||
      a.minLength !== b.minLength ||
      a.maxItems !== b.maxItems ||
      a.minItems !== b.minItems ||
      a.hasDefault !== b.hasDefault ||
      a.readOnly !== b.readOnly ||
      a.writeOnly !== b.writeOnly ||
      a.deprecated !== b.deprecated ||
      a.extensibleEnum !== b.extensibleEnum ||
      !sameJson(a.types, b.types) ||
      !sameJson(a.enum, b.enum) ||
      !sameJson(a.maximum, b.maximum) ||
      !sameJson(a.minimum, b.minimum) ||
      !sameJson(a.default, b.default) ||
      !sameJson([...a.required].sort(), [...b.required].sort())
    ) {
      return false;
    }
    const ak = Object.keys(a.properties);
    if (ak.length !== Object.keys(b.properties).length) return false;
    for (const k of ak) if (!equal(a.properties[k], b.properties[k])) return false;
    if (typeof a.additionalProperties === 'object' || typeof b.additionalProperties === 'object') {
      if (
        typeof a.additionalProperties !== 'object' ||
        typeof b.additionalProperties !== 'object' ||
        !equal(a.additionalProperties, b.additionalProperties)
      ) {
        return false;
      }
    } else if (a.additionalProperties !== b.additionalProperties) return false;
    return (
      (a.items === undefined) === (b.items === undefined) &&
      (a.items === undefined || equal(a.items, b.items)) &&
      list(a.oneOf, b.oneOf) &&
      list(a.anyOf, b.anyOf)
    );
  };
  return (a, b) => equal(a, b);
}

export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
