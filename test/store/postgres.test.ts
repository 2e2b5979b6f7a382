import { createServer, type Socket } from 'node:net';
import { describe, expect, inject, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { openStore } from '../../src/store/open.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { describeStoreContract } from './contract.ts';
import { postgresHarness, postgresUrlWithSchema } from './harness.ts';

// null only on a developer machine without PostgreSQL installed; test/setup/postgres.ts prints why,
// and refuses to skip in CI.
const url = inject('postgresUrl');

describe.skipIf(url === null)('postgres', () => {
  describeStoreContract('postgres', () => postgresHarness(url ?? ''));

  it('reports a database that does not exist', async () => {
    const missing = new URL(url ?? '');
    missing.pathname = '/no_such_database';
    const attempt = openStore(missing.toString(), { env: {} });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(
      /^cannot open store postgres:\/\/.*\/no_such_database: database does not exist$/,
    );
  });

  it('reports a search_path that names no schema', async () => {
    const attempt = openStore(postgresUrlWithSchema(url ?? '', 'no_such_schema'), { env: {} });
    await expect(attempt).rejects.toBeInstanceOf(UserError);
    await expect(attempt).rejects.toThrow(/no schema has been selected/);
  });
});

describe('postgres connection failures', () => {
  it('gives up on a server that accepts but never answers, within the connect timeout', async () => {
    // a TCP listener that stays silent: what a firewall or a wedged proxy looks like
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const started = Date.now();
      const error = await openPostgresStore(`postgres://ci:hunter22@127.0.0.1:${port}/history`, {
        connectTimeoutMs: 300,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(error).toBeInstanceOf(UserError);
      expect((error as UserError).message).toBe(
        `cannot open store postgres://ci:***@127.0.0.1:${port}/history: no answer within 0.3 s`,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
