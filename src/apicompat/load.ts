import type { Spec } from './model.ts';
import { normaliseSpec } from './normalise.ts';
import { loadDocSet } from './refs.ts';
import { type LoadOptions, readSource } from './source.ts';

/**
 * Loads one OpenAPI document from a file, URL or `git:REF:path`, follows its `$ref`s into other
 * files, and normalises it. Input problems throw UserError (exit 2); an unreachable URL throws
 * SourceUnavailableError (inconclusive, exit 3).
 */
export async function loadSpec(spec: string, options: LoadOptions = {}): Promise<Spec> {
  const source = await readSource(spec, options);
  const doc = await loadDocSet(source);
  return normaliseSpec(doc);
}

export type { LoadOptions } from './source.ts';
export { SourceUnavailableError } from './source.ts';

/** Normalises a document already in memory (tests, the demo); `$ref`s to other files are refused. */
export async function specFromObject(root: unknown, label = 'document'): Promise<Spec> {
  const { UserError } = await import('../core/errors.ts');
  const source = {
    label,
    text: '',
    sibling: (ref: string) => Promise.reject(new UserError(`$ref '${ref}' to another file`, { file: label })),
  };
  return normaliseSpec(await loadDocSet(source, root));
}
