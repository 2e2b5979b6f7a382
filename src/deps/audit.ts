import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Verdict, worstVerdict } from '../core/verdict.ts';
import { advisorySource } from './advisories/index.ts';
import type { SourceMatch, SourceOptions, SourceReport } from './advisories/source.ts';
import { type AllowEntry, applyAllowlist, readAllowlist } from './allowlist.ts';
import { inventoryAtRef } from './baseline.ts';
import { findLockfiles, takeInventory } from './ecosystems/index.ts';
import { type Finding, mergeFindings } from './findings.ts';
import { installedLicense, type LicensePolicy, type LicenseRow, licenseReport } from './licenses.ts';
import { lineOfPackage } from './locate.ts';
import { type InstalledPackage, type Inventory, packageKey } from './model.ts';
import { findOutdated, type OutdatedRow } from './outdated.ts';
import { type CodeFinding, readCodeFindings } from './sarif.ts';
import { atLeast, type KnownSeverity, SEVERITIES, type Severity } from './severity.ts';

/**
 * The audit as one pure-ish pipeline: inventory → advisories from one source → merged findings →
 * allowlist → only-new filter → gate; licences, outdated packages and ingested SARIF join the same
 * verdict. An advisory source that could not answer makes the verdict inconclusive, never pass.
 */
export interface AuditOptions {
  path: string;
  cwd: string;
  failOn: KnownSeverity;
  source: string;
  sourceOptions: SourceOptions;
  allowlist?: string;
  base?: string;
  omitDev: boolean;
  licenses?: LicensePolicy;
  outdated: boolean;
  sarif: string[];
}

export type FindingStatus = 'failing' | 'below-threshold' | 'allowlisted' | 'existing' | 'dev-omitted';

export interface AuditFinding extends Finding {
  status: FindingStatus;
  line?: number;
  allowlist?: { reason?: string; expires?: string; owner?: string };
}

export interface AuditCodeFinding extends CodeFinding {
  status: 'failing' | 'below-threshold';
}

export interface AuditResult {
  verdict: Verdict;
  summary: string;
  warnings: string[];
  failOn: KnownSeverity;
  source: { id: string; available: boolean; reason?: string; details: Record<string, string | number> };
  inventory: Array<{
    file: string;
    format: string;
    ecosystem: string;
    packages: number;
    direct: number;
    dev: number;
    notes: string[];
  }>;
  findings: AuditFinding[];
  counts: Record<Severity | 'failing' | 'allowlisted' | 'packages' | 'vulnerablePackages', number>;
  allowlist?: {
    file: string;
    entries: number;
    expired: Array<{ id: string; expires: string; line?: number }>;
    unused: Array<{ id: string; path?: string; line?: number }>;
  };
  newOnly?: { base: string; existing: number };
  licenses?: {
    policy: LicensePolicy;
    packages: LicenseRow[];
    denied: number;
    warned: number;
    unknown: number;
  };
  outdated?: { registry: string; packages: OutdatedRow[]; failures: string[] };
  code: AuditCodeFinding[];
}

function entryLabel(e: AllowEntry): string {
  return `${e.id}${e.path ? `|${e.path}` : ''}`;
}

