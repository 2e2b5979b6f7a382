import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../core/errors.ts';
import { TOOL_NAME, TOOL_VERSION } from '../core/version.ts';
import { isObject, readJson } from './ecosystems/format.ts';
import type { Finding } from './findings.ts';
import { type KnownSeverity, SEVERITIES, severityFromScore, severityFromWord } from './severity.ts';

/**
 * SARIF 2.1.0 in and out. In: results of code analysers the user runs (Bandit, semgrep, ESLint
 * security plugins) join the audit's gate. Severity, first match wins:
 *  1. the rule's or result's `properties.security-severity` (a CVSS-like score, as GitHub reads it);
 *  2. `properties.issue_severity` (Bandit: LOW/MEDIUM/HIGH → low/moderate/high);
 *  3. the result's `level`, else the rule's `defaultConfiguration.level` (error → high,
 *     warning → moderate, note → low, none → info).
 * A Bandit `issue_confidence` of LOW lowers the severity one step (a guess should not block a merge
 * the way a certain finding does). Bandit's own JSON report (`bandit -f json`, for Bandit builds
 * without the SARIF extra) is read too, with the same mapping. Out: the audit's findings as a
 * SARIF log for code scanning.
 */
export interface CodeFinding {
  tool: string;
  ruleId: string;
  message: string;
  severity: KnownSeverity;
  file?: string;
  line?: number;
  sarif: string;
}

function lower(s: KnownSeverity): KnownSeverity {
  const i = SEVERITIES.indexOf(s);
  return SEVERITIES[Math.max(0, i - 1)] as KnownSeverity;
}

/** A `file://` URI under the working directory → the relative path (`src/a.js`); others stay as they are. */
function artifactPath(uri: string, cwd: string): string {
  let path = uri;
  if (uri.startsWith('file://')) {
    try {
      path = fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

function banditFindings(report: Record<string, unknown>, file: string): CodeFinding[] {
  const results = Array.isArray(report.results) ? report.results.filter(isObject) : [];
  return results.map((r) => {
    let severity = severityFromWord(r.issue_severity) ?? 'moderate';
    if (String(r.issue_confidence ?? '').toUpperCase() === 'LOW') severity = lower(severity);
    return {
      tool: 'Bandit',
      ruleId: String(r.test_id ?? ''),
      message: String(r.issue_text ?? r.test_name ?? ''),
      severity,
      ...(typeof r.filename === 'string' ? { file: r.filename } : {}),
      ...(Number.isInteger(r.line_number) ? { line: r.line_number as number } : {}),
      sarif: file,
    };
  });
}

/** Code-analysis findings from a SARIF 2.1.0 log or a Bandit JSON report. */
export function readCodeFindings(file: string, cwd = process.cwd()): CodeFinding[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `cannot read SARIF file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`,
      { file },
    );
  }
  const log = readJson(text, file);
  if (isObject(log) && Array.isArray(log.results) && !Array.isArray(log.runs))
    return banditFindings(log, file);
  if (!isObject(log) || !Array.isArray(log.runs)) {
    throw new UserError('not a SARIF log (no runs[])', {
      file,
      hint: 'expected SARIF 2.1.0 (`semgrep --sarif`, ESLint with a SARIF formatter) or `bandit -f json`',
    });
  }
  const out: CodeFinding[] = [];
  for (const run of log.runs.filter(isObject)) {
    const driver = isObject(run.tool) && isObject(run.tool.driver) ? run.tool.driver : {};
    const tool = typeof driver.name === 'string' ? driver.name : 'unknown';
    const rules = new Map<string, Record<string, unknown>>();
    if (Array.isArray(driver.rules))
      for (const r of driver.rules.filter(isObject)) rules.set(String(r.id), r);
    for (const result of Array.isArray(run.results) ? run.results.filter(isObject) : []) {
      const ruleId = String(result.ruleId ?? (isObject(result.rule) ? result.rule.id : '') ?? '');
      const rule = rules.get(ruleId) ?? {};
      const props = {
        ...(isObject(rule.properties) ? rule.properties : {}),
        ...(isObject(result.properties) ? result.properties : {}),
      };
      const level =
        typeof result.level === 'string'
          ? result.level
          : isObject(rule.defaultConfiguration) && typeof rule.defaultConfiguration.level === 'string'
            ? rule.defaultConfiguration.level
            : 'warning';
      const score = Number(props['security-severity']);
      let severity: KnownSeverity =
        props['security-severity'] !== undefined && Number.isFinite(score)
          ? severityFromScore(score)
          : (severityFromWord(props.issue_severity) ??
            (level === 'none' ? 'info' : (severityFromWord(level) ?? 'moderate')));
      if (String(props.issue_confidence ?? '').toUpperCase() === 'LOW') severity = lower(severity);
      const loc = Array.isArray(result.locations) && isObject(result.locations[0]) ? result.locations[0] : {};
      const physical = isObject(loc.physicalLocation) ? loc.physicalLocation : {};
      const uri = isObject(physical.artifactLocation) ? physical.artifactLocation.uri : undefined;
      const line = isObject(physical.region) ? Number(physical.region.startLine) : undefined;
      const message =
        isObject(result.message) && typeof result.message.text === 'string' ? result.message.text : ruleId;
      out.push({
        tool,
        ruleId,
        message: message.split('\n')[0] as string,
        severity,
        ...(typeof uri === 'string' ? { file: artifactPath(uri, cwd) } : {}),
        ...(line && Number.isInteger(line) ? { line } : {}),
        sarif: file,
      });
    }
  }
  return out;
}

const SARIF_LEVEL: Record<string, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  unknown: 'error',
  moderate: 'warning',
  low: 'note',
  info: 'note',
};

/** The audit's dependency findings as a SARIF 2.1.0 log; each result points at its lockfile line. */
export function toSarif(findings: Array<Finding & { line?: number }>): unknown {
  const ruleIds = [...new Set(findings.map((f) => f.id))];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: TOOL_NAME,
            version: TOOL_VERSION,
            rules: ruleIds.map((id) => {
              const f = findings.find((x) => x.id === id) as Finding;
              return {
                id,
                shortDescription: { text: f.summary ?? id },
                ...(f.url ? { helpUri: f.url } : {}),
                properties: {
                  tags: ['security', 'dependency'],
                  ...(f.cvss ? { 'security-severity': f.cvss.score.toFixed(1) } : {}),
                },
              };
            }),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.id,
          level: SARIF_LEVEL[f.severity],
          message: {
            text: `${f.package}@${f.version}: ${f.summary ?? f.id} (${f.severity}${f.fixedIn ? `, fixed in ${f.fixedIn}` : ''}; via ${f.paths[0] ?? f.package})`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.lockfile },
                ...(f.line ? { region: { startLine: f.line } } : {}),
              },
            },
          ],
          partialFingerprints: { 'shipgate/v1': `${f.id}:${f.package}@${f.version}` },
        })),
      },
    ],
  };
}
