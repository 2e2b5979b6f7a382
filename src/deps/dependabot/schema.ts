import { z } from 'zod';

/**
 * `.github/dependabot.yml` (version 2) as GitHub documents it ("Dependabot options reference";
 * SchemaStore's dependabot-2.0.json has the same keys). Strict objects: an unknown or misspelt key
 * is reported with did-you-mean. Values the semantic rules explain better (`update-types`,
 * `reviewers`) are accepted loosely here and judged in ./rules.ts.
 */
export const PACKAGE_ECOSYSTEMS = [
  'bun',
  'bundler',
  'cargo',
  'composer',
  'devcontainers',
  'docker',
  'docker-compose',
  'dotnet-sdk',
  'elm',
  'github-actions',
  'gitsubmodule',
  'gomod',
  'gradle',
  'helm',
  'maven',
  'mix',
  'npm',
  'nuget',
  'pip',
  'pub',
  'rust-toolchain',
  'swift',
  'terraform',
  'uv',
  'vcpkg',
] as const;

const strings = z.array(z.string());

const schedule = z.strictObject({
  interval: z.enum(['daily', 'weekly', 'monthly', 'quarterly', 'semiannually', 'yearly', 'cron']),
  day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']).optional(),
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time like "06:00" (quoted)' })
    .optional(),
  timezone: z.string().optional(),
  cronjob: z.string().optional(),
});

const group = z.strictObject({
  'applies-to': z.enum(['version-updates', 'security-updates']).optional(),
  'dependency-type': z.enum(['production', 'development']).optional(),
  patterns: strings.optional(),
  'exclude-patterns': strings.optional(),
  'update-types': strings.optional(),
  'group-by': z.enum(['dependency-name']).optional(),
});

const update = z.strictObject({
  'package-ecosystem': z.enum(PACKAGE_ECOSYSTEMS),
  directory: z.string().optional(),
  directories: strings.optional(),
  schedule,
  allow: z
    .array(
      z.strictObject({
        'dependency-name': z.string().optional(),
        'dependency-type': z.enum(['direct', 'indirect', 'all', 'production', 'development']).optional(),
      }),
    )
    .optional(),
  assignees: strings.optional(),
  'commit-message': z
    .strictObject({
      prefix: z.string().optional(),
      'prefix-development': z.string().optional(),
      include: z.literal('scope').optional(),
    })
    .optional(),
  cooldown: z
    .strictObject({
      'default-days': z.number().int().min(1).max(90).optional(),
      'semver-major-days': z.number().int().min(1).max(90).optional(),
      'semver-minor-days': z.number().int().min(1).max(90).optional(),
      'semver-patch-days': z.number().int().min(1).max(90).optional(),
      include: strings.optional(),
      exclude: strings.optional(),
    })
    .optional(),
  'exclude-paths': strings.optional(),
  groups: z.record(z.string(), group).optional(),
  ignore: z
    .array(
      z.strictObject({
        'dependency-name': z.string(),
        versions: z.union([z.string(), strings]).optional(),
        'update-types': z
          .array(
            z.enum([
              'version-update:semver-major',
              'version-update:semver-minor',
              'version-update:semver-patch',
            ]),
          )
          .optional(),
      }),
    )
    .optional(),
  'insecure-external-code-execution': z.enum(['allow', 'deny']).optional(),
  labels: strings.optional(),
  milestone: z.number().int().optional(),
  'multi-ecosystem-group': z.string().optional(),
  'open-pull-requests-limit': z.number().int().min(0).optional(),
  'pull-request-branch-name': z.strictObject({ separator: z.enum(['-', '_', '/']) }).optional(),
  'rebase-strategy': z.enum(['auto', 'disabled']).optional(),
  registries: z.union([z.literal('*'), strings]).optional(),
  /** Retired on 2025-08-08 (CODEOWNERS replaces it); accepted here so the rule can say so. */
  reviewers: z.unknown().optional(),
  'target-branch': z.string().optional(),
  vendor: z.boolean().optional(),
  'versioning-strategy': z
    .enum(['auto', 'increase', 'increase-if-necessary', 'lockfile-only', 'widen'])
    .optional(),
});

export const dependabotSchema = z.strictObject({
  version: z.literal(2),
  updates: z.array(update).min(1),
  registries: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  'multi-ecosystem-groups': z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  'enable-beta-ecosystems': z.boolean().optional(),
});

export type DependabotConfig = z.infer<typeof dependabotSchema>;
export type DependabotUpdate = DependabotConfig['updates'][number];
