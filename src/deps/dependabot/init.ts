import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

/**
 * `dependabot init`: the seed's update policy — daily at 06:00 UTC; security updates, minor and
 * patch updates, and major updates each grouped into one pull request; commit messages with
 * scope — for every ecosystem found in the repository.
 */
interface Detector {
  ecosystem: string;
  present(root: string, files: string[]): boolean;
}

const DETECTORS: readonly Detector[] = [
  { ecosystem: 'npm', present: (_r, f) => f.includes('package.json') },
  { ecosystem: 'uv', present: (_r, f) => f.includes('uv.lock') },
  {
    ecosystem: 'pip',
    present: (_r, f) =>
      !f.includes('uv.lock') &&
      f.some(
        (n) =>
          /^requirements.*\.(txt|in)$/.test(n) ||
          ['pyproject.toml', 'poetry.lock', 'Pipfile', 'Pipfile.lock', 'setup.py'].includes(n),
      ),
  },
  { ecosystem: 'docker', present: (_r, f) => f.some((n) => /^Dockerfile/.test(n)) },
  { ecosystem: 'github-actions', present: (r) => existsSync(join(r, '.github', 'workflows')) },
];

export function detectEcosystems(root: string): string[] {
  const files = readdirSync(root);
  return DETECTORS.filter((d) => d.present(root, files)).map((d) => d.ecosystem);
}

export function dependabotConfig(ecosystems: string[]): string {
  const config = {
    version: 2,
    updates: ecosystems.map((ecosystem) => ({
      'package-ecosystem': ecosystem,
      directory: '/',
      schedule: { interval: 'daily', time: '06:00', timezone: 'Etc/UTC' },
      'open-pull-requests-limit': 10,
      labels: ['dependencies'],
      'commit-message': { prefix: 'deps', 'prefix-development': 'deps-dev', include: 'scope' },
      groups: {
        security: { 'applies-to': 'security-updates', patterns: ['*'] },
        'minor-and-patch': {
          'applies-to': 'version-updates',
          patterns: ['*'],
          'update-types': ['minor', 'patch'],
        },
        major: { 'applies-to': 'version-updates', patterns: ['*'], 'update-types': ['major'] },
      },
    })),
  };
  // Times stay quoted: a YAML 1.1 reader takes a bare 06:00 for the number 360.
  const body = stringify(config, { defaultStringType: 'PLAIN', lineWidth: 0 }).replaceAll(
    /time: (\d\d:\d\d)/g,
    'time: "$1"',
  );
  return `# Written by shipgate dependabot init: daily at 06:00 UTC, security / minor+patch / major updates grouped.
# Reviews: list owners in .github/CODEOWNERS (dependabot.yml's reviewers key is retired).
${body}`;
}
