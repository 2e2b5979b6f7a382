import semver from 'semver';
import { rule } from './rule.ts';

/**
 * `info.version` policy. INFO by default, as in oasdiff: teams that do not version with semver
 * stay undisturbed; raise the level with a severity override to enforce it.
 */
const parse = (v: string) => semver.coerce(v, { loose: true });

export const VERSION_RULES = [
  rule({
    id: 'api-version-decreased',
    level: 'INFO',
    hook: 'document',
    description: '`info.version` went down.',
    check: (s) => {
      const b = parse(s.base.version);
      const h = parse(s.head.version);
      return (
        b && h && semver.lt(h, b) && `info.version decreased from ${s.base.version} to ${s.head.version}`
      );
    },
  }),
  rule({
    id: 'api-major-version-not-bumped',
    level: 'INFO',
    hook: 'document',
    description: 'There are breaking (ERR) changes but the major part of `info.version` did not go up.',
    check: (s) => {
      const b = parse(s.base.version);
      const h = parse(s.head.version);
      const breaking = s.changes.filter((c) => c.level === 'ERR').length;
      return (
        breaking > 0 &&
        b &&
        h &&
        h.major <= b.major &&
        `${breaking} breaking change${breaking === 1 ? '' : 's'} but info.version went from ${s.base.version} to ${s.head.version} (major not bumped)`
      );
    },
  }),
  rule({
    id: 'api-version-not-bumped',
    level: 'INFO',
    hook: 'document',
    description: 'The API changed but `info.version` stayed the same.',
    check: (s) =>
      s.changes.length > 0 &&
      s.base.version === s.head.version &&
      `API changed but info.version is still ${s.head.version}`,
  }),
];
