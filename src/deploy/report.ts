import type { Verdict } from '../core/verdict.ts';
import type { Block, ReportDocument } from '../report/document.ts';
import type { PhaseEntry, StoredDeploy } from '../store/deploys.ts';
import type { Ending } from './machine.ts';
import type { StatusReport } from './ops.ts';
import type { RecoveryReport } from './recover.ts';
import type { DeployReport } from './run.ts';

/** Human views of deploy operations: one document each, rendered as text, Markdown or HTML. */
export const ENDING_VERDICT: Record<Ending, Verdict> = {
  succeeded: 'pass',
  refused: 'fail',
  'rolled-back': 'fail',
  failed: 'fail',
};

const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`;

export function deploySummary(r: DeployReport): string {
  const what =
    r.action === 'rollback' ? `rollback of ${r.env} to ${r.version}` : `deploy of ${r.version} to ${r.env}`;
  switch (r.outcome) {
    case 'succeeded':
      return `${what} succeeded: ${r.colour} serves${r.switchMs !== undefined ? `, switched ${ms(r.switchMs)} after healthy` : ''}`;
    case 'refused':
      return `${what} refused before any traffic reached it (${r.reason})${r.previousVersion ? `; ${r.previousVersion} still serves` : ''}`;
    case 'rolled-back':
      return `${what} rolled back (${r.reason}); ${r.previousVersion ?? 'the previous version'} serves again`;
    default:
      return `${what} failed: ${r.reason}`;
  }
}

export function deployDocument(r: DeployReport): ReportDocument {
  const blocks: Block[] = [
    {
      type: 'fields',
      fields: [
        ['environment', r.env],
        ['version', `${r.version} on ${r.colour}`],
        ['previous', r.previousVersion ? `${r.previousVersion} on ${r.previousColour}` : 'none'],
        ['router', r.router],
        ['journal', `deploy #${r.deployId}`],
        ...(r.switchMs !== undefined
          ? ([['healthy → traffic', ms(r.switchMs)]] as Array<[string, string]>)
          : []),
        ...(r.watch
          ? ([
              [
                'watch',
                `${r.watch.requests} requests, ${r.watch.errorRatePercent.toFixed(1)}% errors, p95 ${ms(r.watch.p95Ms)}`,
              ],
            ] as Array<[string, string]>)
          : []),
      ],
    },
    {
      type: 'table',
      title: 'Phases',
      columns: ['phase', 'result', 'took', 'detail'],
      align: ['left', 'left', 'right', 'left'],
      rows: r.phases.map((p) => [
        p.phase,
        { text: p.outcome, tone: p.outcome === 'ok' ? 'good' : 'bad' },
        ms(p.ms),
        p.detail,
      ]),
    },
  ];
  return {
    title: r.action === 'rollback' ? 'Rollback' : 'Deploy',
    verdict: ENDING_VERDICT[r.outcome],
    summary: deploySummary(r),
    blocks,
  };
}

export function statusDocument(s: StatusReport, verdict: Verdict, summary: string): ReportDocument {
  const blocks: Block[] = [
    {
      type: 'fields',
      fields: [
        [
          'router',
          `${s.router.kind} ${s.router.running ? `serving ${s.router.active ?? '?'}` : 'not running'}`,
        ],
        ['active', s.active ?? 'none'],
        ...(s.lock
          ? ([
              [
                'lock',
                `deploy #${s.lock.deployId} by ${s.lock.owner} (pid ${s.lock.pid}${s.lock.dead ? ', dead' : ''})`,
              ],
            ] as Array<[string, string]>)
          : []),
      ],
    },
  ];
  if (s.colours.length) {
    blocks.push({
      type: 'table',
      title: 'Colours',
      columns: ['colour', 'version', 'port', 'running', 'healthy', 'active', 'kept until'],
      rows: s.colours.map((c) => [
        c.colour,
        c.version,
        c.port,
        c.running ? 'yes' : { text: 'no', tone: 'bad' },
        c.healthy ? 'yes' : { text: 'no', tone: 'bad' },
        c.active ? { text: 'yes', tone: 'good' } : 'no',
        c.retireAt ?? '',
      ]),
    });
  }
  if (s.problems.length)
    blocks.push({
      type: 'list',
      title: 'Problems',
      items: s.problems.map((p) => ({ text: p, tone: 'bad' })),
    });
  return { title: `Deploy status: ${s.env}`, verdict, summary, blocks };
}

export function historyDocument(
  env: string,
  entries: Array<StoredDeploy & { phases: PhaseEntry[] }>,
): ReportDocument {
  const summary = `${entries.length} deploy${entries.length === 1 ? '' : 's'} of ${env}`;
  return {
    title: `Deploy history: ${env}`,
    verdict: 'pass',
    summary,
    blocks: entries.length
      ? [
          {
            type: 'table',
            columns: ['#', 'when', 'action', 'version', 'colour', 'outcome', 'took', 'by', 'last phase'],
            align: ['right', 'left', 'left', 'left', 'left', 'left', 'right', 'left', 'left'],
            rows: entries.map((d) => {
              const last = d.phases.at(-1);
              return [
                d.id,
                d.startedAt.toISOString().replace('T', ' ').slice(0, 19),
                d.rollbackOf ? `${d.action} of #${d.rollbackOf}` : d.action,
                d.version,
                d.colour,
                {
                  text: d.outcome,
                  tone: d.outcome === 'succeeded' ? 'good' : d.outcome === 'running' ? 'warn' : 'bad',
                },
                d.finishedAt ? ms(d.finishedAt.getTime() - d.startedAt.getTime()) : '',
                d.actor,
                last ? `${last.phase} ${last.outcome}` : '',
              ];
            }),
          },
        ]
      : [{ type: 'paragraph', text: `No deploys of ${env} recorded yet.`, tone: 'muted' }],
  };
}

export function recoveryDocument(r: RecoveryReport): ReportDocument {
  const summary = r.deploy
    ? `deploy #${r.deploy.id} (${r.deploy.version}, died in ${r.deploy.lastPhase ?? 'start'}) resolved as ${r.plan.outcome}: ${r.plan.reason}`
    : `nothing to recover in ${r.env}: ${r.plan.reason}`;
  return {
    title: `Deploy recover: ${r.env}`,
    verdict: r.plan.serve ? 'pass' : 'fail',
    summary,
    blocks: [
      {
        type: 'fields',
        fields: [
          ['serving', r.serving ? `${r.serving.version} on ${r.serving.colour}` : 'nothing'],
          ['stopped', r.plan.stop.join(', ') || 'nothing'],
          ['router switched', r.plan.switchRouter ? 'yes' : 'no'],
        ],
      },
    ],
  };
}
