import type { Command } from 'commander';
import { writeFileAtomic } from '../core/fs.ts';
import { formatDuration } from '../core/units.ts';
import type { LoadRunResult } from '../load/engine/result.ts';
import type { ScenarioOverrides } from '../load/scenario.ts';
import type { TestOutcome } from '../load/tests.ts';
import type { Threshold } from '../load/thresholds.ts';
import type { Scenario } from '../load/types.ts';
import type { CommandContext } from './context.ts';
import { collect, durationArg, intArg, rateArg } from './options.ts';
import type { Outcome } from './outcome.ts';

/** Flags shared by `load`, `stress` and `endurance`. */
export interface LoadFlags {
  scenario?: string;
  users?: number;
  duration?: number;
  rampUp?: number;
  rate?: number;
  thinkTime?: number;
  maxInFlight?: number;
  timeout?: number;
  maxRequests?: number;
  threshold?: string[];
  thresholds: boolean;
  abortOnFail?: boolean;
  workers?: number;
  window?: number;
  html?: string;
}

export function addLoadFlags(
  cmd: Command,
  options: { rate?: boolean; thresholds?: boolean; url?: boolean } = {},
): Command {
  if (options.url !== false) cmd.argument('[url]', 'the URL to load (a single GET); or give --scenario');
  cmd
    .option(
      '-s, --scenario <file>',
      'scenario file (YAML/JSON): requests, weights, auth, model — see docs/load.md',
    )
    .option(
      '-u, --users <n>',
      'virtual users (closed model; default: config load.users, CONCURRENT_USERS)',
      intArg(1, 100_000),
    )
    .option(
      '-d, --duration <duration>',
      'how long to run (default: config load.duration, TEST_DURATION)',
      durationArg,
    )
    .option('--ramp-up <duration>', 'time to start all users (closed model)', durationArg)
    .option('--think-time <duration>', 'pause after each response, per user', durationArg);
  if (options.rate !== false) {
    cmd
      .option(
        '-r, --rate <rate>',
        'open model: requests started per second, e.g. 500/s (latency from the intended send time)',
        rateArg,
      )
      .option(
        '--max-in-flight <n>',
        'open model: concurrent requests at most; arrivals beyond are dropped and counted',
        intArg(1, 1_000_000),
      );
  }
  cmd
    .option('--timeout <duration>', 'per-request timeout (default: config load.timeout)', durationArg)
    .option(
      '--max-requests <n>',
      'stop after this many requests (a safety bound)',
      intArg(1, Number.MAX_SAFE_INTEGER),
    );
  if (options.thresholds !== false) {
    cmd
      .option('-t, --threshold <expr>', "k6-style gate, repeatable: 'http_req_duration: p(95)<2000'", collect)
      .option(
        '--no-thresholds',
        'do not apply the config default thresholds (p95 < apiResponseTime, errors < errorRatePercent)',
      )
      .option('--abort-on-fail', 'stop as soon as a threshold fails (checked every 2 s)');
  }
  return cmd
    .option('--workers <n>', 'worker threads generating load (default: up to 2)', intArg(0, 64))
    .option(
      '--window <duration>',
      'time-series window (default 1s); shorter gives short runs more samples for compare',
      durationArg,
    )
    .option('--html <file>', 'also write an HTML report with charts');
}

export function overridesFrom(flags: LoadFlags): ScenarioOverrides {
  const o: ScenarioOverrides = {};
  if (flags.users !== undefined) o.users = flags.users;
  if (flags.duration !== undefined) o.durationMs = flags.duration;
  if (flags.rampUp !== undefined) o.rampUpMs = flags.rampUp;
  if (flags.thinkTime !== undefined) o.thinkTimeMs = flags.thinkTime;
  if (flags.rate !== undefined) o.rate = flags.rate;
  if (flags.maxInFlight !== undefined) o.maxInFlight = flags.maxInFlight;
  if (flags.timeout !== undefined) o.timeoutMs = flags.timeout;
  if (flags.maxRequests !== undefined) o.maxRequests = flags.maxRequests;
  return o;
}