export async function runAudit(options: AuditOptions): Promise<AuditResult> {
  const source = advisorySource(options.source);
  if (!source) throw new Error(`unknown advisory source ${options.source}`);
  const inventories = takeInventory(options.path, options.cwd);
  const lockfiles = findLockfiles(options.path, options.cwd);
  const allowEntries = options.allowlist
    ? readAllowlist(resolve(options.cwd, options.allowlist), options.allowlist)
    : [];
  const code = options.sarif.flatMap((f) =>
    readCodeFindings(resolve(options.cwd, f), options.cwd).map((c) => ({ ...c, sarif: f })),
  );
  const warnings: string[] = inventories.flatMap((i) => i.notes);

  const head = inventories.flatMap((inv) => inv.packages.map((p) => ({ ...p, lockfile: inv.file })));
  const bases: Inventory[] = [];
  if (options.base) {
    inventories.forEach((inv, i) => {
      const base = inventoryAtRef(options.base as string, lockfiles[i] as string, inv.file, options.cwd);
      if (base) bases.push(base);
    });
  }
  const baseTagged = bases.flatMap((inv) => inv.packages.map((p) => ({ ...p, lockfile: inv.file })));

  // One query for head and base together: the base's findings come from the same data.
  const unique = new Map<string, InstalledPackage>();
  for (const p of [...head, ...baseTagged]) unique.set(packageKey(p), p);
  const report: SourceReport = await source.query([...unique.values()], options.sourceOptions);
  const tagged: Array<SourceMatch & { source: string }> = report.matches.map((m) => ({
    ...m,
    source: report.source,
  }));

  const raw = mergeFindings(head, tagged);
  const baseFindings = options.base ? mergeFindings(baseTagged, tagged) : [];
  const inBase = (f: Finding) =>
    baseFindings.some(
      (b) =>
        b.ecosystem === f.ecosystem &&
        b.package === f.package &&
        [b.id, ...b.aliases].some((id) => id === f.id || f.aliases.includes(id)),
    );

  const now = options.sourceOptions.now;
  const allow = applyAllowlist(raw, allowEntries, now);
  const texts = new Map<string, string>();
  const lockText = (file: string) => {
    if (!texts.has(file)) {
      const abs = lockfiles[inventories.findIndex((i) => i.file === file)];
      try {
        texts.set(file, abs ? readFileSync(abs, 'utf8') : '');
      } catch {
        texts.set(file, '');
      }
    }
    return texts.get(file) as string;
  };
  const findings: AuditFinding[] = raw.map((f, i) => {
    const entry = allow.accepted.get(i);
    const status: FindingStatus = entry
      ? 'allowlisted'
      : options.base && inBase(f)
        ? 'existing'
        : options.omitDev && f.dev
          ? 'dev-omitted'
          : atLeast(f.severity, options.failOn)
            ? 'failing'
            : 'below-threshold';
    const line = lineOfPackage(lockText(f.lockfile), f.package, f.version);
    return {
      ...f,
      status,
      ...(line ? { line } : {}),
      ...(entry
        ? {
            allowlist: {
              ...(entry.reason ? { reason: entry.reason } : {}),
              ...(entry.expires ? { expires: entry.expires.toISOString().slice(0, 10) } : {}),
              ...(entry.owner ? { owner: entry.owner } : {}),
            },
          }
        : {}),
    };
  });

  const codeFindings: AuditCodeFinding[] = code.map((c) => ({
    ...c,
    status: atLeast(c.severity, options.failOn) ? 'failing' : 'below-threshold',
  }));

  let licenses: AuditResult['licenses'];
  if (options.licenses) {
    const projectDir = (file: string) =>
      dirname(lockfiles[inventories.findIndex((i) => i.file === file)] ?? options.cwd);
    const rows = licenseReport(head, options.licenses, (p) =>
      p.ecosystem === 'npm'
        ? installedLicense(projectDir((p as InstalledPackage & { lockfile: string }).lockfile), p.name)
        : undefined,
    );
    licenses = {
      policy: options.licenses,
      packages: rows,
      denied: rows.filter((r) => r.verdict === 'denied').length,
      warned: rows.filter((r) => r.verdict === 'warned').length,
      unknown: rows.filter((r) => r.verdict === 'unknown').length,
    };
    if (licenses.warned)
      warnings.push(`${licenses.warned} package(s) under a licence the policy warns about`);
    if (licenses.unknown) warnings.push(`${licenses.unknown} package(s) with no licence information`);
  }

  let outdated: AuditResult['outdated'];
  if (options.outdated) {
    const found = await findOutdated(head, options.sourceOptions.registry, options.sourceOptions.timeoutMs);
    outdated = { registry: options.sourceOptions.registry, packages: found.rows, failures: found.failures };
    if (found.failures.length)
      warnings.push(`outdated check: ${found.failures.length} lookup(s) failed (${found.failures[0]})`);
  }

  if (!report.available) warnings.push(`advisory source ${report.source} unavailable: ${report.reason}`);
  if (report.uncovered.length) {
    warnings.push(
      `${report.uncovered.length} package(s) of an ecosystem ${report.source} does not cover (${report.uncovered[0]?.ecosystem}): not audited`,
    );
  }
  for (const e of allow.unused)
    warnings.push(`allowlist entry ${entryLabel(e)} matched no finding — remove it?`);
  for (const e of allow.unexplained)
    warnings.push(`allowlist entry ${entryLabel(e)} has no reason or expiry`);

  const failing = findings.filter((f) => f.status === 'failing');
  const failingCode = codeFindings.filter((c) => c.status === 'failing');
  const parts: Verdict[] = [];
  if (failing.length || failingCode.length || allow.expired.length || (licenses?.denied ?? 0) > 0)
    parts.push('fail');
  if (!report.available || report.uncovered.length) parts.push('inconclusive');
  if (warnings.length || findings.length || codeFindings.length) parts.push('warn');
  const verdict = worstVerdict(parts);

  const counts = Object.fromEntries(
    [...SEVERITIES, 'unknown'].map((s) => [s, findings.filter((f) => f.severity === s).length]),
  ) as AuditResult['counts'];
  counts.failing = failing.length + failingCode.length;
  counts.allowlisted = findings.filter((f) => f.status === 'allowlisted').length;
  counts.packages = head.length;
  counts.vulnerablePackages = new Set(findings.map((f) => `${f.package}@${f.version}`)).size;

  const summary = summarize(verdict, {
    findings: findings.length,
    failing: counts.failing,
    vulnerable: counts.vulnerablePackages,
    packages: head.length,
    lockfiles: inventories.length,
    failOn: options.failOn,
    report,
    expired: allow.expired.length,
    denied: licenses?.denied ?? 0,
  });

  return {
    verdict,
    summary,
    warnings,
    failOn: options.failOn,
    source: {
      id: report.source,
      available: report.available,
      ...(report.reason ? { reason: report.reason } : {}),
      details: report.details,
    },
    inventory: inventories.map((inv) => ({
      file: inv.file,
      format: inv.format,
      ecosystem: inv.ecosystem,
      packages: inv.packages.length,
      direct: inv.packages.filter((p) => p.direct).length,
      dev: inv.packages.filter((p) => p.dev).length,
      notes: inv.notes,
    })),
    findings,
    counts,
    ...(options.allowlist
      ? {
          allowlist: {
            file: options.allowlist,
            entries: allowEntries.length,
            expired: allow.expired.map((e) => ({
              id: entryLabel(e),
              expires: (e.expires as Date).toISOString().slice(0, 10),
              ...(e.line ? { line: e.line } : {}),
            })),
            unused: allow.unused.map((e) => ({
              id: e.id,
              ...(e.path ? { path: e.path } : {}),
              ...(e.line ? { line: e.line } : {}),
            })),
          },
        }
      : {}),
    ...(options.base
      ? { newOnly: { base: options.base, existing: findings.filter((f) => f.status === 'existing').length } }
      : {}),
    ...(licenses ? { licenses } : {}),
    ...(outdated ? { outdated } : {}),
    code: codeFindings,
  };
}

function summarize(
  verdict: Verdict,
  n: {
    findings: number;
    failing: number;
    vulnerable: number;
    packages: number;
    lockfiles: number;
    failOn: string;
    report: SourceReport;
    expired: number;
    denied: number;
  },
): string {
  const scope = `${n.packages} packages in ${n.lockfiles} lockfile${n.lockfiles === 1 ? '' : 's'}`;
  const extra = [
    n.expired ? `${n.expired} expired allowlist entr${n.expired === 1 ? 'y' : 'ies'}` : '',
    n.denied ? `${n.denied} denied licence${n.denied === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const tail = extra.length ? `; ${extra.join(', ')}` : '';
  if (verdict === 'inconclusive') {
    return `could not tell: ${n.report.reason ?? `${n.report.uncovered.length} packages not covered by ${n.report.source}`} (${scope})`;
  }
  if (n.findings === 0 && verdict !== 'fail')
    return `no known vulnerabilities in ${scope} (${n.report.source})${tail}`;
  return `${n.findings} vulnerabilit${n.findings === 1 ? 'y' : 'ies'} in ${n.vulnerable} package${n.vulnerable === 1 ? '' : 's'}, ${n.failing} at or above ${n.failOn} (${scope}, ${n.report.source})${tail}`;
}
