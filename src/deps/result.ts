import { z } from 'zod';
import { defineKind } from '../core/envelope.ts';

/** `shipgate/audit@1`: dependency vulnerabilities, licences, outdated packages and ingested SARIF. */
const severity = z.enum(['info', 'low', 'moderate', 'high', 'critical', 'unknown']);
const knownSeverity = z.enum(['info', 'low', 'moderate', 'high', 'critical']);

const finding = z.object({
  id: z.string(),
  aliases: z.array(z.string()),
  summary: z.string().optional(),
  url: z.string().optional(),
  severity,
  cvss: z.object({ version: z.string(), vector: z.string(), score: z.number() }).optional(),
  ecosystem: z.string(),
  package: z.string(),
  version: z.string(),
  lockfile: z.string(),
  line: z.number().int().optional(),
  direct: z.boolean(),
  dev: z.boolean(),
  paths: z.array(z.string()),
  fixedIn: z.string().optional(),
  fixIsSemverMajor: z.boolean().optional(),
  sources: z.array(z.string()),
  status: z.enum(['failing', 'below-threshold', 'allowlisted', 'existing', 'dev-omitted']),
  allowlist: z
    .object({ reason: z.string().optional(), expires: z.string().optional(), owner: z.string().optional() })
    .optional(),
});

export const auditKind = defineKind('audit', {
  failOn: knownSeverity,
  source: z.object({
    id: z.string(),
    available: z.boolean(),
    reason: z.string().optional(),
    details: z.record(z.string(), z.union([z.string(), z.number()])),
  }),
  inventory: z.array(
    z.object({
      file: z.string(),
      format: z.string(),
      ecosystem: z.string(),
      packages: z.number().int(),
      direct: z.number().int(),
      dev: z.number().int(),
      notes: z.array(z.string()),
    }),
  ),
  findings: z.array(finding),
  counts: z.record(z.string(), z.number().int()),
  allowlist: z
    .object({
      file: z.string(),
      entries: z.number().int(),
      expired: z.array(z.object({ id: z.string(), expires: z.string(), line: z.number().int().optional() })),
      unused: z.array(
        z.object({ id: z.string(), path: z.string().optional(), line: z.number().int().optional() }),
      ),
    })
    .optional(),
  newOnly: z.object({ base: z.string(), existing: z.number().int() }).optional(),
  licenses: z
    .object({
      policy: z.object({ deny: z.array(z.string()), warn: z.array(z.string()), allow: z.array(z.string()) }),
      packages: z.array(
        z.object({
          package: z.string(),
          version: z.string(),
          license: z.string(),
          verdict: z.enum(['allowed', 'warned', 'denied', 'unknown']),
          dev: z.boolean(),
        }),
      ),
      denied: z.number().int(),
      warned: z.number().int(),
      unknown: z.number().int(),
    })
    .optional(),
  outdated: z
    .object({
      registry: z.string(),
      packages: z.array(
        z.object({
          package: z.string(),
          installed: z.string(),
          latest: z.string(),
          behind: z.enum(['major', 'minor', 'patch']),
          dev: z.boolean(),
        }),
      ),
      failures: z.array(z.string()),
    })
    .optional(),
  code: z.array(
    z.object({
      tool: z.string(),
      ruleId: z.string(),
      message: z.string(),
      severity: knownSeverity,
      file: z.string().optional(),
      line: z.number().int().optional(),
      sarif: z.string(),
      status: z.enum(['failing', 'below-threshold']),
    }),
  ),
});

/** `shipgate/dependabot@1`: `dependabot lint` problems, or what `dependabot init` wrote. */
export const dependabotKind = defineKind('dependabot', {
  action: z.enum(['lint', 'init']),
  file: z.string(),
  ecosystems: z.array(z.object({ ecosystem: z.string(), directory: z.string() })),
  problems: z.array(
    z.object({
      rule: z.string(),
      level: z.enum(['error', 'warning']),
      message: z.string(),
      line: z.number().int().optional(),
    }),
  ),
  written: z.boolean(),
});

/** `shipgate/matrix@1`: runtime versions a CI matrix should test, and why. */
const runtime = z.object({
  constraint: z.string().optional(),
  schedule: z.string(),
  versions: z.array(z.string()),
  excluded: z.array(z.object({ version: z.string(), reason: z.string() })),
});

export const matrixKind = defineKind('matrix', {
  date: z.string(),
  matrix: z.record(z.string(), z.array(z.string())),
  runtimes: z.object({ node: runtime.optional(), python: runtime.optional() }),
});
