import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';
import { LEVELS } from './model.ts';

/**
 * `shipgate/api-diff@1`: the result of `shipgate api-diff`. `changes` are the findings that count
 * (not ignored); `ignored` the ones an ignore-file entry approved, with its reason. `totals` counts
 * `changes` by level (the envelope's `summary` is its one-line text).
 */
const change = z.object({
  id: z.string(),
  level: z.enum(LEVELS),
  operation: z.string(),
  location: z.string(),
  message: z.string(),
  fingerprint: z.string().regex(/^[0-9a-f]{12}$/),
});

const side = z.object({
  source: z.string(),
  openapi: z.string(),
  title: z.string(),
  version: z.string(),
  operations: z.number().int(),
});

export const apiDiffKind = defineKind('api-diff', {
  mode: z.enum(['diff', 'live']),
  base: side,
  head: side,
  failOn: z.enum(LEVELS),
  totals: z.object({
    breaking: z.number().int(),
    warnings: z.number().int(),
    info: z.number().int(),
    ignored: z.number().int(),
  }),
  changes: z.array(change),
  ignored: z.array(change.extend({ reason: z.string(), expires: z.string().optional() })),
  /** Ignore-file entries past their expiry date: they fail the gate until renewed or removed. */
  expiredIgnores: z.array(z.object({ entry: z.string(), expires: z.string(), reason: z.string() })),
  /** Ignore-file entries that matched nothing. */
  unusedIgnores: z.array(z.string()),
  notes: z.array(z.string()),
});
