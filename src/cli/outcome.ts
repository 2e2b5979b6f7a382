import type { z } from 'zod';
import type { Envelope } from '../core/envelope.ts';
import { writeFileAtomic } from '../core/fs.ts';
import { exitCodeFor } from '../core/verdict.ts';
import type { ReportDocument } from '../report/document.ts';
import { type Annotation, appendStepSummary, formatAnnotation } from '../report/github.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { renderText } from '../report/text.ts';
import type { CommandContext } from './context.ts';

/** What a command hands back: the machine result, the human view, and whether to record it. */
export interface Outcome<S extends z.ZodRawShape = z.ZodRawShape> {
  envelope: Envelope<S>;
  document: ReportDocument;
  /** When present, the run is recorded in the history store with these key figures and labels. */
  record?: { figures: Record<string, number>; labels?: Record<string, string> };
  annotations?: Annotation[];
  /** Write the chosen --format to this file instead of stdout (the seed scripts' `--output`). */
  output?: string;
  /** The document for Markdown output, when a PR comment needs a shorter one than the terminal. */
  markdownDocument?: ReportDocument;
}

/**
 * The one place results leave a command, so every command keeps the same contract: record in the
 * store, write `--json` atomically, print the chosen format on stdout, append the Markdown to a
 * GitHub step summary, emit annotations, and set the exit code from the verdict.
 */
export async function deliver(ctx: CommandContext, outcome: Outcome): Promise<number> {
  const { envelope, document } = outcome;
  if (outcome.record) {
    const store = await ctx.store();
    const git = envelope.environment.git;
    const run = await store.recordRun({
      kind: envelope.kind,
      verdict: envelope.verdict,
      summary: envelope.summary,
      startedAt: new Date(envelope.startedAt),
      finishedAt: new Date(envelope.finishedAt),
      ...(git?.commit ? { gitCommit: git.commit } : {}),
      ...(git?.branch ? { gitBranch: git.branch } : {}),
      environment: envelope.environment,
      figures: outcome.record.figures,
      labels: outcome.record.labels ?? {},
      result: envelope,
    });
    envelope.runId = run.id;
    ctx.log.debug(`recorded as run ${run.id} in ${store.location}`);
  }
  if (ctx.options.json) writeFileAtomic(ctx.options.json, `${JSON.stringify(envelope, null, 2)}\n`);

  const markdown = renderMarkdown(outcome.markdownDocument ?? document);
  const stdout = {
    text: () => renderText(document, ctx.style),
    markdown: () => markdown,
    json: () => `${JSON.stringify(envelope, null, 2)}\n`,
  }[ctx.options.format]();
  if (outcome.output) {
    writeFileAtomic(outcome.output, stdout);
    ctx.log.info(`report saved to ${outcome.output}`);
  } else if (!ctx.options.quiet || ctx.options.format === 'json') process.stdout.write(stdout);

  appendStepSummary(markdown, ctx.env);
  if (ctx.env.GITHUB_ACTIONS === 'true') {
    for (const a of outcome.annotations ?? []) process.stdout.write(`${formatAnnotation(a)}\n`);
  }
  return exitCodeFor(envelope.verdict);
}
