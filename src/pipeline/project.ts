import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the generated workflows run for the project's own steps: how to install its dependencies and
 * run its tests so that they leave a JUnit report. One profile per kind of project; the first whose
 * files are present wins, and `--install-command` / `--test-command` override either.
 */
export interface ProjectProfile {
  name: string;
  present(root: string, files: string[]): boolean;
  install(root: string): string;
  test: string;
  junit: string;
}

export const PROJECT_PROFILES: readonly ProjectProfile[] = [
  {
    name: 'node',
    present: (_r, files) => files.includes('package.json'),
    install: (root) =>
      existsSync(join(root, 'pnpm-lock.yaml'))
        ? 'npx pnpm install --frozen-lockfile'
        : existsSync(join(root, 'yarn.lock'))
          ? 'yarn install --frozen-lockfile'
          : existsSync(join(root, 'package-lock.json'))
            ? 'npm ci'
            : 'npm install',
    // The project's own test script, told where to put JUnit; runners that cannot are named in the output.
    test: 'npm test',
    junit: 'reports/junit.xml',
  },
  {
    name: 'python',
    present: (_r, files) =>
      files.some((f) => /^requirements.*\.txt$/.test(f) || f === 'pyproject.toml' || f === 'setup.py'),
    install: (root) =>
      existsSync(join(root, 'pyproject.toml')) || existsSync(join(root, 'setup.py'))
        ? 'python -m pip install -e . pytest pytest-cov'
        : `python -m pip install ${readdirSync(root)
            .filter((f) => /^requirements.*\.txt$/.test(f))
            .sort()
            .map((f) => `-r ${f}`)
            .join(' ')} pytest pytest-cov`,
    test: 'python -m pytest --junitxml=reports/junit.xml --cov --cov-report=xml',
    junit: 'reports/junit.xml',
  },
];

export interface ProjectCommands {
  profile: string;
  install: string;
  test: string;
  junit: string;
  /** The OpenAPI document the API-compatibility step compares, when the repository has one. */
  openapi: string;
}

const OPENAPI_FILES = [
  'openapi.json',
  'openapi.yaml',
  'openapi.yml',
  'docs/openapi.json',
  'docs/openapi.yaml',
];

export function detectProject(
  root: string,
  overrides: { install?: string; test?: string; junit?: string; openapi?: string } = {},
): ProjectCommands {
  const files = readdirSync(root);
  const profile =
    PROJECT_PROFILES.find((p) => p.present(root, files)) ?? (PROJECT_PROFILES[0] as ProjectProfile);
  return {
    profile: profile.name,
    install: overrides.install ?? profile.install(root),
    test: overrides.test ?? profile.test,
    junit: overrides.junit ?? profile.junit,
    openapi: overrides.openapi ?? OPENAPI_FILES.find((f) => existsSync(join(root, f))) ?? 'openapi.json',
  };
}
