import { describe, expect, it } from 'vitest';
import { applyAllowlist } from '../../src/deps/allowlist.ts';
import { mergeFindings } from '../../src/deps/findings.ts';
import type { InstalledPackage } from '../../src/deps/model.ts';

const pkg: InstalledPackage & { lockfile: string } = {
  ecosystem: 'PyPI',
  name: 'jinja2',
  version: '2.10',
  direct: true,
  dev: false,
  paths: [['jinja2']],
  lockfile: 'requirements.txt',
};

describe('alias merging', () => {
  it('merges GHSA, PYSEC and CVE records of one vulnerability into one finding', () => {
    const findings = mergeFindings(
      [pkg],
      [
        {
          key: 'PyPI:jinja2@2.10',
          source: 'osv-db',
          fixedIn: '2.10.1',
          advisory: { id: 'GHSA-462w-v97r-4m45', aliases: ['CVE-2019-10906'], severity: 'high' },
        },
        {
          key: 'PyPI:jinja2@2.10',
          source: 'osv-db',
          fixedIn: '2.10.1',
          advisory: {
            id: 'PYSEC-2019-217',
            aliases: ['CVE-2019-10906', 'GHSA-462w-v97r-4m45'],
            severity: 'unknown',
          },
        },
        {
          key: 'PyPI:jinja2@2.10',
          source: 'osv-db',
          advisory: { id: 'CVE-2019-10906', aliases: [], severity: 'unknown' },
        },
        {
          key: 'PyPI:jinja2@2.10',
          source: 'osv-db',
          fixedIn: '3.1.3',
          advisory: { id: 'GHSA-h5c8-rqwp-cp95', aliases: ['CVE-2024-22195'], severity: 'moderate' },
        },
      ],
    );
    expect(findings.map((f) => [f.id, f.aliases, f.severity, f.fixedIn])).toEqual([
      ['GHSA-462w-v97r-4m45', ['CVE-2019-10906', 'PYSEC-2019-217'], 'high', '2.10.1'],
      ['GHSA-h5c8-rqwp-cp95', ['CVE-2024-22195'], 'moderate', '3.1.3'],
    ]);
    expect(findings[1]?.fixIsSemverMajor).toBe(true);
  });
});

describe('allowlist', () => {
  const findings = mergeFindings(
    [
      {
        ...pkg,
        ecosystem: 'npm',
        name: 'minimist',
        version: '0.0.8',
        paths: [['mkdirp', 'minimist']],
        lockfile: 'package-lock.json',
      },
    ],
    [
      {
        key: 'npm:minimist@0.0.8',
        source: 'osv-db',
        advisory: { id: 'GHSA-vh95-rmgr-6w4m', aliases: ['CVE-2020-7598'], severity: 'moderate' },
      },
      {
        key: 'npm:minimist@0.0.8',
        source: 'osv-db',
        advisory: { id: 'GHSA-xvch-5gv4-984h', aliases: ['CVE-2021-44906'], severity: 'critical' },
      },
    ],
  );
  const now = new Date('2026-06-01T00:00:00Z');
  const later = new Date('2027-01-01T00:00:00Z');
  const earlier = new Date('2026-01-01T00:00:00Z');

  it('accepts by alias and by path pattern, and reports unused entries', () => {
    const out = applyAllowlist(
      findings,
      [
        { id: 'CVE-2020-7598', path: '*>minimist', reason: 'build flags only', expires: later },
        { id: 'GHSA-xvch-5gv4-984h', path: 'express>minimist', reason: 'wrong path', expires: later },
        { id: 'GHSA-aaaa-bbbb-cccc', reason: 'gone', expires: later },
      ],
      now,
    );
    expect([...out.accepted.keys()]).toEqual([0]);
    expect(out.unused.map((e) => e.id)).toEqual(['GHSA-xvch-5gv4-984h', 'GHSA-aaaa-bbbb-cccc']);
    expect(out.expired).toEqual([]);
  });

  it('an expired entry accepts nothing and is reported as expired', () => {
    const out = applyAllowlist(
      findings,
      [{ id: 'GHSA-xvch-5gv4-984h', reason: 'old', expires: earlier }],
      now,
    );
    expect(out.accepted.size).toBe(0);
    expect(out.expired.map((e) => e.id)).toEqual(['GHSA-xvch-5gv4-984h']);
    expect(out.unused).toEqual([]);
  });
});
