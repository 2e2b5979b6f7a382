import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { OpenApiDocument, OpenApiOperation } from '../../examples/sample-service/openapi.ts';
import { DEFAULT_SAMPLE_PASSWORD, type SampleApiVersion } from '../../examples/sample-service/options.ts';
import { sampleRoutes } from '../../examples/sample-service/routes.ts';
import type { RunningSampleService } from '../../examples/sample-service/server.ts';
import { login, request, useSampleService } from './helpers.ts';

type Json = Record<string, unknown>;

async function fetchSpec(service: RunningSampleService): Promise<OpenApiDocument> {
  const res = await request(service, '/openapi.json');
  expect(res.status).toBe(200);
  return res.body as OpenApiDocument;
}

function operations(doc: OpenApiDocument): { path: string; method: string; op: OpenApiOperation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
  );
}

function schemaValidator(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'spec', components: doc.components });
  return (ref: string, value: unknown): string | undefined => {
    const validate = ajv.getSchema(`spec${ref}`) ?? ajv.compile({ $ref: `spec${ref}` });
    return validate(value) ? undefined : ajv.errorsText(validate.errors);
  };
}

/** Sends the request an operation describes, with valid values for its required parameters. */
async function call(
  service: RunningSampleService,
  path: string,
  method: string,
  op: OpenApiOperation,
  token?: string,
) {
  if (op.requestBody) {
    return request(service, path, { method, form: { username: 'admin', password: DEFAULT_SAMPLE_PASSWORD } });
  }
  const query = new URLSearchParams();
  for (const p of (op.parameters ?? []) as { name: string; required: boolean; schema: Json }[]) {
    if (p.required) query.set(p.name, String(p.schema.minimum ?? p.schema.default ?? 1));
  }
  const qs = query.size > 0 ? `?${query}` : '';
  return request(service, `${path}${qs}`, { method, ...(token ? { token } : {}) });
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refsIn(n, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

function describeVersion(apiVersion: SampleApiVersion) {
  describe(`/openapi.json for API version ${apiVersion}`, () => {
    const service = useSampleService({ apiVersion, version: '1.2.3' });

    it('is an OpenAPI 3.1 document in FastAPI style', async () => {
      const doc = await fetchSpec(service.current);
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.info).toEqual({ title: 'PiWardrive Sample Service', version: '1.2.3' });
      expect(doc.components.securitySchemes).toEqual({
        OAuth2PasswordBearer: { type: 'oauth2', flows: { password: { scopes: {}, tokenUrl: 'token' } } },
      });
      const ids = operations(doc).map((o) => o.op.operationId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain('list_wifi_networks_api_wifi_networks_get');
      expect(ids).toContain('login_token_post');
      for (const ref of refsIn(doc)) {
        expect(ref).toMatch(/^#\/components\/schemas\//);
        expect(doc.components.schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
      }
      // Nothing unused, as FastAPI only emits models an operation reaches.
      const used = new Set(
        refsIn(doc.paths)
          .concat(refsIn(doc.components.schemas))
          .map((r) => r.split('/').pop()),
      );
      expect(Object.keys(doc.components.schemas).filter((s) => !used.has(s))).toEqual([]);
      expect(doc.components.schemas.HTTPValidationError).toBeDefined();
      expect(doc.components.schemas.ValidationError).toBeDefined();
      const tokenBody = doc.paths['/token']?.post?.requestBody as { content: Json } | undefined;
      expect(Object.keys(tokenBody?.content ?? {})).toEqual(['application/x-www-form-urlencoded']);
      for (const { path, op } of operations(doc)) {
        expect(op.responses['200'], path).toBeDefined();
        expect(op.security, path).toEqual(
          path.startsWith('/api/') ? [{ OAuth2PasswordBearer: [] }] : undefined,
        );
        expect(op.responses['422'] !== undefined, path).toBe(
          op.parameters !== undefined || op.requestBody !== undefined,
        );
      }
    });

    it('describes exactly the routes served, with the shapes they return', async () => {
      const doc = await fetchSpec(service.current);
      const validate = schemaValidator(doc);
      const token = await login(service.current);
      const documented = operations(doc);
      for (const { path, method, op } of documented) {
        const res = await call(service.current, path, method, op, token);
        const where = `${method} ${path}`;
        expect(res.status, where).toBe(200);
        const schemaRef = refsIn(op.responses['200'])[0] as string;
        expect(validate(schemaRef, res.body), where).toBeUndefined();
        if (op.security) {
          const denied = await call(service.current, path, method, op);
          expect(denied.status, where).toBe(401);
          expect(validate(refsIn(op.responses['401'])[0] as string, denied.body), where).toBeUndefined();
        }
      }
      const served = sampleRoutes(apiVersion)
        .filter((r) => r.inSchema)
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      expect(documented.map((o) => `${o.method} ${o.path}`).sort()).toEqual(served);
      for (const path of [
        '/docs',
        '/redoc',
        '/api',
        '/status',
        '/api/v1/status',
        '/api/health',
        '/metrics',
      ]) {
        expect((await request(service.current, path, { token })).status, path).toBe(404);
      }
    });

    it('documents the error bodies the service really sends', async () => {
      const doc = await fetchSpec(service.current);
      const validate = schemaValidator(doc);
      const token = await login(service.current);
      const bad = await request(service.current, '/api/wifi/networks?limit=nope', { token });
      expect(bad.status).toBe(422);
      expect(validate('#/components/schemas/HTTPValidationError', bad.body)).toBeUndefined();
      const wrong = await request(service.current, '/token', { form: { username: 'admin', password: 'x' } });
      expect(wrong.status).toBe(401);
      expect(validate('#/components/schemas/ErrorDetail', wrong.body)).toBeUndefined();
    });
  });
}

describeVersion(1);
describeVersion(2);

describe('/openapi.json with auth off', () => {
  const service = useSampleService({ auth: false });

  it('declares no security', async () => {
    const doc = await fetchSpec(service.current);
    expect(doc.components.securitySchemes).toBeUndefined();
    for (const { path, op } of operations(doc)) {
      expect(op.security, path).toBeUndefined();
      // Only /token still answers 401, for wrong credentials.
      expect(op.responses['401'] !== undefined, path).toBe(path === '/token');
    }
  });
});

describe('API version 2 against version 1', () => {
  const v1 = useSampleService({ apiVersion: 1, auth: false });
  const v2 = useSampleService({ apiVersion: 2, auth: false });

  it('changes the spec in exactly the promised ways', async () => {
    const [a, b] = await Promise.all([fetchSpec(v1.current), fetchSpec(v2.current)]);
    // A new endpoint, nothing removed.
    const opsOf = (d: OpenApiDocument) => operations(d).map((o) => `${o.method} ${o.path}`);
    expect(opsOf(b).filter((o) => !opsOf(a).includes(o))).toEqual(['GET /api/wifi/channels']);
    expect(opsOf(a).filter((o) => !opsOf(b).includes(o))).toEqual([]);

    // ssid renamed to name; signal_dbm integer -> string.
    const netA = a.components.schemas.WifiNetwork as { properties: Record<string, Json>; required: string[] };
    const netB = b.components.schemas.WifiNetwork as { properties: Record<string, Json>; required: string[] };
    expect(Object.keys(netA.properties)).toContain('ssid');
    expect(Object.keys(netB.properties)).not.toContain('ssid');
    expect(Object.keys(netB.properties)).toContain('name');
    expect(netA.properties.signal_dbm?.type).toBe('integer');
    expect(netB.properties.signal_dbm?.type).toBe('string');

    // offset parameter removed.
    const params = (d: OpenApiDocument, path: string) =>
      ((d.paths[path]?.get?.parameters ?? []) as { name: string; required: boolean }[]).map(
        (p) => `${p.name}${p.required ? '!' : ''}`,
      );
    expect(params(a, '/api/wifi/networks')).toEqual(['limit', 'offset', 'min_signal']);
    expect(params(b, '/api/wifi/networks')).toEqual(['limit', 'min_signal']);

    // A new required parameter on bluetooth devices.
    expect(params(a, '/api/bluetooth/devices')).toEqual(['limit']);
    expect(params(b, '/api/bluetooth/devices')).toEqual(['limit', 'min_rssi!']);

    // Everything else is identical.
    const withoutChanges = (d: OpenApiDocument) => {
      const { WifiNetwork, WifiNetworkList, ChannelSummary, ChannelSummaryList, ...schemas } =
        d.components.schemas;
      const {
        '/api/wifi/networks': _n,
        '/api/bluetooth/devices': _b,
        '/api/wifi/channels': _c,
        ...paths
      } = d.paths;
      return { schemas, paths };
    };
    expect(withoutChanges(b)).toEqual(withoutChanges(a));
  });

  it('serves the version 2 shapes', async () => {
    const page = (await request(v2.current, '/api/wifi/networks?limit=3&offset=5')).body as {
      offset?: number;
      networks: Json[];
    };
    expect(page.offset).toBeUndefined();
    const first = page.networks[0] as Json;
    expect(first).not.toHaveProperty('ssid');
    expect(first).toHaveProperty('name');
    expect(first.signal_dbm).toMatch(/^-\d+ dBm$/);
    // The ignored offset changes nothing: v2 starts at the first network.
    const v1Page = (await request(v1.current, '/api/wifi/networks?limit=3')).body as { networks: Json[] };
    expect(page.networks.map((n) => n.bssid)).toEqual(v1Page.networks.map((n) => n.bssid));

    const missing = await request(v2.current, '/api/bluetooth/devices');
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({
      detail: [{ type: 'missing', loc: ['query', 'min_rssi'], msg: 'Field required', input: null }],
    });
    const strong = (await request(v2.current, '/api/bluetooth/devices?min_rssi=-60&limit=500')).body as {
      devices: { rssi: number }[];
    };
    expect(strong.devices.length).toBeGreaterThan(0);
    expect(strong.devices.every((d) => d.rssi >= -60)).toBe(true);

    const channels = await request(v2.current, '/api/wifi/channels');
    expect(channels.status).toBe(200);
    expect((await request(v1.current, '/api/wifi/channels')).status).toBe(404);
  });
});
