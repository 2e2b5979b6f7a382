import type { Verdict } from '../core/verdict.ts';
import type { Block, ReportDocument } from '../report/document.ts';
import type { Annotation } from '../report/github.ts';
import type { ApiDiffFields } from './gate.ts';
import { LEVEL_RANK, type Level } from './model.ts';

/** The human views of an api-diff result: the report document, JUnit XML, GitHub annotations. */

const TONE = { ERR: 'bad', WARN: 'warn', INFO: 'muted' } as const;
/** A PR comment stays well under GitHub's 65,536-character limit: beyond this, counts only. */
const MAX_ROWS = 200;

export function apiDiffDocument(fields: ApiDiffFields, verdict: Verdict, summary: string): ReportDocument {
  const blocks: Block[] = [
    {
      type: 'fields',
      fields: [
        ['base', describeSide(fields.base)],
        ['head', describeSide(fields.head)],
        ['fail on', fields.failOn],
        [
          'breaking (ERR)',
          { text: String(fields.totals.breaking), tone: fields.totals.breaking ? 'bad' : 'good' },
        ],
        ['warnings', fields.totals.warnings],
        ['info', fields.totals.info],
        ['approved', fields.totals.ignored],
      ],
    },
  ];
  const sorted = [...fields.changes].sort(
    (a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || a.operation.localeCompare(b.operation),
  );
  if (sorted.length > 0) {
    blocks.push({
      type: 'table',
      title: 'Changes',
      columns: ['level', 'operation', 'change', 'rule', 'fingerprint'],
      rows: sorted
        .slice(0, MAX_ROWS)
        .map((c) => [{ text: c.level, tone: TONE[c.level] }, c.operation, c.message, c.id, c.fingerprint]),
    });
    if (sorted.length > MAX_ROWS) {
      blocks.push({
        type: 'paragraph',
        text: `${sorted.length - MAX_ROWS} more changes not shown; see --json.`,
        tone: 'muted',
      });
    }
  }
  if (fields.expiredIgnores.length > 0) {
    blocks.push({
      type: 'list',
      title: 'Expired approvals (renew or remove them)',
      items: fields.expiredIgnores.map((e) => ({
        text: `${e.entry} expired ${e.expires}: ${e.reason}`,
        tone: 'bad',
      })),
    });
  }
  if (fields.ignored.length > 0) {
    blocks.push({
      type: 'table',
      title: 'Approved changes',
      columns: ['level', 'operation', 'change', 'reason', 'until'],
      rows: fields.ignored
        .slice(0, MAX_ROWS)
        .map((c) => [c.level, c.operation, c.message, c.reason, c.expires ?? '']),
    });
  }
  if (fields.unusedIgnores.length > 0) {
    blocks.push({ type: 'list', title: 'Approvals that matched nothing', items: fields.unusedIgnores });
  }
  if (fields.notes.length > 0) blocks.push({ type: 'list', title: 'Notes', items: fields.notes });
  return { title: fields.mode === 'live' ? 'API drift' : 'API compatibility', verdict, summary, blocks };
}

function describeSide(side: ApiDiffFields['base']): string {
  if (!side.openapi) return side.source;
  const version = side.openapi === '2.0' ? 'Swagger 2.0' : `OpenAPI ${side.openapi}`;
  return `${side.source} (${version}, ${side.title || 'untitled'} ${side.version}, ${side.operations} operations)`;
}

const ANNOTATION_LEVEL = { ERR: 'error', WARN: 'warning', INFO: 'notice' } as const;

/**
 * ERR and WARN changes as workflow annotations on the head document (when it is a file), on the
 * line `lineOf` finds for the change's location.
 */
export function apiDiffAnnotations(
  fields: ApiDiffFields,
  lineOf?: (pointer: string) => number | undefined,
): Annotation[] {
  const file = /^(https?:|git:)/.test(fields.head.source) ? undefined : fields.head.source;
  return fields.changes
    .filter((c) => c.level !== 'INFO')
    .map((c) => {
      const line = file ? lineOf?.(c.location) : undefined;
      return {
        level: ANNOTATION_LEVEL[c.level],
        title: `${c.id} (${c.fingerprint})`,
        message: `${c.operation}: ${c.message}`,
        ...(file ? { file } : {}),
        ...(line ? { line } : {}),
      };
    });
}

const xml = (s: string): string =>
  s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);

/**
 * JUnit XML, so CI systems without a GitHub integration show the gate: one test case per change
 * (a failure when at or above the fail-on level), one passing case when nothing changed.
 */
export function apiDiffJunit(fields: ApiDiffFields, failOn: Level): string {
  const cases = fields.changes.map((c) => {
    const name = xml(`${c.operation} ${c.id}`);
    const body = xml(`${c.message}\nlocation: ${c.location}\nfingerprint: ${c.fingerprint}`);
    return LEVEL_RANK[c.level] >= LEVEL_RANK[failOn]
      ? `    <testcase classname="api-diff.${c.level}" name="${name}">\n      <failure type="${c.id}" message="${xml(c.message)}">${body}</failure>\n    </testcase>`
      : `    <testcase classname="api-diff.${c.level}" name="${name}">\n      <system-out>${body}</system-out>\n    </testcase>`;
  });
  for (const e of fields.expiredIgnores) {
    cases.push(
      `    <testcase classname="api-diff.ignore" name="${xml(`approval ${e.entry}`)}">\n      <failure type="expired" message="${xml(`expired ${e.expires}`)}">${xml(e.reason)}</failure>\n    </testcase>`,
    );
  }
  if (cases.length === 0) cases.push('    <testcase classname="api-diff" name="no API changes"/>');
  const failures = cases.filter((c) => c.includes('<failure')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="shipgate api-diff" tests="${cases.length}" failures="${failures}">`,
    `  <testsuite name="api-diff" tests="${cases.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
