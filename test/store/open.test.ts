import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { openStore, resolveStoreLocation, STORE_ENGINES, storeEngineFor } from '../../src/store/open.ts';
import { freePort } from '../helpers/ports.ts';

describe('store location', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'shipgate-open-'));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('prefers the explicit location, then SHIPGATE_STORE, then .shipgate/shipgate.db under cwd', () => {
    const env = { SHIPGATE_STORE: 'from-env.db' };
    expect(resolveStoreLocation('explicit.db', { cwd, env })).toBe(join(cwd, 'explicit.db'));
    expect(resolveStoreLocation(undefined, { cwd, env })).toBe(join(cwd, 'from-env.db'));
    expect(resolveStoreLocation(undefined, { cwd, env: {} })).toBe(join(cwd, '.shipgate', 'shipgate.db'));
    // an empty flag or variable means "not given", not "a file named ''"
    expect(resolveStoreLocation('', { cwd, env: { SHIPGATE_STORE: ' ' } })).toBe(
      join(cwd, '.shipgate', 'shipgate.db'),
    );
  });

  it('keeps absolute paths, :memory: and URLs as given', () => {
    const absolute = join(cwd, 'x', 'y.db');
    expect(resolveStoreLocation(absolute, { cwd: '/elsewhere', env: {} })).toBe(absolute);
    expect(resolveStoreLocation(':memory:', { cwd, env: {} })).toBe(':memory:');
    const url = 'postgresql://ci:pw@db.internal:5432/shipgate?sslmode=require';
    expect(resolveStoreLocation(undefined, { cwd, env: { SHIPGATE_STORE: url } })).toBe(url);
  });

  it('picks the engine from the location through the engine table', () => {
    expect(storeEngineFor('postgres://h/db').engine).toBe('postgres');
    expect(storeEngineFor('postgresql://h/db').engine).toBe('postgres');
    expect(storeEngineFor('POSTGRES://h/db').engine).toBe('postgres');
    expect(storeEngineFor('postgres.db').engine).toBe('sqlite');
    expect(storeEngineFor('./postgres/shipgate.db').engine).toBe('sqlite');
    expect(STORE_ENGINES.map((e) => e.engine)).toEqual(['postgres', 'sqlite']);
  });

  it('opens the default store under cwd, creating its folder', async () => {
    const store = await openStore(undefined, { cwd, env: {} });
    try {
      expect(store.engine).toBe('sqlite');
      expect(store.location).toBe(join(cwd, '.shipgate', 'shipgate.db'));
      expect(existsSync(store.location)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('opens the store SHIPGATE_STORE names', async () => {
    const store = await openStore(undefined, { cwd, env: { SHIPGATE_STORE: 'nested/history.db' } });
    try {
      expect(store.location).toBe(join(cwd, 'nested', 'history.db'));
      expect(existsSync(store.location)).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('fails fast with the store named, password hidden, for an unreachable PostgreSQL', async () => {
    const port = await freePort();
    const location = `postgres://shipgate:hunter22@127.0.0.1:${port}/history`;
    const started = Date.now();
    const error = await openStore(location, { env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(UserError);
    const e = error as UserError;
    expect(e.message).toBe(
      `cannot open store postgres://shipgate:***@127.0.0.1:${port}/history: connection refused`,
    );
    expect(e.hint).toBeTruthy();
    expect(e.format()).not.toContain('hunter22');
  });
});
