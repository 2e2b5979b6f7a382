import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { startSampleService } from '../../../examples/sample-service/server.ts';
import { defaultConfig } from '../../config/schema.ts';
import { Monitor } from '../../monitor/runner.ts';
import { openStore } from '../../store/open.ts';
import type { DemoStage } from '../stage.ts';

/** Injected slowness on every /api/* call; the rule below alerts over 250 ms. */
const INJECTED_LATENCY_MS = 400;
const ROUNDS = 4;

/**
 * A short monitor run against a sample service started with injected slowness: the response-time
 * rule goes pending, then fires on its second bad round, and the alert travels through the outbox
 * to a local webhook receiver that stands in for the team's monitoring endpoint.
 */
export const monitorStage: DemoStage = {
  id: 'monitor',
  title: 'Monitoring and alerts',
  async run(ctx) {
    const slow = await startSampleService({
      port: 0,
      auth: false,
      latency: { minMs: INJECTED_LATENCY_MS, maxMs: INJECTED_LATENCY_MS },
    });
    const received: Array<{
      authorization: string | undefined;
      body: { metric?: string; value?: number; tags?: Record<string, string> };
    }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(body || '{}') });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const store = await openStore(join(ctx.workspace, 'monitor.db'), { env: {} });
    try {
      const config = defaultConfig();
      config.notify.webhook = {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`,
        apiKey: 'demo-monitoring-key',
      };
      const monitor = new Monitor({
        config,
        env: {},
        store,
        plan: {
          intervalMs: 250,
          checks: [
            {
              name: 'status_api',
              kind: 'http',
              url: `${slow.url}/api/status`,
              method: 'GET',
              expectStatus: [200],
              headers: {},
              body: [{ path: 'status', op: 'exists' }],
              timeout: 5000,
            },
          ],
          rules: [
            {
              name: 'api_response_time',
              metric: 'http_response_time_ms',
              match: {},
              above: 250,
              recover: 200,
              forMs: 0,
              failureThreshold: 2,
              successThreshold: 2,
              keepFiringForMs: 0,
              severity: 'critical',
              labels: {},
              summary: 'API response time over threshold',
              noData: 'keep',
            },
          ],
          windows: [],
        },
      });
      const phases: string[] = [];
      const latencies: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const round = await monitor.round();
        latencies.push(
          round.checks[0]?.samples.find((s) => s.metric === 'http_response_time_ms')?.value ?? Number.NaN,
        );
        phases.push(monitor.states[0]?.phase ?? 'inactive');
      }
      const alert = received[0]?.body;
      const caught =
        phases.includes('firing') && alert?.metric === 'api_response_time' && received.length === 1;
      const summary = caught
        ? `caught ${INJECTED_LATENCY_MS} ms of injected slowness: ${phases.join(' → ')}; one alert delivered to the webhook`
        : `did not catch the injected slowness (${phases.join(' → ')}, ${received.length} messages received)`;
      return {
        verdict: caught ? 'pass' : 'fail',
        summary,
        figures: {
          rounds: ROUNDS,
          alerts_delivered: received.length,
          max_response_ms: Math.round(Math.max(...latencies)),
        },
        blocks: [
          {
            type: 'table',
            title: 'Rounds',
            columns: ['round', 'response time', 'alert state'],
            align: ['right', 'right', 'left'],
            rows: phases.map((p, i) => [i + 1, `${(latencies[i] ?? 0).toFixed(1)} ms`, p]),
          },
          {
            type: 'code',
            title: 'What the webhook received',
            lang: 'json',
            text: JSON.stringify(alert ?? null, null, 2),
          },
        ],
      };
    } finally {
      await store.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await slow.close();
    }
  },
};
