import { describe, expect, it } from 'vitest';
import { type OsvRecord, recordAffects, recordSeverity } from '../../src/deps/osv.ts';
import { scoreCvss } from '../../src/deps/severity.ts';

const record = (affected: OsvRecord['affected'], extra: Partial<OsvRecord> = {}): OsvRecord => ({
  id: 'TEST-1',
  affected,
  ...extra,
});

describe('OSV range evaluation', () => {
  it('treats introduced as inclusive, fixed as exclusive and last_affected as inclusive', () => {
    const r = record([
      {
        package: { ecosystem: 'npm', name: 'x' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '1.2.0' }, { fixed: '1.4.0' }] }],
      },
      {
        package: { ecosystem: 'npm', name: 'y' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { last_affected: '2.0.0' }] }],
      },
    ]);
    expect(recordAffects(r, 'npm', 'x', '1.1.9').affected).toBe(false);
    expect(recordAffects(r, 'npm', 'x', '1.2.0')).toEqual({ affected: true, fixedIn: '1.4.0' });
    expect(recordAffects(r, 'npm', 'x', '1.3.99').affected).toBe(true);
    expect(recordAffects(r, 'npm', 'x', '1.4.0').affected).toBe(false);
    expect(recordAffects(r, 'npm', 'y', '2.0.0')).toEqual({ affected: true });
    expect(recordAffects(r, 'npm', 'y', '2.0.1').affected).toBe(false);
  });

  it('evaluates several introductions in one range, unsorted, and pre-releases in semver order', () => {
    const r = record([
      {
        package: { ecosystem: 'npm', name: 'node-fetch' },
        ranges: [
          {
            type: 'ECOSYSTEM',
            events: [
              { fixed: '3.0.0-beta.9' },
              { introduced: '3.0.0-beta.1' },
              { introduced: '2.0.0' },
              { fixed: '2.6.1' },
            ],
          },
        ],
      },
    ]);
    expect(recordAffects(r, 'npm', 'node-fetch', '3.0.0-beta.8')).toEqual({
      affected: true,
      fixedIn: '3.0.0-beta.9',
    });
    expect(recordAffects(r, 'npm', 'node-fetch', '3.0.0-beta.9').affected).toBe(false);
    expect(recordAffects(r, 'npm', 'node-fetch', '2.6.1').affected).toBe(false);
    expect(recordAffects(r, 'npm', 'node-fetch', '2.6.0')).toEqual({ affected: true, fixedIn: '2.6.1' });
    expect(recordAffects(r, 'npm', 'node-fetch', '2.7.0').affected).toBe(false);
  });

  it('orders PyPI versions by PEP 440, not as text, and normalises names', () => {
    const r = record([
      {
        package: { ecosystem: 'PyPI', name: 'PyYAML' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '5.1b1' }, { fixed: '5.10' }] }],
      },
    ]);
    expect(recordAffects(r, 'PyPI', 'pyyaml', '5.9').affected).toBe(true);
    expect(recordAffects(r, 'PyPI', 'py_yaml', '5.9').affected).toBe(false);
    expect(recordAffects(r, 'PyPI', 'PyYaml', '5.1rc1').affected).toBe(true);
    expect(recordAffects(r, 'PyPI', 'pyyaml', '5.1a1').affected).toBe(false);
    expect(recordAffects(r, 'PyPI', 'pyyaml', '5.10').affected).toBe(false);
  });

  it('matches explicit version lists, ignores GIT ranges and honours withdrawn', () => {
    const r = record([
      {
        package: { ecosystem: 'PyPI', name: 'a' },
        versions: ['1.0.3'],
        ranges: [{ type: 'GIT', events: [{ introduced: '0' }, { fixed: 'abc123' }] }],
      },
    ]);
    expect(recordAffects(r, 'PyPI', 'a', '1.0.3')).toEqual({ affected: true });
    expect(recordAffects(r, 'PyPI', 'a', '1.0.4').affected).toBe(false);
    expect(recordAffects({ ...r, withdrawn: '2024-01-01T00:00:00Z' }, 'PyPI', 'a', '1.0.3').affected).toBe(
      false,
    );
  });

  it('does not read database_specific.last_known_affected_version_range as a range', () => {
    const r = record([
      {
        package: { ecosystem: 'PyPI', name: 'urllib3' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.24.3' }] }],
        database_specific: { last_known_affected_version_range: '<= 1.24.1' },
      } as never,
    ]);
    expect(recordAffects(r, 'PyPI', 'urllib3', '1.24.2').affected).toBe(true);
  });
});

describe('severity', () => {
  it('scores CVSS v3.1, v3.0 and v4.0 base vectors', () => {
    expect(scoreCvss('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')?.score).toBe(9.8);
    expect(scoreCvss('CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:N')?.score).toBe(3.7);
    expect(scoreCvss('CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N')?.score).toBe(6.9);
    expect(scoreCvss('CVSS:3.1/AV:X')).toBeUndefined();
  });

  it('uses the vector when a record has no severity word, and unknown when it has neither', () => {
    const vectorOnly = record([], {
      severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }],
    });
    expect(recordSeverity(vectorOnly).severity).toBe('critical');
    const v4Only = record([], {
      severity: [
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N' },
      ],
    });
    expect(recordSeverity(v4Only)).toMatchObject({
      severity: 'moderate',
      cvss: { version: '4.0', score: 6.9 },
    });
    expect(recordSeverity(record([])).severity).toBe('unknown');
    const word = record([], { database_specific: { severity: 'LOW' }, severity: vectorOnly.severity ?? [] });
    expect(recordSeverity(word).severity).toBe('low');
  });
});
