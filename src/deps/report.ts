import type { Tone } from '../core/style.ts';
import type { Block, ReportDocument } from '../report/document.ts';
import type { Annotation } from '../report/github.ts';
import type { AuditResult, FindingStatus } from './audit.ts';
import type { Severity } from './severity.ts';

/** The audit as one document: text on a terminal, Markdown in a PR comment, HTML in reports. */
const SEVERITY_TONE: Record<Severity, Tone> = {
  critical: 'bad',
  high: 'bad',
  unknown: 'bad',
  moderate: 'warn',
  low: 'muted',
  info: 'muted',
};

const STATUS_LABEL: Record<FindingStatus, { text: string; tone: Tone }> = {
  failing: { text: 'fails gate', tone: 'bad' },
  'below-threshold': { text: 'below threshold', tone: 'muted' },
  allowlisted: { text: 'allowlisted', tone: 'muted' },
  existing: { text: 'already on base', tone: 'muted' },
  'dev-omitted': { text: 'dev (omitted)', tone: 'muted' },
};

export function auditDocument(r: AuditResult): ReportDocument {
  const blocks: Block[] = [
    {
      type: 'fields',
      title: 'Audit',
      fields: [
        ['lockfiles', r.inventory.map((i) => `${i.file} (${i.format}, ${i.packages} packages)`).join(', ')],
        [
          'advisory source',
          {
            text: `${r.source.id}${r.source.available ? '' : ` — unavailable: ${r.source.reason}`}`,
            tone: r.source.available ? 'good' : 'warn',
          },
        ],
        ...(r.source.details.records !== undefined
          ? ([['records', String(r.source.details.records)]] as Array<[string, string]>)
          : []),
        ['fail on', `${r.failOn} and above`],
        ['findings', `${r.findings.length} (${r.counts.failing} failing)`],
      ],
    },
  ];
  if (r.findings.length) {
    blocks.push({
      type: 'table',
      title: 'Vulnerabilities',
      columns: ['severity', 'package', 'advisory', 'fixed in', 'path', 'status'],
      rows: r.findings.map((f) => [
        {
          text: `${f.severity}${f.cvss ? ` ${f.cvss.score.toFixed(1)}` : ''}`,
          tone: SEVERITY_TONE[f.severity],
        },
        `${f.package}@${f.version}${f.dev ? ' (dev)' : ''}`,
        `${f.id}${f.aliases.length ? ` (${f.aliases.join(', ')})` : ''}`,
        f.fixedIn ? `${f.fixedIn}${f.fixIsSemverMajor ? ' (major)' : ''}` : 'no fix',
        f.paths[0] ?? f.package,
        STATUS_LABEL[f.status],
      ]),
    });
  }
  if (r.code.length) {
    blocks.push({
      type: 'table',
      title: 'Code analysis (SARIF)',
      columns: ['severity', 'tool', 'rule', 'where', 'message'],
      rows: r.code.map((c) => [
        { text: c.severity, tone: c.status === 'failing' ? 'bad' : 'muted' },
        c.tool,
        c.ruleId,
        c.file ? `${c.file}${c.line ? `:${c.line}` : ''}` : '',
        c.message,
      ]),
    });
  }
  if (r.licenses) {
    const flagged = r.licenses.packages.filter((p) => p.verdict !== 'allowed');
    blocks.push(
      flagged.length
        ? {
            type: 'table',
            title: 'Licences',
            columns: ['package', 'licence', 'verdict'],
            rows: flagged.map((p) => [
              `${p.package}@${p.version}`,
              p.license,
              { text: p.verdict, tone: p.verdict === 'denied' ? 'bad' : 'warn' },
            ]),
          }
        : {
            type: 'paragraph',
            text: `Licences: all ${r.licenses.packages.length} packages allowed.`,
            tone: 'good',
          },
    );
  }
  if (r.outdated) {
    blocks.push(
      r.outdated.packages.length
        ? {
            type: 'table',
            title: 'Outdated direct dependencies',
            columns: ['package', 'installed', 'latest', 'behind'],
            rows: r.outdated.packages.map((p) => [
              p.package,
              p.installed,
              p.latest,
              { text: p.behind, tone: p.behind === 'major' ? 'warn' : 'muted' },
            ]),
          }
        : {
            type: 'paragraph',
            text: 'Outdated: every direct npm dependency is on its latest version.',
            tone: 'good',
          },
    );
  }
  if (r.allowlist && (r.allowlist.expired.length || r.allowlist.unused.length)) {
    blocks.push({
      type: 'list',
      title: 'Allowlist',
      items: [
        ...r.allowlist.expired.map((e) => ({ text: `${e.id} expired on ${e.expires}`, tone: 'bad' as Tone })),
        ...r.allowlist.unused.map((e) => ({
          text: `${e.id}${e.path ? `|${e.path}` : ''} matched nothing`,
          tone: 'warn' as Tone,
        })),
      ],
    });
  }
  if (r.warnings.length)
    blocks.push({
      type: 'list',
      title: 'Warnings',
      items: r.warnings.map((w) => ({ text: w, tone: 'warn' })),
    });
  return { title: 'Dependency audit', verdict: r.verdict, summary: r.summary, blocks };
}

export function auditAnnotations(r: AuditResult): Annotation[] {
  return [
    ...r.findings
      .filter((f) => f.status === 'failing')
      .map((f) => ({
        level: 'error' as const,
        file: f.lockfile,
        ...(f.line ? { line: f.line } : {}),
        title: `${f.id} (${f.severity})`,
        message: `${f.package}@${f.version}: ${f.summary ?? f.id}${f.fixedIn ? ` — fixed in ${f.fixedIn}` : ''}`,
      })),
    ...r.code
      .filter((c) => c.status === 'failing')
      .map((c) => ({
        level: 'error' as const,
        ...(c.file ? { file: c.file } : {}),
        ...(c.line ? { line: c.line } : {}),
        title: `${c.tool} ${c.ruleId}`,
        message: c.message,
      })),
  ];
}
