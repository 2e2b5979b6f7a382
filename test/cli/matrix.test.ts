import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEPS_FIXTURES } from '../deps/helpers.ts';
import { runCli, validateEnvelope } from '../helpers/cli.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'shipgate-matrix-cli-'));

describe('shipgate matrix', () => {
  it('Node and Python versions from engines, requires-python and the schedules; matrix to GITHUB_OUTPUT', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', engines: { node: '>=20' } }));
    writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "x"\nrequires-python = ">=3.10"\n');
    const out = join(dir, 'gh-output');
    const r = await runCli(
      [
        'matrix',
        '--date',
        '2026-11-24',
        '--python-releases',
        join(DEPS_FIXTURES, 'python-releases.json'),
        '--store',
        join(dir, 's.db'),
        '--json',
        join(dir, 'm.json'),
      ],
      { cwd: dir, env: { GITHUB_OUTPUT: out } },
    );
    expect(r.code).toBe(0);
    const env = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(validateEnvelope(env)).toEqual([]);
    expect(env.verdict).toBe('warn');
    expect(env.matrix).toEqual({ node: ['22', '24', '26'], python: ['3.11', '3.12', '3.13', '3.14'] });
    expect(readFileSync(out, 'utf8')).toBe(
      'matrix={"node":["22","24","26"],"python":["3.11","3.12","3.13","3.14"]}\n',
    );
    expect(r.stderr).toMatch(/>=20 still allows 20, which reached end of life on 2026-04-30/);
  });

  it('a Python project without a release schedule is inconclusive, not a guess', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'requirements.txt'), 'urllib3==1.24.1\n');
    const r = await runCli(['matrix', '--store', join(dir, 's.db')], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no maintained package on npm carries one/);
  });

  it('engines that no supported line satisfies fail; a bad date is a usage error', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', engines: { node: '<18' } }));
    const r = await runCli(['matrix', '--date', '2026-11-24', '--store', join(dir, 's.db')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/node: none supported/);
    const bad = await runCli(['matrix', '--date', 'tomorrow', '--store', join(dir, 's.db')], { cwd: dir });
    expect(bad.code).toBe(2);
  });
});
