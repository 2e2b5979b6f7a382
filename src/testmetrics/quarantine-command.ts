import type { Outcome } from '../cli/outcome.ts';
import { makeEnvelope } from '../core/envelope.ts';
import { UserError } from '../core/errors.ts';
import type { Verdict } from '../core/verdict.ts';
import { isExpired, type QuarantineEntry, readQuarantine, writeQuarantine } from './quarantine.ts';
import { testsQuarantineKind } from './result.ts';

/** `shipgate tests quarantine list|add|remove`: edits the reviewed file; expired entries make `list` fail. */

export function quarantineOutcome(file: string, action: string): Outcome {
  const startedAt = new Date();
  const entries = readQuarantine(file);
  const now = new Date();
  const expired = entries.filter((e) => isExpired(e, now));
  const verdict: Verdict = expired.length > 0 ? 'fail' : 'pass';
  const summary =
    `${action}: ${entries.length} quarantined test${entries.length === 1 ? '' : 's'} in ${file}` +
    (expired.length ? `, ${expired.length} expired` : '');
  const envelope = makeEnvelope(testsQuarantineKind, {
    verdict,
    summary,
    startedAt,
    fields: { file, entries: entries.map((e) => ({ ...e, expired: isExpired(e, now) })) },
  });
  return {
    envelope,
    document: {
      title: 'Test quarantine',
      verdict,
      summary,
      blocks: entries.length
        ? [
            {
              type: 'table',
              columns: ['test', 'until', 'reason', 'owner'],
              rows: entries.map((e) => [
                e.test,
                { text: e.until, ...(isExpired(e, now) ? { tone: 'bad' as const } : {}) },
                e.reason,
                e.owner ?? '',
              ]),
            },
          ]
        : [{ type: 'paragraph', text: 'Nothing is quarantined.', tone: 'muted' }],
    },
  };
}

export function addToQuarantine(
  file: string,
  test: string,
  flags: { reason: string; until: string; owner?: string; issue?: string },
): Outcome {
  const entries = readQuarantine(file);
  const entry: QuarantineEntry = {
    test,
    reason: flags.reason,
    until: flags.until,
    ...(flags.owner ? { owner: flags.owner } : {}),
    ...(flags.issue ? { issue: flags.issue } : {}),
    added: new Date().toISOString().slice(0, 10),
  };
  if (!/^\d{4}-\d{2}-\d{2}$/.test(flags.until) || Number.isNaN(Date.parse(`${flags.until}T00:00:00Z`))) {
    throw new UserError(`--until: '${flags.until}' is not a date like 2026-12-31`);
  }
  if (isExpired(entry, new Date())) throw new UserError(`--until: ${flags.until} is already past`);
  const rest = entries.filter((e) => e.test !== test);
  writeQuarantine(file, [...rest, entry]);
  return quarantineOutcome(file, rest.length < entries.length ? `updated ${test}` : `added ${test}`);
}

export function removeFromQuarantine(file: string, test: string): Outcome {
  const entries = readQuarantine(file);
  const rest = entries.filter((e) => e.test !== test);
  if (rest.length === entries.length) {
    throw new UserError(`${test} is not in the quarantine list`, {
      file,
      hint: 'shipgate tests quarantine list shows it',
    });
  }
  writeQuarantine(file, rest);
  return quarantineOutcome(file, `removed ${test}`);
}
