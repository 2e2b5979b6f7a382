import { execFileSync } from 'node:child_process';
import { accessSync, appendFileSync, constants, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { isCI } from '../../src/core/environment.ts';
import { freePort } from '../helpers/ports.ts';

/**
 * A real PostgreSQL server for the store tests, started once per test run.
 *
 * SHIPGATE_TEST_POSTGRES=postgres://… uses an existing server instead (its user needs CREATE on
 * the database: each test makes its own schema). Otherwise a throwaway cluster is created from the
 * installed server binaries, listening on loopback only, with fsync off — its data is discarded.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of a PostgreSQL server for tests, or null when none is available (PG tests skip). */
    postgresUrl: string | null;
  }
}

const DATABASE = 'shipgate_test';

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.SHIPGATE_TEST_POSTGRES?.trim();
  if (given) {
    project.provide('postgresUrl', given);
    return undefined;
  }
  const bin = findServerBinaries();
  if (!bin) {
    const why = 'no PostgreSQL server binaries (initdb) under /usr/lib/postgresql/*/bin or on PATH';
    // CI must exercise the real engine; a skip there would hide a broken PostgreSQL store.
    if (isCI()) throw new Error(`${why}; install PostgreSQL or set SHIPGATE_TEST_POSTGRES`);
    console.log(
      `PostgreSQL store tests skipped: ${why} (set SHIPGATE_TEST_POSTGRES=postgres://… to use a server)`,
    );
    project.provide('postgresUrl', null);
    return undefined;
  }
  const server = await startServer(bin);
  project.provide('postgresUrl', server.url);
  return server.stop;
}

function findServerBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    if (versions[0]) return join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, 'initdb'), constants.X_OK);
      return dir;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function startServer(bin: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'shipgate-pg-'));
  const data = join(dir, 'data');
  // initdb and postgres refuse to run as root: hand the directory to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres:', dir]);
  const run = (cmd: string, args: string[]): void => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]]
      : [join(bin, cmd), args];
    try {
      // cwd: the postgres user may not be allowed into the directory vitest runs from
      execFileSync(file, argv as string[], { cwd: dir, stdio: 'pipe', timeout: 60_000 });
    } catch (e) {
      const err = e as { stderr?: Buffer; stdout?: Buffer };
      throw new Error(`${cmd} failed: ${err.stderr?.toString() || err.stdout?.toString() || String(e)}`);
    }
  };
  const port = await freePort();
  const stop = async (): Promise<void> => {
    try {
      run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    appendFileSync(
      join(data, 'postgresql.conf'),
      [
        '',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 200',
        '',
      ].join('\n'),
    );
    run('pg_ctl', ['start', '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30']);
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: admin });
  try {
    await client.connect();
    await client.query(`CREATE DATABASE ${DATABASE}`);
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  } finally {
    await client.end().catch(() => {});
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`, stop };
}
