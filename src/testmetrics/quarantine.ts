import { existsSync, readFileSync } from 'node:fs';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { fileError, UserError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/fs.ts';
import type { TestCase } from './model.ts';

/**
 * The quarantine list lives in the repository (`shipgate.quarantine.yaml`), not in the store:
 * muting a failing test is a decision that deserves review in a pull request, travels with the
 * branch it applies to, and shows in `git blame` who did it and why. Every entry expires; an
 * expired entry fails the gate until someone fixes the test or extends the date on purpose.
 */
export const DEFAULT_QUARANTINE_FILE = 'shipgate.quarantine.yaml';

const day = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const text = v instanceof Date ? v.toISOString().slice(0, 10) : v;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
    ctx.addIssue({ code: 'custom', message: `expected a date like 2026-12-31, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return text;
});

const entrySchema = z.strictObject({
  /** A test id (16 hex digits) or the test's key as reports show it. */
  test: z.string().min(1),
  reason: z.string().min(1),
  until: day,
  owner: z.string().optional(),
  issue: z.string().optional(),
  added: day.optional(),
});

const fileSchema = z.strictObject({ quarantine: z.array(entrySchema).default([]) });

export type QuarantineEntry = z.infer<typeof entrySchema>;

export function readQuarantine(file: string): QuarantineEntry[] {
  if (!existsSync(file)) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw fileError(file, e);
  }
  const doc = parseDocument(text, { prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    throw new UserError(`invalid YAML: ${yamlError.message.split('\n')[0]}`, {
      file,
      ...(yamlError.linePos?.[0] ? { line: yamlError.linePos[0].line } : {}),
    });
  }
  const parsed = fileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    // a missing key has no node: point at the nearest enclosing one (the entry)
    let node: { range?: [number, number] } | undefined;
    for (let n = path.length; n >= 0 && !node?.range; n--) {
      node = doc.getIn(path.slice(0, n), true) as typeof node;
    }
    const line = node?.range ? text.slice(0, node.range[0]).split('\n').length : undefined;
    const why =
      issue?.code === 'invalid_type' && issue.input === undefined ? 'missing' : (issue?.message ?? 'invalid');
    throw new UserError(`${path.join('.') || 'quarantine'}: ${why}`, {
      file,
      ...(line ? { line } : {}),
      hint: 'each entry needs test, reason and until (a date like 2026-12-31)',
    });
  }
  return parsed.data.quarantine;
}

export function writeQuarantine(file: string, entries: readonly QuarantineEntry[]): void {
  const header =
    '# Tests whose failures do not fail `shipgate tests` until the date given. Review changes here like code.\n';
  writeFileAtomic(file, `${header}${stringify({ quarantine: entries }, { lineWidth: 0 })}`);
}

/** True when the entry names this test, by id or by key. */
export function matches(entry: QuarantineEntry, test: Pick<TestCase, 'id' | 'key'>): boolean {
  return entry.test === test.id || entry.test === test.key;
}

/** Expired means the `until` day is over (in UTC). */
export function isExpired(entry: QuarantineEntry, now: Date): boolean {
  return now.toISOString().slice(0, 10) > entry.until;
}
