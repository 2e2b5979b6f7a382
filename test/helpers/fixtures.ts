import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { ROOT } from './cli.ts';

/**
 * Reports written by real tools carry the absolute path of the checkout they ran in. The fixtures
 * keep that path as CHECKOUT_TOKEN (the only edit to the tools' output, noted in each README), and
 * tests read them through a copy where a generated path takes its place: the checkout of another
 * machine, which never exists here — as with a report made on a CI runner and read elsewhere.
 */
export const CHECKOUT_TOKEN = '@@CHECKOUT@@';
export const FOREIGN_CHECKOUT = join(tmpdir(), 'shipgate-foreign-checkout', 'app');

/** A copy of test/fixtures/<name> with the checkout token resolved; removed after the file's tests. */
export function fixtureCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `shipgate-fixtures-${name.replaceAll('/', '-')}-`));
  cpSync(join(ROOT, 'test', 'fixtures', name), dir, { recursive: true });
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    const bytes = readFileSync(file);
    if (bytes.includes(CHECKOUT_TOKEN))
      writeFileSync(file, bytes.toString('utf8').replaceAll(CHECKOUT_TOKEN, FOREIGN_CHECKOUT));
  }
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
