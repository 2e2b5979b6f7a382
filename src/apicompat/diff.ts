import { createHash } from 'node:crypto';
import type { Change, Level, MediaType, Operation, Schema, Spec } from './model.ts';
import { escapePointer } from './refs.ts';
import { RULES } from './rules/index.ts';
import { matchOptions } from './rules/options.ts';
import type { AnyRule, Emit, Hook, OpPair, Subjects, Where } from './rules/rule.ts';
import { isRequest } from './rules/rule.ts';
import { createSchemaEquality } from './schema.ts';

export interface DiffOptions {
  rules?: readonly AnyRule[];
  /** "Today", for sunset dates; tests pin it. */
  now?: Date;
  /** Re-rated rules (config `apiDiff.levels`): a level, or `none` to turn the rule off. */
  levels?: Record<string, Level | 'none'>;
}

/**
 * Compares two normalised specs: walks operations, parameters, bodies, responses, headers and
 * schemas once, pairs each element with its counterpart, and hands every pair to the rules of that
 * hook. Equal schema pairs are skipped without a walk (memoised structural equality), which keeps a
 * several-megabyte spec with shared components fast.
 */
export function diffSpecs(base: Spec, head: Spec, options: DiffOptions = {}): Change[] {
  const byHook = new Map<Hook, AnyRule[]>();
  for (const r of options.rules ?? RULES) {
    const level = options.levels?.[r.id] ?? r.level;
    if (level === 'none') continue;
    const list = byHook.get(r.hook) ?? [];
    list.push(level === r.level ? r : { ...r, level });
    byHook.set(r.hook, list);
  }
  const equal = createSchemaEquality();
  const changes: Change[] = [];
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);

  const emit = <H extends Hook>(
    hook: H,
    subject: Subjects[H],
    at: { operation: string; opKey: string; pointer: string; logical: string },
    where?: Where,
  ): void => {
    for (const r of byHook.get(hook) ?? []) {
      if (r.where !== undefined && r.where !== where) continue;
      const messages = normaliseEmit((r.check as (s: Subjects[H]) => Emit)(subject));
      for (const message of messages) {
        changes.push({
          id: r.id,
          level: r.level,
          operation: at.operation,
          location: at.pointer,
          message,
          fingerprint: fingerprint(r.id, at.opKey, at.logical),
        });
      }
    }
  };

  const keys = [...new Set([...base.operations.keys(), ...head.operations.keys()])].sort();
  for (const key of keys) {
    const b = base.operations.get(key);
    const h = head.operations.get(key);
    const shown = h ?? (b as Operation);
    const operation = `${shown.method} ${shown.path}`;
    emit(
      'endpoint',
      { base: b, head: h, baseSpec: base, headSpec: head, today },
      {
        operation,
        opKey: key,
        pointer: shown.pointer,
        logical: 'endpoint',
      },
    );
    if (!b || !h) continue;
    compareOperation({ base: b, head: h }, operation, key);
  }
  emit(
    'document',
    { base, head, changes: [...changes] },
    { operation: '-', opKey: '-', pointer: '/info/version', logical: 'document' },
  );
  return changes;

  function compareOperation(op: OpPair, operation: string, opKey: string): void {
    const at = (pointer: string, logical: string) => ({ operation, opKey, pointer, logical });

    for (const key of union(op.base.parameters.keys(), op.head.parameters.keys())) {
      const b = op.base.parameters.get(key);
      const h = op.head.parameters.get(key);
      const shown = h ?? b;
      if (!shown) continue;
      const label = `${shown.in} parameter '${shown.name}'`;
      const logical = `parameter:${key}`;
      emit('parameter', { op, base: b, head: h, label }, at(shown.pointer, logical));
      if (b && h)
        walk(op, 'request-parameter', label, b.schema, h.schema, at(`${h.pointer}/schema`, logical), '');
    }

    const bb = op.base.requestBody;
    const hb = op.head.requestBody;
    if (bb || hb) {
      emit(
        'requestBody',
        { op, base: bb, head: hb },
        at((hb ?? bb)?.pointer ?? op.head.pointer, 'requestBody'),
      );
    }
    if (bb && hb) {
      media(
        op,
        'request',
        undefined,
        bb.content,
        hb.content,
        'request-body',
        'request body',
        'requestBody',
        at,
      );
    }

    for (const status of union(op.base.responses.keys(), op.head.responses.keys())) {
      const b = op.base.responses.get(status);
      const h = op.head.responses.get(status);
      const shown = (h ?? b) as NonNullable<typeof h>;
      emit('response', { op, status, base: b, head: h }, at(shown.pointer, `response:${status}`));
      if (!b || !h) continue;
      media(
        op,
        'response',
        status,
        b.content,
        h.content,
        'response-body',
        `response body (${status})`,
        `response:${status}`,
        at,
      );
      for (const name of union(b.headers.keys(), h.headers.keys())) {
        const bh = b.headers.get(name);
        const hh = h.headers.get(name);
        const header = (hh ?? bh) as NonNullable<typeof hh>;
        const logical = `response:${status}:header:${name}`;
        emit('header', { op, status, name: header.name, base: bh, head: hh }, at(header.pointer, logical));
        if (bh && hh) {
          walk(
            op,
            'response-header',
            `response header '${header.name}' (${status})`,
            bh.schema,
            hh.schema,
            at(`${hh.pointer}/schema`, logical),
            '',
          );
        }
      }
    }
  }

  function media(
    op: OpPair,
    direction: 'request' | 'response',
    status: string | undefined,
    base: Map<string, MediaType>,
    head: Map<string, MediaType>,
    where: Where,
    label: string,
    logicalPrefix: string,
    at: (
      pointer: string,
      logical: string,
    ) => { operation: string; opKey: string; pointer: string; logical: string },
  ): void {
    for (const mediaType of union(base.keys(), head.keys())) {
      const b = base.get(mediaType);
      const h = head.get(mediaType);
      const shown = (h ?? b) as MediaType;
      const logical = `${logicalPrefix}:${mediaType}`;
      emit(
        'mediaType',
        { op, direction, ...(status ? { status } : {}), mediaType, base: b, head: h },
        at(shown.pointer, logical),
      );
      if (b?.schema && h?.schema) {
        const shownLabel = base.size > 1 || head.size > 1 ? `${label} (${mediaType})` : label;
        walk(op, where, shownLabel, b.schema, h.schema, at(h.pointer, logical), '');
      }
    }
  }

  /** Compares a schema pair and descends into properties, items and oneOf/anyOf options. */
  function walk(
    op: OpPair,
    where: Where,
    root: string,
    b: Schema,
    h: Schema,
    at: { operation: string; opKey: string; pointer: string; logical: string },
    path: string,
    seen: Map<Schema, Set<Schema>> = new Map(),
  ): void {
    if (equal(b, h)) return;
    const pairs = seen.get(b) ?? new Set<Schema>();
    if (pairs.has(h)) return;
    pairs.add(h);
    seen.set(b, pairs);

    const request = isRequest(where);
    const property = where === 'request-property' || where === 'response-property';
    const label = !path
      ? root
      : property
        ? `${request ? 'request' : 'response'} property '${path}'`
        : path === '[]'
          ? `${root} items`
          : `${root} field '${path}'`;
    emit('schema', { op, where, label, base: b, head: h, equal }, at, where);

    const child: Where =
      where === 'request-body' ? 'request-property' : where === 'response-body' ? 'response-property' : where;
    // A readOnly property is not part of a request, a writeOnly one not part of a response.
    const visible = (s: Schema | undefined): Schema | undefined =>
      s && !(request ? s.readOnly : s.writeOnly) ? s : undefined;
    for (const name of union(Object.keys(b.properties), Object.keys(h.properties))) {
      const bp = visible(b.properties[name]);
      const hp = visible(h.properties[name]);
      if (!bp && !hp) continue;
      const propPath = path ? `${path}.${name}` : name;
      const propAt = {
        ...at,
        pointer: `${at.pointer}/properties/${escapePointer(name)}`,
        logical: `${at.logical}/${propPath}`,
      };
      if (child === 'request-property' || child === 'response-property') {
        emit(
          'property',
          {
            op,
            where: child,
            name: propPath,
            label: `${request ? 'request' : 'response'} property '${propPath}'`,
            base: bp,
            head: hp,
            requiredBase: b.required.includes(name),
            requiredHead: h.required.includes(name),
          },
          propAt,
          child,
        );
      }
      if (bp && hp) walk(op, child, root, bp, hp, propAt, propPath, seen);
    }
    if (b.items && h.items) {
      const itemPath = `${path}[]`;
      walk(
        op,
        where,
        root,
        b.items,
        h.items,
        { ...at, pointer: `${at.pointer}/items`, logical: `${at.logical}/${itemPath}` },
        itemPath,
        seen,
      );
    }
    if (typeof b.additionalProperties === 'object' && typeof h.additionalProperties === 'object') {
      const extraPath = `${path}{}`;
      walk(
        op,
        where,
        root,
        b.additionalProperties,
        h.additionalProperties,
        { ...at, pointer: `${at.pointer}/additionalProperties`, logical: `${at.logical}/${extraPath}` },
        extraPath,
        seen,
      );
    }
    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const { pairs: matched } = matchOptions(b[keyword] ?? [], h[keyword] ?? [], equal);
      for (const [i, [bo, ho]] of matched.entries()) {
        walk(
          op,
          where,
          root,
          bo,
          ho,
          {
            ...at,
            pointer: `${at.pointer}/${keyword}/${i}`,
            logical: `${at.logical}/${keyword}:${bo.name ?? i}`,
          },
          path,
          seen,
        );
      }
    }
  }
}

function normaliseEmit(result: Emit): string[] {
  if (!result) return [];
  return Array.isArray(result) ? result : [result];
}

function union<T>(a: Iterable<T>, b: Iterable<T>): T[] {
  return [...new Set([...a, ...b])];
}

/** Stable across runs and reorderings: rule id, normalised operation, logical location. */
export function fingerprint(id: string, opKey: string, logical: string): string {
  return createHash('sha256').update(`${id}:${opKey}:${logical}`).digest('hex').slice(0, 12);
}
