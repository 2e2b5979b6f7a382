import type { z } from 'zod';
import { UserError } from '../core/errors.ts';
import type { Verdict } from '../core/verdict.ts';
import { diffSpecs } from './diff.ts';
import { applyIgnores, type IgnoreEntry } from './ignore.ts';
import { type LoadOptions, loadSpec, SourceUnavailableError } from './load.ts';
import { type Change, LEVEL_RANK, type Level, type Spec } from './model.ts';
import type { apiDiffKind } from './result.ts';
import { findRule, RULES } from './rules/index.ts';

/**
 * The API compatibility gate: load both sides, diff, apply approvals, decide. Fails when a change at
 * or above `failOn` remains or an approval expired; inconclusive when a side could not be fetched
 * (a network failure is never "no breaking changes").
 */
export interface GateInput {
  base: string;
  head: string;
  mode: 'diff' | 'live';
  failOn: Level;
  ignores: IgnoreEntry[];
  load: LoadOptions;
  now?: Date;
  /** Re-rated rules: id → level or `none`. Unknown ids are an input error. */
  levels?: Record<string, Level | 'none'>;
}

export type ApiDiffFields = z.infer<typeof apiDiffKind.fields>;

export interface GateOutcome {
  verdict: Verdict;
  summary: string;
  fields: ApiDiffFields;
}

export async function runApiGate(input: GateInput): Promise<GateOutcome> {
  checkLevels(input.levels ?? {});
  let base: Spec;
  let head: Spec;
  try {
    [base, head] = await Promise.all([loadSpec(input.base, input.load), loadSpec(input.head, input.load)]);
  } catch (e) {
    if (!(e instanceof SourceUnavailableError)) throw e;
    return {
      verdict: 'inconclusive',
      summary: `could not fetch a document: ${e.format()}`,
      fields: emptyFields(input, e.format()),
    };
  }
  const changes = diffSpecs(base, head, {
    ...(input.now ? { now: input.now } : {}),
    ...(input.levels ? { levels: input.levels } : {}),
  });
  return judge(input, base, head, changes);
}

export function judge(
  input: Omit<GateInput, 'load'>,
  base: Spec,
  head: Spec,
  changes: Change[],
): GateOutcome {
  const { kept, ignored, expired, unused } = applyIgnores(changes, input.ignores, input.now);
  const count = (level: Level) => kept.filter((c) => c.level === level).length;
  const totals = {
    breaking: count('ERR'),
    warnings: count('WARN'),
    info: count('INFO'),
    ignored: ignored.length,
  };
  const failing = kept.filter((c) => LEVEL_RANK[c.level] >= LEVEL_RANK[input.failOn]).length;
  const verdict: Verdict = failing > 0 || expired.length > 0 ? 'fail' : totals.warnings > 0 ? 'warn' : 'pass';
  const parts = [
    `${totals.breaking} breaking`,
    `${totals.warnings} warning${totals.warnings === 1 ? '' : 's'}`,
    `${totals.info} info`,
    ...(ignored.length ? [`${ignored.length} approved`] : []),
    ...(expired.length ? [`${expired.length} expired approval${expired.length === 1 ? '' : 's'}`] : []),
  ];
  const what = input.mode === 'live' ? 'live service vs spec' : `${base.source} → ${head.source}`;
  const summary =
    kept.length === 0 && expired.length === 0
      ? `no API changes that matter (${what}${ignored.length ? `, ${ignored.length} approved` : ''})`
      : `${parts.join(', ')} (${what}; fail on ${input.failOn})`;
  return {
    verdict,
    summary,
    fields: {
      mode: input.mode,
      base: sideOf(base),
      head: sideOf(head),
      failOn: input.failOn,
      totals,
      changes: kept,
      ignored,
      expiredIgnores: expired,
      unusedIgnores: unused,
      notes: [...base.notes.map((n) => `base: ${n}`), ...head.notes.map((n) => `head: ${n}`)],
    },
  };
}

function checkLevels(levels: Record<string, string>): void {
  for (const id of Object.keys(levels)) {
    if (findRule(id)) continue;
    const near = RULES.map((r) => r.id).find((r) => r.includes(id) || id.includes(r));
    throw new UserError(`apiDiff.levels: no rule '${id}'`, {
      hint: near ? `did you mean '${near}'?` : 'see docs/api-rules.md for the rule ids',
    });
  }
}

function sideOf(spec: Spec): ApiDiffFields['base'] {
  return {
    source: spec.source,
    openapi: spec.openapi,
    title: spec.title,
    version: spec.version,
    operations: spec.operations.size,
  };
}

function emptyFields(input: GateInput, note: string): ApiDiffFields {
  const unknown = (source: string) => ({ source, openapi: '', title: '', version: '', operations: 0 });
  return {
    mode: input.mode,
    base: unknown(input.base),
    head: unknown(input.head),
    failOn: input.failOn,
    totals: { breaking: 0, warnings: 0, info: 0, ignored: 0 },
    changes: [],
    ignored: [],
    expiredIgnores: [],
    unusedIgnores: [],
    notes: [note],
  };
}
