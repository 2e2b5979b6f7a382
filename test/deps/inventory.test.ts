import { describe, expect, it } from 'vitest';
import { takeInventory } from '../../src/deps/ecosystems/index.ts';
import { DEPS_FIXTURES } from './helpers.ts';

const summary = (dir: string) =>
  takeInventory(dir, DEPS_FIXTURES)[0]?.packages.map(
    (p) => `${p.name}@${p.version}${p.direct ? ' direct' : ''}${p.dev ? ' dev' : ''}`,
  );

describe('lockfile inventory', () => {
  it('marks direct and dev dependencies the same way whichever npm-family tool wrote the lockfile', () => {
    for (const dir of ['npm', 'npm1', 'yarn1', 'berry', 'pnpm', 'pnpm8']) {
      expect(summary(dir), dir).toEqual([
        'lodash@4.17.4 direct',
        'minimist@0.0.8 direct',
        'mkdirp@0.5.1 direct dev',
        'node-fetch@2.6.0 direct',
      ]);
    }
  });

  it('follows npm workspaces without reporting the workspace itself as a package', () => {
    const inv = takeInventory('npm-workspaces', DEPS_FIXTURES)[0];
    expect(inv?.format).toBe('npm-lock-v3');
    expect(inv?.packages.map((p) => [p.name, p.direct, p.dev, p.paths])).toEqual([
      ['@types/minimist', true, true, [['@types/minimist']]],
      ['minimist', true, false, [['minimist'], ['mkdirp', 'minimist']]],
      ['mkdirp', true, false, [['mkdirp']]],
    ]);
  });

  it('reads dev groups from Python lock formats that record them', () => {
    expect(summary('poetry')).toEqual([
      'jinja2@2.10 direct',
      'markupsafe@1.1.1',
      'pyyaml@5.3 direct',
      'urllib3@1.24.1 direct dev',
    ]);
    expect(summary('pipenv')).toContain('urllib3@1.24.1 direct dev');
    expect(summary('pip-compile')).toContain('markupsafe@1.1.1');
  });
});
