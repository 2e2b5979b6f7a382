import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LICENSE_POLICY, judgeLicense } from '../../src/deps/licenses.ts';
import { readZip } from '../../src/deps/zip.ts';

/** A ZIP written by Python's zipfile: `entries` as [name, size of zero bytes], stored or deflated. */
function pythonZip(entries: Array<[string, number]>, method: 'ZIP_STORED' | 'ZIP_DEFLATED'): Buffer {
  const file = join(mkdtempSync(join(tmpdir(), 'sg-zip-')), 'a.zip');
  execFileSync('python3', [
    '-c',
    `import sys,zipfile,json\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.${method})\nfor n,s in json.loads(sys.argv[2]): z.writestr(n, b"\\0"*s if s else b'{"id":"X"}')\nz.close()`,
    file,
    JSON.stringify(entries),
  ]);
  return readFileSync(file);
}

describe('zip reader', () => {
  it('reads stored and deflated members and skips folders', () => {
    for (const method of ['ZIP_STORED', 'ZIP_DEFLATED'] as const) {
      const entries = readZip(
        pythonZip(
          [
            ['npm/', 0],
            ['npm/A.json', 0],
            ['B.json', 0],
          ],
          method,
        ),
      );
      expect(entries.map((e) => e.name)).toEqual(['npm/A.json', 'B.json']);
      expect(entries[1]?.read().toString()).toBe('{"id":"X"}');
    }
  });

  it('stops a zip bomb at the per-member cap', () => {
    const [bomb] = readZip(pythonZip([['bomb.json', 10 * 1024 * 1024]], 'ZIP_DEFLATED'), 64 * 1024);
    expect(() => bomb?.read()).toThrow(/over the limit/);
  });

  it('refuses what is not a zip or is cut short', () => {
    expect(() => readZip(Buffer.from('not a zip at all, just text that goes on'))).toThrow(
      /not a ZIP archive/,
    );
    const whole = pythonZip([['A.json', 0]], 'ZIP_DEFLATED');
    expect(() => readZip(whole.subarray(0, whole.length - 30))).toThrow();
  });
});

describe('licence policy over SPDX expressions', () => {
  const judge = (e: string | undefined) => judgeLicense(e, DEFAULT_LICENSE_POLICY);
  it('denies strong copyleft, warns on LGPL, allows permissive licences', () => {
    expect(judge('MIT')).toBe('allowed');
    expect(judge('GPL-3.0-only')).toBe('denied');
    expect(judge('AGPL-3.0-or-later')).toBe('denied');
    expect(judge('LGPL-2.1-only')).toBe('warned');
    expect(judge('GPL-2.0+')).toBe('denied');
  });

  it('takes the best branch of OR and the worst of AND', () => {
    expect(judge('(MIT OR GPL-3.0-only)')).toBe('allowed');
    expect(judge('MIT AND GPL-3.0-only')).toBe('denied');
    expect(judge('(MIT AND LGPL-3.0-only) OR GPL-2.0-only')).toBe('warned');
    expect(judge('GPL-2.0-only WITH Classpath-exception-2.0')).toBe('denied');
  });

  it('treats missing or unusable licence information as unknown', () => {
    expect(judge(undefined)).toBe('unknown');
    expect(judge('UNLICENSED')).toBe('unknown');
    expect(judge('SEE LICENSE IN LICENSE.md')).toBe('unknown');
  });

  it('with an allow list, anything else is denied', () => {
    const policy = { deny: [], warn: [], allow: ['MIT', 'Apache-2.0'] };
    expect(judgeLicense('ISC', policy)).toBe('denied');
    expect(judgeLicense('ISC OR MIT', policy)).toBe('allowed');
  });
});
