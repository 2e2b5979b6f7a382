import { hostname, userInfo } from 'node:os';
import type { Config } from '../config/schema.ts';
import { gitInfo } from '../core/environment.ts';
import { UserError } from '../core/errors.ts';
import type { Logger } from '../core/log.ts';
import type { DeployStore } from '../store/deploys.ts';
import type { Colour } from './kinds.ts';
import { ROUTERS } from './routers/index.ts';
import type { Router, RouterContext } from './routers/router.ts';
import { type EnvState, envDir, readState } from './state.ts';
import { TARGETS } from './targets/index.ts';
import type { Target, TargetContext } from './targets/target.ts';

export type DeployEnvironmentConfig = Config['deploy'][string];

/** Everything a deploy operation on one environment needs: its config, adapters, store and folders. */
export interface DeployEnvironment {
  name: string;
  config: DeployEnvironmentConfig;
  dir: string;
  router: Router;
  target: Target;
  routerContext: RouterContext;
  store: DeployStore;
  log: Logger;
  /** The environment the started service inherits (shipgate's own plus the config's `env`). */
  processEnv: NodeJS.ProcessEnv;
  actor: string;
  gitCommit?: string;
}

export function environmentConfig(config: Config, name: string, file?: string): DeployEnvironmentConfig {
  const env = config.deploy[name];
  if (!env) {
    const known = Object.keys(config.deploy);
    throw new UserError(`no deploy environment "${name}" in the config`, {
      ...(file ? { file } : {}),
      hint: known.length ? `known: ${known.join(', ')}` : 'add it under deploy: (see docs/deploy.md)',
    });
  }
  return env;
}

export function openEnvironment(input: {
  name: string;
  config: DeployEnvironmentConfig;
  store: DeployStore;
  log: Logger;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): DeployEnvironment {
  const { config } = input;
  const dir = envDir(config.stateDir, input.name, input.cwd);
  const git = gitInfo(input.cwd, input.env);
  return {
    name: input.name,
    config,
    dir,
    router: ROUTERS[config.router.kind],
    target: TARGETS[config.target],
    routerContext: {
      env: input.name,
      dir,
      host: config.router.host,
      listen: config.router.listen,
      upstreamHost: config.host,
      ports: config.ports,
      drainTimeoutMs: config.router.drainTimeout,
      binary: config.router.binary,
      directory: config.router.directory,
      api: config.router.api,
      log: input.log,
    },
    store: input.store,
    log: input.log,
    processEnv: { ...input.env, ...config.env },
    actor: input.env.GITHUB_ACTOR ?? `${safeUser()}@${hostname()}`,
    ...(git.commit ? { gitCommit: git.commit } : {}),
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function targetContext(e: DeployEnvironment, colour: Colour, version: string): TargetContext {
  return {
    env: e.name,
    dir: e.dir,
    colour,
    version,
    port: e.config.ports[colour],
    host: e.config.host,
    start: e.config.start,
    processEnv: e.processEnv,
    stopTimeoutMs: e.config.stopTimeout,
  };
}

export function colourUrl(e: DeployEnvironment, colour: Colour): string {
  const host = e.config.host.includes(':') ? `[${e.config.host}]` : e.config.host;
  return `http://${host}:${e.config.ports[colour]}`;
}

export function loadState(e: DeployEnvironment): EnvState {
  return (
    readState(e.dir) ?? { env: e.name, target: e.config.target, router: e.config.router.kind, colours: {} }
  );
}

export function healthSpec(e: DeployEnvironment) {
  const h = e.config.health;
  return {
    path: h.path,
    expectStatus: h.expectStatus,
    body: h.body,
    timeoutMs: h.timeout,
    intervalMs: h.interval,
    retries: h.retries,
  };
}
