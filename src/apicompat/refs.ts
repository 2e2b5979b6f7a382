import { UserError } from '../core/errors.ts';
import { parseDocument } from './parse.ts';
import type { SourceText } from './source.ts';

/**
 * A document and the documents its `$ref`s reach in other files, loaded up front so that
 * normalisation can stay synchronous. Circular references are fine here: a `$ref` is only looked
 * up, never expanded, until the schema normaliser walks it with its own memo.
 */
export interface Doc {
  label: string;
  root: unknown;
  source: SourceText;
  /** Other files this one names in a `$ref`, by the file part of the reference. */
  siblings: Map<string, Doc>;
}

export interface Resolved {
  node: unknown;
  doc: Doc;
  /** Last segment of the final `$ref` (a component's name), when there was one. */
  name?: string;
  /** Pointer of the target inside its document. */
  pointer?: string;
}

const MAX_FILES = 200;

export async function loadDocSet(source: SourceText, root?: unknown): Promise<Doc> {
  const byLabel = new Map<string, Doc>();
  const load = async (src: SourceText, value?: unknown): Promise<Doc> => {
    const known = byLabel.get(src.label);
    if (known) return known;
    if (byLabel.size >= MAX_FILES)
      throw new UserError(`more than ${MAX_FILES} referenced files`, { file: src.label });
    const doc: Doc = {
      label: src.label,
      root: value ?? parseDocument(src.text, src.label),
      source: src,
      siblings: new Map(),
    };
    byLabel.set(src.label, doc);
    for (const file of externalFiles(doc.root)) {
      doc.siblings.set(file, await load(await src.sibling(file)));
    }
    return doc;
  };
  return load(source, root);
}

/** File parts of every `$ref` that leaves the document (`other.yaml#/X` → `other.yaml`). */
function externalFiles(root: unknown): Set<string> {
  const files = new Set<string>();
  // for…in without Object.entries: this walks every node of a multi-megabyte document.
  const stack: object[] = root && typeof root === 'object' ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown>;
    for (const key in node) {
      const value = node[key];
      if (typeof value === 'object') {
        if (value !== null) stack.push(value);
      } else if (key === '$ref' && typeof value === 'string' && value.charCodeAt(0) !== 35) {
        const file = value.split('#')[0] as string;
        if (file) files.add(file);
      }
    }
  }
  return files;
}

export function isRef(node: unknown): node is { $ref: string } {
  return !!node && typeof node === 'object' && typeof (node as { $ref?: unknown }).$ref === 'string';
}

/** Follows a chain of `$ref`s to the node they name; a chain that loops on itself is an error. */
export function deref(node: unknown, doc: Doc): Resolved {
  let current: Resolved = { node, doc };
  for (let hops = 0; isRef(current.node); hops++) {
    if (hops > 64) throw new UserError(`$ref chain loops: ${current.node.$ref}`, { file: doc.label });
    current = lookup(current.node.$ref, current.doc);
  }
  return current;
}

function lookup(ref: string, doc: Doc): Resolved {
  const hash = ref.indexOf('#');
  const file = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  const target = file ? doc.siblings.get(file) : doc;
  if (!target) throw new UserError(`unresolved $ref '${ref}'`, { file: doc.label });
  let node: unknown = target.root;
  const segments = pointer === '' ? [] : pointer.replace(/^\//, '').split('/');
  for (const raw of segments) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) {
      throw new UserError(`unresolved $ref '${ref}'`, { file: doc.label });
    }
    node = (node as Record<string, unknown>)[key];
  }
  const name = segments.length > 0 ? decodeURIComponent(segments.at(-1) as string) : undefined;
  return { node, doc: target, pointer, ...(name ? { name } : {}) };
}

/** Escapes one JSON pointer segment (`/` → `~1`, `~` → `~0`). */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
