import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServiceProcess, spawnService } from '../core/child.ts';
import type { Logger } from '../core/log.ts';
import type { Progress } from '../core/progress.ts';
import type { Verdict } from '../core/verdict.ts';
import type { Block } from '../report/document.ts';
import { cliEntry } from './cli-entry.ts';
import type { DemoContext, DemoStage } from './stage.ts';
import { DEMO_STAGES } from './stages/index.ts';

export interface StageReport {
  id: string;
  title: string;
  verdict: Verdict;
  summary: string;
  durationMs: number;
  figures: Record<string, number>;
  blocks: Block[];
}

export interface DemoRun {
  workspace: string;
  service: { url: string; version: string; startupMs: number };
  stages: StageReport[];
}

export interface DemoOptions {
  log: Logger;
  progress: Progress;
  /** Where to work; a fresh temporary folder by default. */
  workspace?: string;
  stages?: readonly DemoStage[];
  version?: string;
}

/**
 * Starts the bundled sample service as its own process (so what is measured is a real server
 * across a real socket), runs every stage against it, then stops it with SIGTERM and checks that
 * it drained and exited cleanly.
 */
export async function runDemo(options: DemoOptions): Promise<DemoRun> {
  const workspace = options.workspace ?? mkdtempSync(join(tmpdir(), 'shipgate-demo-'));
  mkdirSync(workspace, { recursive: true });
  const version = options.version ?? '1.0.0';
  const credentials = { username: 'admin', password: randomBytes(12).toString('hex') };
  const stages: StageReport[] = [];

  const startTask = options.progress.start('starting the sample service');
  const t0 = performance.now();
  let service: ServiceProcess;
  try {
    service = await spawnService(
      process.execPath,
      [
        ...process.execArgv,
        cliEntry(),
        'sample-service',
        '--port',
        '0',
        '--version',
        version,
        // A few milliseconds per call, like a real API, so load and stress have a service to measure
        // rather than a loopback echo; SAMPLE_LATENCY_MS still overrides it.
        ...(process.env.SAMPLE_LATENCY_MS ? [] : ['--latency-ms', '5']),
      ],
      {
        ready: /listening on (http:\/\/\S+)/,
        timeoutMs: 30_000,
        cwd: workspace,
        env: { ...process.env, SAMPLE_PASSWORD: credentials.password, SAMPLE_USERNAME: credentials.username },
        onLine: (line) => options.log.debug(`sample-service: ${line}`),
      },
    );
  } catch (e) {
    startTask.done('failed');
    throw e;
  }
  const startupMs = performance.now() - t0;
  const url = service.ready[1] as string;
  startTask.done(`at ${url}`);
  stages.push({
    id: 'service',
    title: 'Sample service',
    verdict: 'pass',
    summary: `sample service ${version} listening on ${url} after ${startupMs.toFixed(0)} ms`,
    durationMs: startupMs,
    figures: { startup_ms: Math.round(startupMs) },
    blocks: [],
  });

  const ctx: DemoContext = { workspace, service: { url, version }, credentials, log: options.log };
  try {
    for (const stage of options.stages ?? DEMO_STAGES) {
      const task = options.progress.start(stage.title);
      const started = performance.now();
      try {
        const outcome = await stage.run(ctx);
        stages.push({
          id: stage.id,
          title: stage.title,
          durationMs: performance.now() - started,
          ...outcome,
        });
        task.done(outcome.verdict);
      } catch (e) {
        // A stage that throws is a failed stage, not a failed demo: the others still run and report.
        const message = (e as Error).message ?? String(e);
        stages.push({
          id: stage.id,
          title: stage.title,
          verdict: 'fail',
          summary: `error: ${message}`,
          durationMs: performance.now() - started,
          figures: {},
          blocks: [],
        });
        task.done('failed');
      }
    }
  } finally {
    const stopped = performance.now();
    const code = await service.stop('SIGTERM', 15_000);
    const ms = performance.now() - stopped;
    stages.push({
      id: 'shutdown',
      title: 'Graceful shutdown',
      verdict: code === 0 ? 'pass' : 'fail',
      summary:
        code === 0
          ? `SIGTERM: drained and exited 0 in ${ms.toFixed(0)} ms`
          : `SIGTERM: exited with ${code ?? 'a kill'} after ${ms.toFixed(0)} ms`,
      durationMs: ms,
      figures: { shutdown_ms: Math.round(ms) },
      blocks: [],
    });
  }
  return { workspace, service: { url, version, startupMs }, stages };
}
