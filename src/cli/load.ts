import type { Command } from 'commander';
import { action, examples } from './action.ts';
import { addLoadFlags, engineHooks, type LoadFlags, outcomeOf, prepare, progressFor } from './load-common.ts';

export function registerLoad(program: Command): void {
  const cmd = program
    .command('load')
    .description(
      'Load-test a URL or a scenario: N virtual users (closed model) or an arrival rate (open model, latency from the intended send time), with k6-style thresholds as the gate. Exit 1 when a threshold fails, 3 when the load generator itself was the bottleneck.',
    );
  addLoadFlags(cmd).action(
    action<LoadFlags>(async (ctx, [url], flags) => {
      const startedAt = new Date();
      const { scenario, thresholds } = await prepare(ctx, url, flags);
      const { loadTest } = await import('../load/tests.ts');
      const { task, onProgress } = progressFor(ctx, 'load', scenario.durationMs);
      const test = await loadTest(scenario, thresholds, {
        onProgress,
        ...engineHooks(flags),
      });
      task.done(test.verdict);
      return outcomeOf(startedAt, test, flags.html);
    }),
  );
  examples(cmd, [
    ['shipgate load http://127.0.0.1:8000/api/status', 'config defaults: 10 users, 60 s, 10 s ramp-up'],
    ['shipgate load URL -u 50 -d 2m --threshold "http_req_duration: p(99)<500"', '50 users, a p99 gate'],
    ['shipgate load URL --rate 200/s -d 30s', 'open model: 200 requests/s whatever the server does'],
    [
      'shipgate load --scenario api.yaml --json load.json --html load.html',
      'a scenario; JSON result and an HTML report',
    ],
    [
      "shipgate load -s api.yaml -t 'http_req_failed: rate<0.01' --abort-on-fail",
      'stop early when errors pass 1%',
    ],
  ]);
}
