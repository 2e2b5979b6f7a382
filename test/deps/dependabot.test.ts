import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependabotConfig } from '../../src/deps/dependabot/init.ts';
import { lintDependabot } from '../../src/deps/dependabot/lint.ts';
import { DEPENDABOT_RULES } from '../../src/deps/dependabot/rules.ts';
import { DEPS_FIXTURES } from './helpers.ts';

describe('dependabot lint', () => {
  it("finds every defect of PiWardrive's file, each on its line", () => {
    const file = join(DEPS_FIXTURES, 'dependabot', 'piwardrive.yml');
    const { problems } = lintDependabot(readFileSync(file, 'utf8'), 'piwardrive.yml');
    expect(problems.map((p) => [p.line, p.level, p.rule])).toEqual([
      [11, 'error', 'reviewers-retired'],
      [12, 'error', 'expression-not-evaluated'],
      [20, 'error', 'security-update-type'],
      [39, 'error', 'schedule-fields'],
      [47, 'warning', 'cooldown-semver'],
      [48, 'error', 'schema'],
      [49, 'error', 'duplicate-update'],
    ]);
    expect(problems.find((p) => p.rule === 'schema')?.message).toMatch(
      /did you mean 'updates\[2\]\.open-pull-requests-limit'/,
    );
  });

  it('flags a group whose patterns match no direct dependency', () => {
    const text =
      'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule: {interval: weekly}\n    groups:\n      types:\n        patterns: ["@types/*"]\n      lodash:\n        patterns: ["lodash*"]\n';
    const { problems } = lintDependabot(text, 'd.yml', () => ['lodash', 'minimist', 'node-fetch', 'mkdirp']);
    expect(problems).toEqual([
      {
        rule: 'group-matches-nothing',
        level: 'warning',
        message: "group 'types' matches none of the 4 direct dependencies in /",
        line: 7,
      },
    ]);
  });

  it('rejects malformed YAML as input error and a wrong version as a schema problem', () => {
    expect(() => lintDependabot('version: 2\nupdates: [\n', 'd.yml')).toThrow(/malformed YAML/);
    const { problems } = lintDependabot('version: 1\nupdates: []\n', 'd.yml');
    expect(problems.map((p) => p.message)).toEqual([
      'version: expected one of 2, got 1',
      'updates: expected at least 1 item(s)',
    ]);
  });

  it('documents every rule', () => {
    for (const rule of DEPENDABOT_RULES) expect(rule.description.length).toBeGreaterThan(20);
    expect(new Set(DEPENDABOT_RULES.map((r) => r.id)).size).toBe(DEPENDABOT_RULES.length);
  });
});

describe('dependabot init', () => {
  it("writes the seed's policy that passes its own linter", () => {
    const text = dependabotConfig(['npm', 'pip', 'github-actions']);
    expect(lintDependabot(text, 'x.yml').problems).toEqual([]);
    expect(text).toContain('time: "06:00"');
    expect(text).toMatch(/security:\n\s+applies-to: security-updates/);
    expect(text).toMatch(/include: scope/);
  });
});
