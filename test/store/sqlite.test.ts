import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { loadSqlite } from '../../src/core/sqlite.ts';
import { openStore } from '../../src/store/open.ts';
import { describeStoreContract, newRun } from './contract.ts';
import { sqliteHarness } from './harness.ts';

describeStoreContract('sqlite', sqliteHarness);

describe('sqlite store', () => {
  const root = mkdtempSync(join(tmpdir(), 'shipgate-sqlite-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function expectOpenError(location: string, why: RegExp): Promise<UserError> {
    const error = await openStore(location, { env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const e = error as UserError;
    expect(e.message).toContain(`cannot open store ${location}: `);
    expect(e.message).toMatch(why);
    expect(e.hint).toMatch(/SHIPGATE_STORE/);
    return e;
  }

  it('reports a location that is a directory', async () => {
    const dir = join(root, 'a-directory');
    mkdirSync(dir);
    await expectOpenError(dir, /is a directory$/);
  });

  it('reports a file that is not a SQLite database', async () => {
    const file = join(root, 'notes.txt');
    writeFileSync(file, 'these are not the pages you are looking for\n'.repeat(200));
    await expectOpenError(file, /file is not a database/);
  });

  it('reports a location whose parent is a file', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    await expectOpenError(join(file, 'shipgate.db'), /not a directory/);
  });

  it('opens the file in WAL mode with foreign keys enforced, creating missing folders', async () => {
    const location = join(root, 'deep', 'er', 'shipgate.db');
    const store = await openStore(location, { env: {} });
    try {
      expect(store.location).toBe(location);
      await store.recordRun(newRun());
      const { DatabaseSync } = await loadSqlite();
      const db = new DatabaseSync(location);
      try {
        expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
        // the store's own connection enforces run_figures → runs; a raw insert with FKs on must fail too
        db.exec('PRAGMA foreign_keys = ON');
        expect(() =>
          db.exec("INSERT INTO run_figures (run_id, name, value) VALUES (424242, 'x', 1)"),
        ).toThrow(/FOREIGN KEY/);
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });

  it('works in memory', async () => {
    const store = await openStore(':memory:', { env: {} });
    try {
      expect(store.location).toBe(':memory:');
      const run = await store.recordRun(newRun());
      expect(await store.getRun(run.id)).toEqual(run);
    } finally {
      await store.close();
    }
  });
});
