import type { Command } from 'commander';
import { action, examples } from './action.ts';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('check and show the configuration');
  const check = config
    .command('check')
    .description(
      'Validate the configuration and print the effective settings (file + environment overrides + defaults),\n' +
        'secrets redacted. A bad value exits 2 naming the key and line.',
    )
    .action(
      action(async (ctx) => {
        const startedAt = new Date();
        const [{ stringify }, { displayConfig }, { configKind }, { makeEnvelope }] = await Promise.all([
          import('yaml'),
          import('../config/index.ts'),
          import('../config/result.ts'),
          import('../core/envelope.ts'),
        ]);
        const loaded = await ctx.config();
        const effective = displayConfig(loaded.config) as Record<string, unknown>;
        const source = loaded.file ?? 'built-in defaults';
        const envelope = makeEnvelope(configKind, {
          verdict: 'pass',
          summary: `configuration from ${source} is valid`,
          startedAt,
          warnings: loaded.warnings,
          fields: {
            source: { ...(loaded.file ? { file: loaded.file } : {}), format: loaded.format },
            overrides: loaded.overrides,
            effective,
          },
        });
        const t = loaded.config.thresholds;
        const fmt = effective.thresholds as Record<string, string | number>;
        return {
          envelope,
          document: {
            title: 'Configuration',
            verdict: 'pass',
            summary: envelope.summary,
            blocks: [
              {
                type: 'fields',
                fields: [
                  ['source', source],
                  ['format', loaded.format],
                  [
                    'environment',
                    loaded.overrides.length
                      ? loaded.overrides.map((o) => `${o.variable} → ${o.path}`).join(', ')
                      : 'no overrides',
                  ],
                ],
              },
              {
                type: 'table',
                title: 'Alert thresholds',
                columns: ['threshold', 'value'],
                align: ['left', 'right'],
                rows: Object.keys(t).map((k) => [k, String(fmt[k])]),
              },
              {
                type: 'code',
                title: 'Effective configuration',
                lang: 'yaml',
                text: stringify(effective).trimEnd(),
              },
              ...(loaded.warnings.length
                ? [{ type: 'list' as const, title: 'Warnings', items: loaded.warnings }]
                : []),
            ],
          },
        };
      }),
    );
  examples(check, [
    ['shipgate config check', 'find shipgate.config.yaml (or the seed file) in this folder'],
    ['shipgate config check --config performance_config.json', 'the seed PiWardrive config, as is'],
    ['CONCURRENT_USERS=50 shipgate config check', 'see an environment override applied'],
    ['shipgate config check --format json', 'the effective config as a JSON envelope'],
  ]);
}
