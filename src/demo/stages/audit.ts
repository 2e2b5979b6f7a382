import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../core/version.ts';
import { runAudit } from '../../deps/audit.ts';
import { DEFAULT_LICENSE_POLICY } from '../../deps/licenses.ts';
import { auditDocument } from '../../deps/report.ts';
import type { DemoStage, StageOutcome } from '../stage.ts';

/**
 * Audits the sample service's own lockfile (npm 11, lockfile v3) against an offline OSV database,
 * with the licence policy on. The demo runs offline, so the database is the OSV snapshot beside
 * the checkout (`../shared/fixtures/osv`, real GitHub advisories) or the one SHIPGATE_OSV_DB names.
 * Without either the stage is not run and says why (warn: the demo still passes on a fresh machine,
 * while `shipgate audit` itself is inconclusive without a source) — a recorded answer would only pretend.
 */
export function demoOsvDatabase(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.SHIPGATE_OSV_DB, join(PACKAGE_ROOT, '..', 'shared', 'fixtures', 'osv')];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

export const auditStage: DemoStage = {
  id: 'audit',
  title: 'Dependency audit',
  async run(ctx): Promise<StageOutcome> {
    const osvDb = demoOsvDatabase();
    const project = join(PACKAGE_ROOT, 'examples', 'sample-service');
    if (!existsSync(join(project, 'package-lock.json'))) {
      return {
        verdict: 'warn',
        summary:
          'not run: the sample service lockfile is not here (examples/ ships with the source checkout, not the npm package)',
        blocks: [],
        figures: {},
      };
    }
    if (!osvDb) {
      return {
        verdict: 'warn',
        summary:
          'not run: no offline advisory database: the demo runs offline and found neither ../shared/fixtures/osv nor SHIPGATE_OSV_DB — point SHIPGATE_OSV_DB at an OSV directory or all.zip',
        blocks: [],
        figures: {},
      };
    }
    const result = await runAudit({
      path: project,
      cwd: PACKAGE_ROOT,
      failOn: 'low',
      source: 'osv-db',
      sourceOptions: {
        osvDb,
        osvApiUrl: 'https://api.osv.dev',
        registry: 'https://registry.npmjs.org',
        timeoutMs: 10_000,
        // The demo's database is a fixed snapshot, so its age is reported but not gated here.
        maxAgeMs: Number.POSITIVE_INFINITY,
        now: new Date(),
      },
      omitDev: false,
      licenses: DEFAULT_LICENSE_POLICY,
      outdated: false,
      sarif: [],
    });
    ctx.log.debug(`audit: ${result.summary}`);
    const doc = auditDocument(result);
    return {
      verdict: result.verdict,
      summary: `${result.summary}; ${result.source.details.records} OSV records`,
      blocks: doc.blocks,
      figures: {
        packages: result.counts.packages,
        findings: result.findings.length,
        failing: result.counts.failing,
        licences_denied: result.licenses?.denied ?? 0,
      },
    };
  },
};
