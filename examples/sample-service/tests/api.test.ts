/**
 * The sample service's own test suite, in node:test so it runs with nothing but Node
 * (`node --test 'examples/sample-service/tests/*.test.ts'`). `shipgate demo` runs it under `shipgate tests run`
 * and `shipgate coverage run`, the way a team would run its service's tests in CI.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SAMPLE_PASSWORD } from '../options.ts';
import { type RunningSampleService, startSampleService } from '../server.ts';

let service: RunningSampleService;

before(async () => {
  service = await startSampleService({ port: 0 });
});

after(async () => {
  await service.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read JSON bodies field by field.
type Json = any;

async function call(
  path: string,
  init: { token?: string; form?: Record<string, string>; method?: string } = {},
): Promise<{ status: number; headers: Headers; body: Json }> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(`${service.url}${path}`, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

async function token(): Promise<string> {
  const res = await call('/token', { form: { username: 'admin', password: DEFAULT_SAMPLE_PASSWORD } });
  assert.equal(res.status, 200);
  return res.body.access_token;
}

describe('health', () => {
  it('reports healthy with a connected database', async () => {
    const res = await call('/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'healthy');
    assert.equal(res.body.database.connected, true);
  });
});

describe('auth', () => {
  it('refuses /api/* without a token', async () => {
    const res = await call('/api/status');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer');
  });

  it('refuses a wrong password', async () => {
    const res = await call('/token', { form: { username: 'admin', password: 'wrong' } });
    assert.equal(res.status, 401);
  });

  it('issues a bearer token that opens /api/*', async () => {
    const res = await call('/api/status', { token: await token() });
    assert.equal(res.status, 200);
  });
});

describe('wifi networks', () => {
  it('pages with limit and offset', async () => {
    const auth = await token();
    const first = await call('/api/wifi/networks?limit=5', { token: auth });
    const second = await call('/api/wifi/networks?limit=5&offset=5', { token: auth });
    assert.equal(first.status, 200);
    assert.equal(first.body.networks.length, 5);
    assert.notDeepEqual(first.body.networks[0].bssid, second.body.networks[0].bssid);
  });

  it('filters by minimum signal', async () => {
    const res = await call('/api/wifi/networks?limit=500&min_signal=-60', { token: await token() });
    assert.equal(res.status, 200);
    for (const network of res.body.networks) assert.ok(network.signal_dbm >= -60);
  });

  it('answers an out-of-range limit with 422 FastAPI detail', async () => {
    const res = await call('/api/wifi/networks?limit=0', { token: await token() });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body.detail[0].loc, ['query', 'limit']);
  });
});

describe('bluetooth devices', () => {
  it('lists devices', async () => {
    const res = await call('/api/bluetooth/devices?limit=3', { token: await token() });
    assert.equal(res.status, 200);
    assert.equal(res.body.devices.length, 3);
  });
});

describe('errors and contract', () => {
  it('answers an unknown path with 404 and a wrong method with 405', async () => {
    assert.equal((await call('/nope')).status, 404);
    const wrong = await call('/health', { method: 'DELETE' });
    assert.equal(wrong.status, 405);
    assert.ok(wrong.headers.get('allow'));
  });

  it('serves an OpenAPI 3.1 document listing every API route', async () => {
    const res = await call('/openapi.json');
    assert.equal(res.status, 200);
    assert.match(res.body.openapi, /^3\.1\./);
    assert.ok(res.body.paths['/api/wifi/networks'].get);
    assert.ok(res.body.paths['/token'].post);
  });
});
