import { afterAll, beforeAll } from 'vitest';
import { DEFAULT_SAMPLE_PASSWORD, type SampleServiceOptions } from '../../examples/sample-service/options.ts';
import { type RunningSampleService, startSampleService } from '../../examples/sample-service/server.ts';

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Starts a service on an ephemeral loopback port for the enclosing describe block; read `.current` inside tests. */
export function useSampleService(options: Partial<SampleServiceOptions> = {}): {
  current: RunningSampleService;
} {
  const holder = {} as { current: RunningSampleService };
  beforeAll(async () => {
    holder.current = await startSampleService({ port: 0, ...options });
  });
  afterAll(async () => {
    await holder.current?.close();
  });
  return holder;
}

export async function request(
  service: RunningSampleService,
  path: string,
  init: { method?: string; token?: string; form?: Record<string, string>; json?: unknown } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const res = await fetch(`${service.url}${path}`, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export async function login(
  service: RunningSampleService,
  password = DEFAULT_SAMPLE_PASSWORD,
  username = 'admin',
): Promise<string> {
  const res = await request(service, '/token', { form: { username, password } });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { access_token: string }).access_token;
}
