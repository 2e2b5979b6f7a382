import type { Config } from '../config/schema.ts';
import { UserError } from '../core/errors.ts';
import { registerSecret } from '../core/redact.ts';
import {
  applyOverrides,
  assertTargetAllowed,
  loadScenarioFile,
  type ScenarioDefaults,
  type ScenarioOverrides,
  scenarioFromUrl,
} from './scenario.ts';
import type { AuthSpec, Scenario } from './types.ts';

/**
 * Turns what the user asked for (a URL or a scenario file, flags, the config) into the one
 * Scenario the engine runs, and refuses targets that are not allowed before a single request.
 */
export interface ScenarioRequest {
  url?: string;
  scenarioFile?: string;
  overrides: ScenarioOverrides;
  config: Config;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export async function planScenario(request: ScenarioRequest): Promise<Scenario> {
  const { url, scenarioFile, config, env } = request;
  if (url && scenarioFile) throw new UserError('give a URL or --scenario FILE, not both');
  const defaults: ScenarioDefaults = {
    users: config.load.users,
    durationMs: config.load.duration,
    rampUpMs: config.load.rampUp,
    timeoutMs: config.load.timeout,
    auth: authFromConfig(config, env),
  };
  let scenario: Scenario;
  if (scenarioFile) {
    scenario = await loadScenarioFile(scenarioFile, { env, defaults });
  } else {
    const target = url ?? `${config.service.baseUrl.replace(/\/$/, '')}${config.service.healthPath}`;
    scenario = scenarioFromUrl(target, { env, defaults });
  }
  scenario = applyOverrides(scenario, request.overrides);
  assertTargetAllowed(scenario.baseUrl, config.load.allowedHosts);
  return scenario;
}

/** The service's auth from the config: a token (STAGING_AUTH_TOKEN by default) or a login per user. */
export function authFromConfig(config: Config, env: NodeJS.ProcessEnv): AuthSpec {
  const auth = config.service.auth;
  if (auth.token) return { kind: 'bearer', token: auth.token, header: auth.header, scheme: auth.scheme };
  if (auth.login?.username && auth.login.passwordEnv) {
    const password = env[auth.login.passwordEnv];
    if (!password)
      throw new UserError(`service.auth.login: environment variable ${auth.login.passwordEnv} is not set`);
    registerSecret(password);
    return loginAuth({
      path: auth.login.path,
      username: auth.login.username,
      password,
      header: auth.header,
      scheme: auth.scheme,
    });
  }
  return { kind: 'none' };
}

/** An OAuth2 password-form login run once per virtual user (FastAPI's `POST /token`); the token is `access_token`. */
export function loginAuth(o: {
  path: string;
  username: string;
  password: string;
  header?: string;
  scheme?: string;
}): AuthSpec {
  return {
    kind: 'login',
    request: {
      name: 'login',
      method: 'POST',
      path: o.path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: o.username, password: o.password }).toString(),
      weight: 0,
      expectStatus: [200],
    },
    tokenPath: 'access_token',
    header: o.header ?? 'Authorization',
    scheme: o.scheme ?? 'Bearer',
  };
}
