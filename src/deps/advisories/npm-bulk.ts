import semver from 'semver';
import { isObject } from '../ecosystems/format.ts';
import { packageKey } from '../model.ts';
import { type Severity, scoreCvss, severityFromWord } from '../severity.ts';
import { fetchJson } from './http.ts';
import {
  type AdvisorySource,
  type SourceMatch,
  SourceUnavailable,
  splitCovered,
  unavailable,
} from './source.ts';

/**
 * The npm registry's bulk advisory endpoint, as `npm audit` uses it:
 * `POST /-/npm/v1/security/advisories/bulk` with a gzipped `{name: [versions]}` body; the answer
 * lists advisories per name with a `vulnerable_versions` semver range. It carries no CVE, so the
 * GHSA id is taken from the advisory URL. npm packages only.
 */
export const npmBulkSource: AdvisorySource = {
  id: 'npm-bulk',
  description: "the npm registry's bulk advisory endpoint",
  ecosystems: ['npm'],
  async query(packages, options) {
    const { covered, uncovered } = splitCovered(packages, this.ecosystems);
    const base = options.registry.replace(/\/+$/, '');
    const body: Record<string, string[]> = {};
    for (const p of covered) {
      if (!semver.valid(p.version)) continue;
      body[p.name] = [...new Set([...(body[p.name] ?? []), p.version])];
    }
    let answer: unknown;
    try {
      answer = Object.keys(body).length
        ? await fetchJson(`${base}/-/npm/v1/security/advisories/bulk`, {
            method: 'POST',
            body,
            gzip: true,
            timeoutMs: options.timeoutMs,
          })
        : {};
    } catch (e) {
      if (e instanceof SourceUnavailable) return unavailable(this.id, e.message, uncovered);
      throw e;
    }
    if (!isObject(answer))
      return unavailable(this.id, `${base}: the bulk answer is not an object`, uncovered);
    const matches: SourceMatch[] = [];
    for (const p of covered) {
      const list = answer[p.name];
      if (!Array.isArray(list)) continue;
      for (const adv of list.filter(isObject)) {
        const range = typeof adv.vulnerable_versions === 'string' ? adv.vulnerable_versions : undefined;
        if (!range || !semver.satisfies(p.version, range, { includePrerelease: true })) continue;
        const url = typeof adv.url === 'string' ? adv.url : undefined;
        const ghsa = url ? /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/.exec(url)?.[0] : undefined;
        const cvss =
          isObject(adv.cvss) && typeof adv.cvss.vectorString === 'string'
            ? scoreCvss(adv.cvss.vectorString)
            : undefined;
        const severity: Severity = severityFromWord(adv.severity) ?? 'unknown';
        matches.push({
          key: packageKey(p),
          advisory: {
            id: ghsa ?? `npm-${String(adv.id)}`,
            aliases: ghsa && adv.id !== undefined ? [`npm-${String(adv.id)}`] : [],
            ...(typeof adv.title === 'string' ? { summary: adv.title } : {}),
            ...(url ? { url } : {}),
            severity,
            ...(cvss ? { cvss } : {}),
          },
        });
      }
    }
    return {
      source: this.id,
      available: true,
      matches,
      uncovered,
      details: { url: base, packages: Object.keys(body).length },
    };
  },
};
