import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeployEnvironment } from '../../src/deploy/environment.ts';
import type { RouterKind } from '../../src/deploy/kinds.ts';
import { localEnvironment } from '../../src/deploy/local.ts';
import type { Store } from '../../src/store/store.ts';

/**
 * A throwaway `production` environment of the sample service: a temp folder, free loopback ports,
 * a SQLite store, short health intervals and watch periods. `close` stops everything it started
 * (router, colours, timers) even when a test failed halfway, and releases a lock left behind.
 */
export interface Harness {
  env: DeployEnvironment;
  store: Store;
  routerUrl: string;
  close(): Promise<void>;
}

export async function makeHarness(
  kind: RouterKind,
  overrides: Record<string, unknown> = {},
): Promise<Harness> {
  const root = mkdtempSync(join(tmpdir(), 'sg-deploy-'));
  const local = await localEnvironment(
    root,
    kind,
    {
      health: { interval: '100ms', timeout: '2s', retries: 40 },
      watch: { duration: '600ms', path: '/api/status', minRequests: 5 },
      ...overrides,
    },
    'production',
  );
  return {
    env: local.env,
    store: local.store,
    routerUrl: local.routerUrl,
    async close() {
      try {
        const lock = await local.env.store.lock('production');
        if (lock) await local.env.store.release('production', lock.deployId);
        await local.close();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