/** Resolves scenario and thresholds for a command: config defaults, then the file, then flags. */
export async function prepare(
  ctx: CommandContext,
  url: string | undefined,
  flags: LoadFlags,
  extra: ScenarioOverrides = {},
): Promise<{ scenario: Scenario; thresholds: Threshold[] }> {
  const [{ planScenario }, th] = await Promise.all([
    import('../load/plan.ts'),
    import('../load/thresholds.ts'),
  ]);
  const { config } = await ctx.config();
  const scenario = await planScenario({
    ...(url ? { url } : {}),
    ...(flags.scenario ? { scenarioFile: flags.scenario } : {}),
    overrides: { ...overridesFrom(flags), ...extra },
    config,
    env: ctx.env,
    cwd: ctx.cwd,
  });
  const given = (flags.threshold ?? []).flatMap((t) =>
    th.parseThresholds(t, '--threshold', flags.abortOnFail ? { abortOnFail: true } : {}),
  );
  const defaults = flags.thresholds === false || given.length ? [] : th.defaultThresholds(config);
  const thresholds = [...given, ...defaults];
  th.assertThresholdsMatchScenario(thresholds, scenario);
  return { scenario, thresholds };
}

/** Engine settings from the shared flags. */
export function engineHooks(flags: Pick<LoadFlags, 'workers' | 'window'>): {
  workers?: number;
  windowMs?: number;
} {
  return {
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    ...(flags.window !== undefined ? { windowMs: flags.window } : {}),
  };
}

/** Live progress for a run: one redrawn line on a terminal, a line every 10 s in CI logs. */
export function progressFor(ctx: CommandContext, label: string, durationMs: number) {
  const task = ctx.progress.start(label);
  return {
    task,
    onProgress: (p: {
      elapsedMs: number;
      requests: number;
      rps: number;
      errors: number;
      p95Ms: number;
      users: number;
    }) =>
      task.update(
        `${formatDuration(p.elapsedMs)}/${formatDuration(durationMs)}  ${p.requests} req  ${p.rps.toFixed(0)}/s  p95 ${p.p95Ms.toFixed(1)}ms  errors ${p.errors}  users ${p.users}`,
        durationMs > 0 ? p.elapsedMs / durationMs : undefined,
      ),
  };
}

/** Envelope, document, optional HTML and the store record of a finished test. */
export async function outcomeOf(startedAt: Date, test: TestOutcome, html?: string): Promise<Outcome> {
  const [{ makeEnvelope }, { loadKind }, { loadDocument }, { renderHtml }, { scenarioHashOf }] =
    await Promise.all([
      import('../core/envelope.ts'),
      import('../load/result.ts'),
      import('../load/report.ts'),
      import('../report/html.ts'),
      import('../perf/fingerprint.ts'),
    ]);
  const envelope = makeEnvelope(loadKind, {
    verdict: test.verdict,
    summary: test.summary,
    startedAt,
    warnings: test.warnings,
    fields: test.fields,
  });
  const document = loadDocument(test.fields, test.verdict, test.summary, test.warnings);
  if (html)
    writeFileAtomic(
      html,
      renderHtml(`shipgate ${test.fields.mode}: ${test.fields.target.scenario}`, [document]),
    );
  return {
    envelope,
    document,
    record: {
      figures: figuresOf(test.run, test),
      labels: {
        mode: test.fields.mode,
        scenario: test.fields.target.scenario,
        target: test.fields.target.baseUrl,
        // Baselines, calibrations and trends find comparable runs by it.
        scenario_hash: scenarioHashOf(test.fields),
      },
    },
  };
}

function figuresOf(run: LoadRunResult, test: TestOutcome): Record<string, number> {
  const f: Record<string, number> = {
    requests: run.completed,
    rps: run.rps,
    error_rate: run.errorRate,
    p50_ms: run.latencyMs.p50,
    p95_ms: run.latencyMs.p95,
    p99_ms: run.latencyMs.p99,
    generator_cpu_percent: run.generator.cpuPercent,
  };
  if (run.correctedLatencyMs) f.corrected_p99_ms = run.correctedLatencyMs.p99;
  if (test.fields.stress) f.max_sustainable_rps = test.fields.stress.maxSustainableRps;
  const rss = test.fields.endurance?.serverRssSlopeMbPerHour;
  if (rss) f.server_rss_slope_mb_per_hour = rss.slope;
  return f;
}
