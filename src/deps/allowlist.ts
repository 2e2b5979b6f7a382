import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseSource, problemsFrom, SourceError } from '../config/source.ts';
import { fileError } from '../core/errors.ts';
import type { Finding } from './findings.ts';

/**
 * Accepted risks: entries by advisory id (any alias matches), optionally scoped to a dependency
 * path in audit-ci's syntax (`minimist`, `mkdirp>minimist`, `*>minimist`), each with a reason and
 * an expiry date. An expired entry suppresses nothing and fails the gate until someone renews or
 * removes it; an entry that matched nothing is reported so the list does not rot.
 *
 * ```yaml
 * allowlist:
 *   - id: GHSA-vh95-rmgr-6w4m
 *     path: mkdirp>minimist
 *     reason: only parses our own build flags
 *     expires: 2026-12-31
 *     owner: platform-team
 * ```
 * audit-ci strings (`"GHSA-…|a>b"`) are accepted too, but without a reason or expiry they warn.
 */
const dateOnly = z.string().transform((text, ctx) => {
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T23:59:59.999Z` : text);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: 'custom', message: `expected a date like 2026-12-31, got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return d;
});

const entryObject = z.strictObject({
  id: z.string().min(1),
  path: z.string().min(1).optional(),
  reason: z.string().min(1),
  expires: dateOnly,
  owner: z.string().optional(),
});

/** The file's shape for messages and did-you-mean: `allowlist:` holding entries (a bare list is fine too). */
const fileSchema = z.strictObject({ allowlist: z.array(entryObject) });

export interface AllowEntry {
  id: string;
  path?: string;
  reason?: string;
  expires?: Date;
  owner?: string;
  /** 1-based line in the file, for messages. */
  line?: number;
}

export function readAllowlist(path: string, file = path): AllowEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fileError(file, e);
  }
  const parsed = parseSource(text, file);
  const bare = Array.isArray(parsed.data);
  const data = bare ? { allowlist: parsed.data } : (parsed.data ?? { allowlist: [] });
  const locate = (path: readonly PropertyKey[]) => parsed.locate(bare ? path.slice(1) : path);
  const top = z.strictObject({ allowlist: z.array(z.unknown()) }).safeParse(data);
  const issues: z.core.$ZodIssue[] = top.success ? [] : [...top.error.issues];
  const entries: AllowEntry[] = [];
  (top.success ? top.data.allowlist : []).forEach((item, i) => {
    const line = locate(['allowlist', i]);
    if (typeof item === 'string' && item.trim()) {
      // audit-ci's `ID|a>b>c` form.
      const [id, path] = item.split('|');
      entries.push({
        id: (id as string).trim(),
        ...(path ? { path: path.trim() } : {}),
        ...(line ? { line } : {}),
      });
      return;
    }
    const e = entryObject.safeParse(item);
    if (!e.success) {
      for (const issue of e.error.issues) issues.push({ ...issue, path: ['allowlist', i, ...issue.path] });
      return;
    }
    entries.push({
      id: e.data.id,
      ...(e.data.path ? { path: e.data.path } : {}),
      reason: e.data.reason,
      expires: e.data.expires,
      ...(e.data.owner ? { owner: e.data.owner } : {}),
      ...(line ? { line } : {}),
    });
  });
  if (issues.length) throw new SourceError(file, problemsFrom(issues, { data, locate, schema: fileSchema }));
  return entries;
}

function pathMatcher(pattern: string): (finding: Finding) => boolean {
  const re = new RegExp(
    `^${pattern
      .split('>')
      .map((s) =>
        s
          .trim()
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replaceAll('*', '.*'),
      )
      .join('>')}$`,
  );
  return (f) => f.package === pattern || f.paths.some((p) => re.test(p.replaceAll(' > ', '>')));
}

export interface AllowlistOutcome {
  /** Finding index → the entry that accepted it. */
  accepted: Map<number, AllowEntry>;
  expired: AllowEntry[];
  unused: AllowEntry[];
  /** Entries without reason or expiry (audit-ci strings). */
  unexplained: AllowEntry[];
}

export function applyAllowlist(findings: Finding[], entries: AllowEntry[], now: Date): AllowlistOutcome {
  const accepted = new Map<number, AllowEntry>();
  const used = new Set<AllowEntry>();
  const expired = entries.filter((e) => e.expires && e.expires.getTime() < now.getTime());
  const live = entries.filter((e) => !expired.includes(e));
  findings.forEach((f, i) => {
    const ids = new Set([f.id, ...f.aliases].map((x) => x.toUpperCase()));
    for (const e of [...live, ...expired]) {
      if (!ids.has(e.id.toUpperCase())) continue;
      if (e.path && !pathMatcher(e.path)(f)) continue;
      used.add(e);
      if (!expired.includes(e) && !accepted.has(i)) accepted.set(i, e);
    }
  });
  return {
    accepted,
    expired,
    unused: entries.filter((e) => !used.has(e) && !expired.includes(e)),
    unexplained: entries.filter((e) => !e.reason || !e.expires),
  };
}
