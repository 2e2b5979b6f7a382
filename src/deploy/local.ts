import { join } from 'node:path';
import { configSchema } from '../config/schema.ts';
import { createLogger } from '../core/log.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/store.ts';
import { type DeployEnvironment, openEnvironment } from './environment.ts';
import type { RouterKind } from './kinds.ts';
import { deployDown } from './ops.ts';
import { freeLoopbackPort } from './ports.ts';

/**
 * A deploy environment of the sample service on free loopback ports, with its own store and state
 * folder under `workspace`: what the demo and the benchmark deploy to. `close` stops everything.
 */
export interface LocalEnvironment {
  env: DeployEnvironment;
  store: Store;
  routerUrl: string;
  close(): Promise<void>;
}

export async function localEnvironment(
  workspace: string,
  kind: RouterKind,
  overrides: Record<string, unknown> = {},
  name = 'local',
): Promise<LocalEnvironment> {
  const [blue, green, listen] = [
    await freeLoopbackPort(),
    await freeLoopbackPort(),
    await freeLoopbackPort(),
  ];
  const config = configSchema.parse({
    deploy: {
      [name]: {
        start: 'shipgate sample-service --port {port} --version {version} --no-auth',
        ports: { blue, green },
        router: { kind, listen, drainTimeout: '5s' },
        health: { interval: '100ms', retries: 30 },
        watch: { duration: '500ms', path: '/api/status', minRequests: 5 },
        keepOld: 0,
        stateDir: join(workspace, 'deploy'),
        ...overrides,
      },
    },
  });
  const store = await openStore(join(workspace, `deploy-${kind}.db`));
  const env = openEnvironment({
    name,
    config: config.deploy[name] as DeployEnvironment['config'],
    store: store.deploys(),
    log: createLogger({ level: 'silent' }),
    cwd: workspace,
    env: { ...process.env },
  });
  return {
    env,
    store,
    routerUrl: `http://127.0.0.1:${listen}`,
    async close() {
      try {
        await deployDown(env);
      } finally {
        await store.close();
      }
    },
  };
}
