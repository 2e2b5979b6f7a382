import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../config/index.ts';
import { writeFileAtomic } from '../../core/fs.ts';
import type { DemoStage } from '../stage.ts';

/** Writes the config a user would write for the sample service, then loads and validates it. */
export const configStage: DemoStage = {
  id: 'config',
  title: 'Configuration',
  async run(ctx) {
    const file = join(ctx.workspace, 'shipgate.config.yaml');
    const endpoints = [
      '/health',
      '/api/status',
      '/api/wifi/networks',
      '/api/bluetooth/devices',
      '/api/metrics',
    ];
    const config = {
      service: {
        baseUrl: ctx.service.url,
        healthPath: '/health',
        healthBody: { status: 'healthy' },
        auth: {
          login: { path: '/token', username: ctx.credentials.username, passwordEnv: 'SAMPLE_PASSWORD' },
        },
      },
      load: { users: 4, duration: '5s', rampUp: '1s' },
      monitor: {
        interval: '10s',
        endpoints: endpoints.map((path) => ({
          name: path.replace(/^\//, '').replaceAll('/', '_'),
          url: `${ctx.service.url}${path}`,
          timeout: '5s',
        })),
      },
    };
    writeFileAtomic(file, `# Written by shipgate demo for the bundled sample service.\n${stringify(config)}`);
    const loaded = await loadConfig({ file, cwd: ctx.workspace, env: {} });
    const ok =
      loaded.config.service.baseUrl.replace(/\/$/, '') === ctx.service.url &&
      loaded.config.monitor.endpoints.length === endpoints.length;
    return {
      verdict: ok ? 'pass' : 'fail',
      summary: ok
        ? `shipgate.config.yaml validated: ${loaded.config.monitor.endpoints.length} endpoints, API threshold ${loaded.config.thresholds.apiResponseTime} ms`
        : 'the written configuration did not load back as written',
      blocks: [
        {
          type: 'fields',
          title: 'Configuration',
          fields: [
            ['file', file],
            ['service', loaded.config.service.baseUrl],
            ['endpoints', String(loaded.config.monitor.endpoints.length)],
          ],
        },
      ],
      figures: { endpoints: loaded.config.monitor.endpoints.length },
    };
  },
};
