import type { Logger } from '../core/log.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block } from '../report/document.ts';

/** What every demo stage gets: a workspace of its own and the running sample service. */
export interface DemoContext {
  workspace: string;
  service: { url: string; version: string };
  credentials: { username: string; password: string };
  log: Logger;
}

export interface StageOutcome {
  verdict: Verdict;
  summary: string;
  blocks: Block[];
  figures: Record<string, number>;
}

/** One capability exercised end to end. A capability joins the demo by adding its stage to DEMO_STAGES. */
export interface DemoStage {
  id: string;
  title: string;
  run(ctx: DemoContext): Promise<StageOutcome>;
}
