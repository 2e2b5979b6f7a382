import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPathMapper, parsePathMap } from '../../src/coverage/paths.ts';
import { readCoverage } from '../../src/coverage/read.ts';

function repo(): string {
  const root = mkdtempSync(join(tmpdir(), 'shipgate-cov-paths-'));
  mkdirSync(join(root, 'src', 'lib'), { recursive: true });
  writeFileSync(join(root, 'src', 'a.ts'), 'a\n');
  writeFileSync(join(root, 'src', 'lib', 'b.ts'), 'b\n');
  return root;
}

describe('path mapping', () => {
  it('maps absolute paths under the root, other checkouts, Windows paths and ./ onto repo paths', () => {
    const root = repo();
    const m = createPathMapper(root);
    expect(m.map(join(root, 'src', 'a.ts'))).toEqual({ path: 'src/a.ts', found: true });
    const otherCheckout = join(tmpdir(), 'another-runner', 'work', 'app');
    expect(m.map(join(otherCheckout, 'src', 'lib', 'b.ts'))).toEqual({ path: 'src/lib/b.ts', found: true });
    expect(m.map('C:\\actions-runner\\_work\\app\\src\\a.ts')).toEqual({ path: 'src/a.ts', found: true });
    expect(m.map('./src/lib/b.ts')).toEqual({ path: 'src/lib/b.ts', found: true });
    expect(m.map('src\\lib\\b.ts')).toEqual({ path: 'src/lib/b.ts', found: true });
  });

  it('resolves Cobertura filenames against each <source>', () => {
    const root = repo();
    const m = createPathMapper(root);
    expect(m.map('b.ts', ['/build/elsewhere', join(root, 'src', 'lib')])).toEqual({
      path: 'src/lib/b.ts',
      found: true,
    });
  });

  it('applies --path-map prefixes first', () => {
    const root = repo();
    const m = createPathMapper(root, [parsePathMap('/ci/build=src')]);
    expect(m.map('/ci/build/lib/b.ts')).toEqual({ path: 'src/lib/b.ts', found: true });
    expect(() => parsePathMap('nothing')).toThrow(/not FROM=TO/);
  });

  it('reports what it cannot find, and never maps outside the root', () => {
    const root = repo();
    const m = createPathMapper(root);
    expect(m.map('src/gone.ts')).toEqual({ path: 'src/gone.ts', found: false });
    const outside = m.map('../../etc/passwd');
    expect(outside.found).toBe(false);
  });

  it('merges shards written on different machines into one file', async () => {
    const root = repo();
    const shard = (prefix: string, hits: string) =>
      `SF:${prefix}/src/a.ts\nDA:1,${hits}\nDA:2,0\nend_of_record\nSF:${prefix}/src/missing.ts\nDA:1,1\nend_of_record\n`;
    writeFileSync(join(root, 'one.info'), shard('/runner/one', '0'));
    writeFileSync(
      join(root, 'two.info'),
      shard('D:\\runner\\two', '4').replaceAll('/', '\\').replace(/SF:/g, 'SF:'),
    );
    const { data, unmatched } = await readCoverage(['one.info', 'two.info'], root, createPathMapper(root));
    const a = data.files.get('src/a.ts');
    expect([...(a?.lines ?? [])]).toEqual([
      [1, 4],
      [2, 0],
    ]);
    expect(unmatched).toEqual(['/runner/one/src/missing.ts', 'D:\\runner\\two\\src\\missing.ts']);
    expect(data.sources.map((s) => s.file)).toEqual(['one.info', 'two.info']);
  });
});
