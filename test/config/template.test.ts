import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../src/config/index.ts';

describe('templates/shipgate.config.yaml', () => {
  it('is valid and states exactly the defaults, so the documented example cannot drift', async () => {
    const loaded = await loadConfig({
      file: join(import.meta.dirname, '..', '..', 'templates', 'shipgate.config.yaml'),
      env: {},
    });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config).toEqual(defaultConfig());
  });
});
