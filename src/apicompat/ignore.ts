import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { fileError, UserError } from '../core/errors.ts';
import type { Change } from './model.ts';
import { normalisePath } from './normalise.ts';
import { parseDocument } from './parse.ts';

/**
 * Approved changes: a YAML/JSON file of entries, each naming a change by fingerprint, or by rule
 * id + operation, with a reason and an expiry date. An approval is a decision with an owner and an
 * end, not a free-text line that silences forever: an expired entry fails the gate, and an entry
 * that matches nothing is reported so the file does not rot.
 *
 *   ignore:
 *     - fingerprint: 3f2a9c1b7d20
 *       reason: v1 clients migrated (TICKET-42)
 *       expires: 2026-12-31
 *     - rule: response-optional-property-removed
 *       operation: GET /api/wifi/networks
 *       reason: vendor was never populated
 *       expires: 2027-01-31
 */
const entrySchema = z
  .object({
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{12}$/, 'a 12-digit hex fingerprint')
      .optional(),
    rule: z.string().min(1).optional(),
    operation: z
      .string()
      .regex(/^[A-Za-z]+ \/\S*$/, "'METHOD /path'")
      .optional(),
    reason: z.string().trim().min(1, 'a reason is required'),
    expires: z.union([z.string(), z.date()]).transform((v, ctx) => {
      const text = v instanceof Date ? v.toISOString().slice(0, 10) : v;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
        ctx.addIssue({ code: 'custom', message: `'${text}' is not a YYYY-MM-DD date` });
        return z.NEVER;
      }
      return text;
    }),
    approver: z.string().optional(),
    link: z.string().optional(),
  })
  .strict()
  .refine((e) => e.fingerprint !== undefined || e.rule !== undefined, {
    message: 'name a fingerprint, or a rule (optionally with an operation)',
  });

const fileSchema = z.object({ ignore: z.array(entrySchema) }).strict();

export type IgnoreEntry = z.infer<typeof entrySchema>;

export function readIgnoreFile(path: string): IgnoreEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fileError(path, e);
  }
  const parsed = fileSchema.safeParse(parseDocument(text, path) ?? { ignore: [] });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new UserError(`${at}${issue?.message ?? 'invalid ignore file'}`, { file: path });
  }
  return parsed.data.ignore;
}

export function describeEntry(e: IgnoreEntry): string {
  return e.fingerprint ?? `${e.rule}${e.operation ? ` ${e.operation}` : ''}`;
}

export interface IgnoreOutcome {
  kept: Change[];
  ignored: Array<Change & { reason: string; expires: string }>;
  expired: Array<{ entry: string; expires: string; reason: string }>;
  unused: string[];
}

const opKey = (operation: string): string => {
  const [method = '', path = ''] = operation.split(' ');
  return `${method.toUpperCase()} ${normalisePath(path)}`;
};

/** Applies the entries to the changes. An expired entry no longer hides anything and is reported. */
export function applyIgnores(changes: Change[], entries: IgnoreEntry[], now = new Date()): IgnoreOutcome {
  const today = now.toISOString().slice(0, 10);
  const out: IgnoreOutcome = { kept: [], ignored: [], expired: [], unused: [] };
  const used = new Set<IgnoreEntry>();
  const live = entries.filter((e) => {
    if (e.expires >= today) return true;
    out.expired.push({ entry: describeEntry(e), expires: e.expires, reason: e.reason });
    return false;
  });
  for (const change of changes) {
    const entry = live.find(
      (e) =>
        (e.fingerprint === undefined || e.fingerprint === change.fingerprint) &&
        (e.rule === undefined || e.rule === change.id) &&
        (e.operation === undefined || opKey(e.operation) === opKey(change.operation)),
    );
    if (entry) {
      used.add(entry);
      out.ignored.push({ ...change, reason: entry.reason, expires: entry.expires });
    } else {
      out.kept.push(change);
    }
  }
  out.unused = live.filter((e) => !used.has(e)).map(describeEntry);
  return out;
}
