import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EXIT, type Verdict, worstVerdict } from '../core/verdict.ts';
import type { PipelineSettings, PipelineStage } from './stages.ts';

/**
 * Runs the stages in order, each shipgate step as a child process (its own exit code, its own
 * result file), and stops at the first stage that fails or cannot tell — later stages are `not-run`,
 * as `needs:` would leave them in CI. A stage whose command this build lacks is `skipped`, with why.
 */
export type StageStatus = 'passed' | 'warned' | 'failed' | 'inconclusive' | 'skipped' | 'not-run';

export interface StageResult {
  id: string;
  title: string;
  status: StageStatus;
  verdict?: Verdict;
  command: string[];
  exitCode?: number;
  durationMs: number;
  summary: string;
  reason?: string;
  resultFile?: string;
}

export interface RunPipelineOptions {
  stages: readonly PipelineStage[];
  settings: PipelineSettings;
  /** The CLI as commander knows it, to tell which commands exist in this build. */
  program: Command;
  /** How to start shipgate: [node, ...execArgv, main]. */
  shipgate: string[];
  /** Global flags every step gets (--config, --store). */
  globalArgs: string[];
  /** Extra arguments per command name, e.g. { audit: ['--osv-db', 'osv.zip'] }. */
  extraArgs: Record<string, string[]>;
  env: NodeJS.ProcessEnv;
  onOutput?: (chunk: string) => void;
  onStage?: (stage: PipelineStage, status: 'start' | StageStatus) => void;
}

/** A usage error (exit 2) fails the stage: the pipeline cannot go on as asked. */
const VERDICT_OF_EXIT: Record<number, Verdict> = {
  [EXIT.pass]: 'pass',
  [EXIT.fail]: 'fail',
  [EXIT.usage]: 'fail',
  [EXIT.inconclusive]: 'inconclusive',
};

const STATUS_OF_VERDICT: Record<Verdict, StageStatus> = {
  pass: 'passed',
  warn: 'warned',
  fail: 'failed',
  inconclusive: 'inconclusive',
};

export function commandExists(program: Command, path: readonly string[]): boolean {
  let cmd: Command | undefined = program;
  for (const name of path) {
    cmd = cmd.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (!cmd) return false;
  }
  return true;
}

export async function runPipeline(options: RunPipelineOptions): Promise<StageResult[]> {
  const results: StageResult[] = [];
  let stopped: string | undefined;
  for (const stage of options.stages) {
    const base = { id: stage.id, title: stage.title, command: [] as string[], durationMs: 0 };
    if (stopped) {
      results.push({ ...base, status: 'not-run', summary: `not run: ${stopped}`, reason: stopped });
      continue;
    }
    const missing = stage.needs.find((path) => !commandExists(options.program, path));
    const plan = missing ? undefined : stage.plan(options.settings);
    const skip = missing
      ? `shipgate ${missing.join(' ')} is not in this build`
      : plan && 'skip' in plan
        ? plan.skip
        : undefined;
    if (skip !== undefined || !plan || 'skip' in plan) {
      results.push({ ...base, status: 'skipped', summary: `skipped: ${skip}`, reason: skip ?? 'skipped' });
      options.onStage?.(stage, 'skipped');
      continue;
    }
    options.onStage?.(stage, 'start');
    const started = performance.now();
    const summaries: string[] = [];
    const verdicts: Verdict[] = [];
    let exitCode = 0;
    let command: string[] = [];
    let resultFile: string | undefined;
    for (const step of plan.steps) {
      command = withExtra(step, options.extraArgs[step[0] as string] ?? []);
      const ran = await runStep([...command, ...options.globalArgs], options);
      exitCode = ran.code;
      resultFile = jsonFileOf(command);
      const envelope = resultFile ? readEnvelope(resultFile) : undefined;
      summaries.push(envelope?.summary ?? ran.lastLine ?? `exit ${ran.code}`);
      const verdict = VERDICT_OF_EXIT[ran.code] ?? 'fail';
      verdicts.push(verdict === 'pass' && envelope?.verdict === 'warn' ? 'warn' : verdict);
      if (verdict === 'fail' || verdict === 'inconclusive') break;
    }
    const verdict = worstVerdict(verdicts);
    const status = STATUS_OF_VERDICT[verdict];
    const result: StageResult = {
      ...base,
      command,
      status,
      verdict,
      exitCode,
      durationMs: Math.round(performance.now() - started),
      summary: summaries.join('; '),
      ...(resultFile ? { resultFile } : {}),
    };
    results.push(result);
    options.onStage?.(stage, status);
    if (status === 'failed' || status === 'inconclusive') stopped = `stage ${stage.id} ${status}`;
  }
  return results;
}

/** The pipeline's verdict: a failure or "could not tell" wins; skipped stages make it a warning. */
export function pipelineVerdict(results: readonly StageResult[]): Verdict {
  const ran = results.flatMap((r) => (r.verdict ? [r.verdict] : []));
  const worst = worstVerdict(ran);
  return worst === 'pass' && results.some((r) => r.status === 'skipped') ? 'warn' : worst;
}

/** Extra arguments go before a `--` (after it, everything belongs to the test command). */
function withExtra(step: string[], extra: string[]): string[] {
  const dash = step.indexOf('--');
  return dash < 0 ? [...step, ...extra] : [...step.slice(0, dash), ...extra, ...step.slice(dash)];
}

function jsonFileOf(command: string[]): string | undefined {
  const dash = command.indexOf('--');
  const own = dash < 0 ? command : command.slice(0, dash);
  const i = own.lastIndexOf('--json');
  return i >= 0 ? own[i + 1] : undefined;
}

function readEnvelope(file: string): { verdict?: Verdict; summary?: string } | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { verdict?: Verdict; summary?: string };
  } catch {
    return undefined;
  }
}

function runStep(args: string[], options: RunPipelineOptions): Promise<{ code: number; lastLine?: string }> {
  const [node, ...prefix] = options.shipgate as [string, ...string[]];
  return new Promise((resolve, reject) => {
    const child = spawn(node, [...prefix, ...args], {
      cwd: options.settings.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-2000);
      options.onOutput?.(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const lastLine = tail
        .trim()
        .split('\n')
        .at(-1)
        ?.replace(/^(error|warning):\s*/, '');
      resolve({ code: code ?? (signal ? 128 : 1), ...(lastLine ? { lastLine } : {}) });
    });
  });
}
