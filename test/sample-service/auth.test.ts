import { describe, expect, it } from 'vitest';
import { TokenStore } from '../../examples/sample-service/auth.ts';
import { login, request, useSampleService } from './helpers.ts';

describe('sample service auth', () => {
  const service = useSampleService({ password: 's3cret', staticToken: 'fixed-token' });

  it('answers /api/* without a token with 401, a Bearer challenge and FastAPI detail', async () => {
    const res = await request(service.current, '/api/status');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.body).toEqual({ detail: 'Not authenticated' });
  });

  it('rejects an unknown token and a non-bearer scheme', async () => {
    expect((await request(service.current, '/api/status', { token: 'made-up' })).status).toBe(401);
    const basic = await fetch(`${service.current.url}/api/status`, {
      headers: { authorization: 'Basic YWRtaW46czNjcmV0' },
    });
    await basic.text();
    expect(basic.status).toBe(401);
  });

  it('answers a wrong password with 401 and issues no token', async () => {
    const res = await request(service.current, '/token', { form: { username: 'admin', password: 'wrong' } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Incorrect username or password' });
    const wrongUser = await request(service.current, '/token', {
      form: { username: 'root', password: 's3cret' },
    });
    expect(wrongUser.status).toBe(401);
  });

  it('issues a bearer token for the right password that then opens /api/*', async () => {
    const res = await request(service.current, '/token', { form: { username: 'admin', password: 's3cret' } });
    expect(res.status).toBe(200);
    const issued = res.body as { access_token: string; token_type: string; expires_in: number };
    expect(issued.token_type).toBe('bearer');
    expect(issued.expires_in).toBeGreaterThan(0);
    expect(issued.access_token.length).toBeGreaterThanOrEqual(20);
    const status = await request(service.current, '/api/status', { token: issued.access_token });
    expect(status.status).toBe(200);
    // Each login gets its own token.
    expect(await login(service.current, 's3cret')).not.toBe(issued.access_token);
  });

  it('accepts JSON credentials too', async () => {
    const res = await request(service.current, '/token', { json: { username: 'admin', password: 's3cret' } });
    expect(res.status).toBe(200);
  });

  it('answers missing form fields and a wrong grant_type with 422 FastAPI detail', async () => {
    const res = await request(service.current, '/token', { form: { username: 'admin' } });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      detail: [{ type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: null }],
    });
    const grant = await request(service.current, '/token', {
      form: { grant_type: 'client_credentials', username: 'admin', password: 's3cret' },
    });
    expect(grant.status).toBe(422);
    expect((grant.body as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(['body', 'grant_type']);
  });

  it('accepts the configured static token', async () => {
    expect((await request(service.current, '/api/metrics', { token: 'fixed-token' })).status).toBe(200);
  });

  it('keeps /health open', async () => {
    expect((await request(service.current, '/health')).status).toBe(200);
  });
});

describe('sample service without auth', () => {
  const service = useSampleService({ auth: false });

  it('serves /api/* without a token', async () => {
    const res = await request(service.current, '/api/wifi/networks?limit=1');
    expect(res.status).toBe(200);
  });
});

describe('TokenStore', () => {
  it('forgets expired tokens', () => {
    let now = 1_000_000;
    const store = new TokenStore({ username: 'u', password: 'p', ttlSeconds: 60, now: () => now });
    const issued = store.login('u', 'p');
    expect(issued && store.isValid(issued.access_token)).toBe(true);
    now += 61_000;
    expect(store.isValid(issued?.access_token)).toBe(false);
    expect(store.size).toBe(0);
  });

  it('stays bounded when clients log in over and over', () => {
    const store = new TokenStore({ username: 'u', password: 'p', maxTokens: 10 });
    const tokens = Array.from({ length: 25 }, () => store.login('u', 'p')?.access_token);
    expect(store.size).toBe(10);
    expect(store.isValid(tokens[24])).toBe(true);
    expect(store.isValid(tokens[0])).toBe(false);
  });
});
