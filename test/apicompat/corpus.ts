// The rule corpus: spec pairs, each with exactly the rule ids it must produce. Schema-level rules
// come from one template (a schema placed in a query parameter, a request body, a request
// property, a response body, a response property or a response header); the rest are written out.
import type { Where } from '../../src/apicompat/rules/rule.ts';

type Json = Record<string, unknown>;

export interface Case {
  name: string;
  base: Json;
  head: Json;
  expected: string[];
}

const clone = <T>(v: T): T => structuredClone(v);

/** One operation with everything a rule can look at; head is 2.0.0 so version rules stay quiet. */
export function document(version = '1.0.0', openapi = '3.1.0'): Json {
  return {
    openapi,
    info: { title: 'corpus', version },
    paths: {
      '/items/{id}': {
        post: {
          operationId: 'update_item',
          tags: ['items'],
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'q', in: 'query', required: false, schema: { type: 'string' } },
          ],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
          },
          responses: {
            '200': {
              description: 'ok',
              headers: { 'X-Rate-Limit': { required: true, schema: { type: 'integer' } } },
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
            },
            '404': { description: 'missing' },
          },
          security: [{ bearer: ['items:write'] }],
        },
        get: { responses: { '200': { description: 'ok' } } },
      },
      '/health': { get: { responses: { '200': { description: 'ok' } } } },
    },
    components: {
      schemas: {
        Item: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, note: { type: 'string' } },
        },
      },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

type Op = Json & { parameters: Json[]; requestBody: Json; responses: Record<string, Json> };
const post = (d: Json): Op => ((d.paths as Json)['/items/{id}'] as Json).post as Op;
const item = (d: Json): Json => ((d.components as Json).schemas as Json).Item as Json;

/** Builds a pair where only the schema at `where` differs. */
function placed(where: Where, baseSchema: Json, headSchema: Json): { base: Json; head: Json } {
  const make = (schema: Json, version: string): Json => {
    const d = document(version);
    const op = post(d);
    const at: Record<Where, () => void> = {
      'request-parameter': () => {
        (op.parameters[1] as Json).schema = schema;
      },
      'request-body': () => {
        op.requestBody = { required: true, content: { 'application/json': { schema } } };
      },
      'request-property': () => {
        op.requestBody = {
          required: true,
          content: { 'application/json': { schema: { type: 'object', properties: { p: schema } } } },
        };
      },
      'response-body': () => {
        (op.responses['200'] as Json).content = { 'application/json': { schema } };
      },
      'response-property': () => {
        (op.responses['200'] as Json).content = {
          'application/json': { schema: { type: 'object', properties: { p: schema } } },
        };
      },
      'response-header': () => {
        (op.responses['200'] as Json).headers = { 'X-Rate-Limit': { required: true, schema } };
      },
    };
    at[where]();
    return d;
  };
  return { base: make(baseSchema, '1.0.0'), head: make(headSchema, '2.0.0') };
}

const schemaCase = (where: Where, suffix: string, b: Json, h: Json, extra: string[] = []): Case => ({
  name: `${where}: ${suffix}`,
  ...placed(where, b, h),
  expected: [`${where}-${suffix}`, ...extra],
});

const REQUEST: Where[] = ['request-parameter', 'request-property', 'request-body'];
const RESPONSE: Where[] = ['response-property', 'response-body'];
const int = (extra: Json = {}): Json => ({ type: 'integer', ...extra });
const str = (extra: Json = {}): Json => ({ type: 'string', ...extra });
const arr = (extra: Json = {}): Json => ({ type: 'array', items: { type: 'string' }, ...extra });

function schemaCases(): Case[] {
  const cases: Case[] = [];
  for (const w of [...REQUEST, ...RESPONSE, 'response-header' as Where]) {
    cases.push(schemaCase(w, 'type-changed', str(), int()));
  }
  for (const w of REQUEST) cases.push(schemaCase(w, 'type-generalized', int(), { type: 'number' }));
  for (const w of RESPONSE) cases.push(schemaCase(w, 'type-specialized', { type: 'number' }, int()));
  for (const w of REQUEST) {
    cases.push(schemaCase(w, 'enum-value-removed', str({ enum: ['a', 'b'] }), str({ enum: ['a'] })));
    cases.push(schemaCase(w, 'became-enum', str(), str({ enum: ['a'] })));
    cases.push(schemaCase(w, 'became-not-nullable', { type: ['string', 'null'] }, str()));
    cases.push(schemaCase(w, 'became-nullable', str(), { anyOf: [str(), { type: 'null' }] }));
    cases.push(schemaCase(w, 'max-decreased', int({ maximum: 10 }), int({ maximum: 5 })));
    cases.push(schemaCase(w, 'max-set', int(), int({ maximum: 10 })));
    cases.push(schemaCase(w, 'max-increased', int({ maximum: 10 }), int({ maximum: 20 })));
    cases.push(schemaCase(w, 'min-increased', int({ minimum: 1 }), int({ exclusiveMinimum: 1 })));
    cases.push(schemaCase(w, 'min-set', int(), int({ minimum: 0 })));
    cases.push(schemaCase(w, 'min-decreased', int({ minimum: 5 }), int({ minimum: 0 })));
    cases.push(schemaCase(w, 'max-length-decreased', str({ maxLength: 50 }), str({ maxLength: 10 })));
    cases.push(schemaCase(w, 'max-length-set', str(), str({ maxLength: 10 })));
    cases.push(schemaCase(w, 'max-length-increased', str({ maxLength: 10 }), str({ maxLength: 50 })));
    cases.push(schemaCase(w, 'min-length-increased', str({ minLength: 1 }), str({ minLength: 3 })));
    cases.push(schemaCase(w, 'min-length-decreased', str({ minLength: 3 }), str({ minLength: 1 })));
    cases.push(schemaCase(w, 'pattern-added', str(), str({ pattern: '^[a-z]+$' })));
    cases.push(
      schemaCase(w, 'pattern-changed', str({ pattern: '^[a-z]+$' }), str({ pattern: '^[a-z0-9]+$' })),
    );
    cases.push(schemaCase(w, 'pattern-removed', str({ pattern: '^[a-z]+$' }), str()));
  }
  for (const w of ['request-parameter', 'request-property'] as Where[]) {
    cases.push(schemaCase(w, 'enum-value-added', str({ enum: ['a'] }), str({ enum: ['a', 'b'] })));
    cases.push(schemaCase(w, 'max-items-decreased', arr({ maxItems: 10 }), arr({ maxItems: 2 })));
    cases.push(schemaCase(w, 'max-items-set', arr(), arr({ maxItems: 10 })));
    cases.push(schemaCase(w, 'min-items-increased', arr({ minItems: 1 }), arr({ minItems: 2 })));
    cases.push(schemaCase(w, 'min-items-set', arr(), arr({ minItems: 1 })));
  }
  for (const w of RESPONSE) {
    cases.push(schemaCase(w, 'enum-value-added', str({ enum: ['a'] }), str({ enum: ['a', 'b'] })));
    cases.push(schemaCase(w, 'became-nullable', str(), { type: 'string', nullable: true }));
    cases.push(schemaCase(w, 'max-increased', int({ maximum: 10 }), int({ maximum: 20 })));
    cases.push(schemaCase(w, 'max-unset', int({ maximum: 10 }), int()));
    cases.push(schemaCase(w, 'min-decreased', int({ minimum: 1 }), int({ minimum: 0 })));
    cases.push(schemaCase(w, 'min-unset', int({ minimum: 1 }), int()));
    cases.push(schemaCase(w, 'max-length-increased', str({ maxLength: 10 }), str({ maxLength: 20 })));
    cases.push(schemaCase(w, 'max-length-unset', str({ maxLength: 10 }), str()));
    cases.push(schemaCase(w, 'min-length-decreased', str({ minLength: 2 }), str({ minLength: 1 })));
    cases.push(
      schemaCase(
        w,
        'one-of-added',
        { oneOf: [str(), int()] },
        { oneOf: [str(), int(), { type: 'boolean' }] },
      ),
    );
    cases.push(
      schemaCase(
        w,
        'any-of-added',
        { anyOf: [str(), int()] },
        { anyOf: [str(), int(), { type: 'boolean' }] },
      ),
    );
    cases.push(
      schemaCase(w, 'one-of-removed', { oneOf: [str(), int()] }, { oneOf: [str(), { type: 'boolean' }] }, [
        `${w}-one-of-added`,
      ]),
    );
  }
  cases.push(
    schemaCase('response-property', 'enum-value-removed', str({ enum: ['a', 'b'] }), str({ enum: ['a'] })),
  );
  cases.push(schemaCase('response-property', 'became-not-nullable', { type: ['string', 'null'] }, str()));
  for (const w of ['request-body', 'request-property'] as Where[]) {
    cases.push(schemaCase(w, 'one-of-removed', { oneOf: [str(), int()] }, { oneOf: [str()] }));
    cases.push(schemaCase(w, 'any-of-removed', { anyOf: [str(), int()] }, { anyOf: [int()] }));
    cases.push(
      schemaCase(
        w,
        'one-of-added',
        { oneOf: [str(), int()] },
        { oneOf: [str(), int(), { type: 'boolean' }] },
      ),
    );
  }
  return cases;
}

/** Hand-written pairs: `edit` changes a copy of the template (head is 2.0.0 unless it says otherwise). */
function edited(name: string, expected: string[], edit: (head: Json, base: Json) => void): Case {
  const base = document('1.0.0');
  const head = document('2.0.0');
  edit(head, base);
  return { name, base, head, expected };
}

const paths = (d: Json): Json => d.paths as Json;
const future = '2999-01-01';
const past = '2000-01-01';

function handWritten(): Case[] {
  return [
    edited('path removed', ['api-path-removed-without-deprecation'], (h) => {
      delete paths(h)['/health'];
    }),
    edited('deprecated path removed before sunset', ['api-path-removed-before-sunset'], (h, b) => {
      Object.assign((paths(b)['/health'] as Json).get as Json, { deprecated: true, 'x-sunset': future });
      delete paths(h)['/health'];
    }),
    edited('deprecated path removed after sunset', ['api-path-removed-with-deprecation'], (h, b) => {
      Object.assign((paths(b)['/health'] as Json).get as Json, { deprecated: true, 'x-sunset': past });
      delete paths(h)['/health'];
    }),
    edited('operation removed', ['api-removed-without-deprecation'], (h) => {
      delete (paths(h)['/items/{id}'] as Json).get;
    }),
    edited('deprecated operation removed before sunset', ['api-removed-before-sunset'], (h, b) => {
      Object.assign((paths(b)['/items/{id}'] as Json).get as Json, { deprecated: true, 'x-sunset': future });
      delete (paths(h)['/items/{id}'] as Json).get;
    }),
    edited('deprecated operation removed', ['api-removed-with-deprecation'], (h, b) => {
      Object.assign((paths(b)['/items/{id}'] as Json).get as Json, { deprecated: true });
      delete (paths(h)['/items/{id}'] as Json).get;
    }),
    edited('endpoint added', ['endpoint-added'], (h) => {
      paths(h)['/ready'] = { get: { responses: { '200': { description: 'ok' } } } };
    }),
    edited('deprecated', ['endpoint-deprecated'], (h) => {
      post(h).deprecated = true;
    }),
    edited('deprecated with sunset', ['endpoint-deprecated-with-sunset'], (h) => {
      Object.assign(post(h), { deprecated: true, 'x-sunset': future });
    }),
    edited('reactivated', ['endpoint-reactivated'], (_h, b) => {
      post(b).deprecated = true;
    }),
    edited('sunset earlier', ['api-sunset-date-changed-too-small'], (h, b) => {
      Object.assign(post(b), { deprecated: true, 'x-sunset': '2999-06-01' });
      Object.assign(post(h), { deprecated: true, 'x-sunset': '2999-01-01' });
    }),
    edited('sunset deleted', ['api-sunset-deleted'], (h, b) => {
      Object.assign(post(b), { deprecated: true, 'x-sunset': future });
      post(h).deprecated = true;
    }),
    edited('stability decreased', ['api-stability-decreased'], (h) => {
      post(h)['x-stability-level'] = 'beta';
    }),
    edited('stability increased', ['api-stability-increased'], (_h, b) => {
      post(b)['x-stability-level'] = 'alpha';
    }),
    edited('invalid stability', ['api-invalid-stability-level'], (h) => {
      post(h)['x-stability-level'] = 'solid';
    }),
    edited('operationId changed', ['api-operation-id-removed'], (h) => {
      post(h).operationId = 'update_item_items__id__post';
    }),
    edited('operationId added', ['api-operation-id-added'], (h) => {
      ((paths(h)['/health'] as Json).get as Json).operationId = 'health';
    }),
    edited('tag removed', ['api-tag-removed'], (h) => {
      post(h).tags = [];
    }),
    edited('tag added', ['api-tag-added'], (h) => {
      post(h).tags = ['items', 'v2'];
    }),
    edited('auth now required', ['api-authentication-required'], (h) => {
      ((paths(h)['/health'] as Json).get as Json).security = [{ bearer: [] }];
    }),
    edited(
      'global security makes auth required',
      ['api-authentication-required', 'api-authentication-required'],
      (h) => {
        h.security = [{ bearer: [] }];
      },
    ),
    edited('auth no longer required', ['api-authentication-no-longer-required'], (h) => {
      post(h).security = [];
    }),
    edited('security alternative removed', ['api-security-removed'], (_h, b) => {
      post(b).security = [{ bearer: ['items:write'] }, { apiKey: [] }];
    }),
    edited('security alternative added', ['api-security-added'], (h) => {
      post(h).security = [{ bearer: ['items:write'] }, { apiKey: [] }];
    }),
    edited('scope added', ['api-security-scope-added'], (h) => {
      post(h).security = [{ bearer: ['items:write', 'items:admin'] }];
    }),
    edited('scope removed', ['api-security-scope-removed'], (h) => {
      post(h).security = [{ bearer: [] }];
    }),
    edited('new required query parameter', ['new-required-request-parameter'], (h) => {
      post(h).parameters.push({ name: 'v', in: 'query', required: true, schema: str() });
    }),
    edited('new required header (case-insensitive identity)', ['new-required-request-parameter'], (h) => {
      post(h).parameters.push({ name: 'X-Tenant', in: 'header', required: true, schema: str() });
    }),
    edited('new optional parameter', ['new-optional-request-parameter'], (h) => {
      post(h).parameters.push({ name: 'v', in: 'query', schema: str() });
    }),
    edited('path parameter declared where it was missing', ['new-request-path-parameter'], (_h, b) => {
      post(b).parameters.shift();
    }),
    edited('parameter removed', ['request-parameter-removed'], (h) => {
      post(h).parameters.pop();
    }),
    edited('parameter became required', ['request-parameter-became-required'], (h) => {
      (post(h).parameters[1] as Json).required = true;
    }),
    edited('parameter became optional', ['request-parameter-became-optional'], (_h, b) => {
      (post(b).parameters[1] as Json).required = true;
    }),
    edited('parameter deprecated', ['request-parameter-deprecated'], (h) => {
      (post(h).parameters[1] as Json).deprecated = true;
    }),
    edited('parameter reactivated', ['request-parameter-reactivated'], (_h, b) => {
      (post(b).parameters[1] as Json).deprecated = true;
    }),
    edited('default changed', ['request-parameter-default-value-changed'], (h, b) => {
      (post(b).parameters[1] as Json).schema = str({ default: 'a' });
      (post(h).parameters[1] as Json).schema = str({ default: 'b' });
    }),
    edited('default added', ['request-parameter-default-value-added'], (h) => {
      (post(h).parameters[1] as Json).schema = str({ default: 'a' });
    }),
    edited('default removed', ['request-parameter-default-value-removed'], (_h, b) => {
      (post(b).parameters[1] as Json).schema = str({ default: 'a' });
    }),
    edited('path parameter renamed is the same endpoint', ['request-path-parameter-renamed'], (h) => {
      const p = paths(h);
      p['/items/{itemId}'] = p['/items/{id}'];
      delete p['/items/{id}'];
      (post({ paths: { '/items/{id}': p['/items/{itemId}'] } }).parameters[0] as Json).name = 'itemId';
    }),
    edited('required body added', ['added-required-request-body'], (h) => {
      ((paths(h)['/health'] as Json).get as Json).requestBody = {
        required: true,
        content: { 'application/json': { schema: str() } },
      };
    }),
    edited('optional body added', ['added-optional-request-body'], (h) => {
      ((paths(h)['/health'] as Json).get as Json).requestBody = {
        content: { 'application/json': { schema: str() } },
      };
    }),
    edited('body removed', ['request-body-removed'], (h) => {
      delete (post(h) as Json).requestBody;
    }),
    edited('body became required', ['request-body-became-required'], (_h, b) => {
      post(b).requestBody.required = false;
    }),
    edited('body became optional', ['request-body-became-optional'], (h) => {
      post(h).requestBody.required = false;
    }),
    edited('request media type removed', ['request-body-media-type-removed'], (_h, b) => {
      (post(b).requestBody.content as Json)['application/xml'] = { schema: str() };
    }),
    edited('request media type added', ['request-body-media-type-added'], (h) => {
      (post(h).requestBody.content as Json)['application/xml'] = { schema: str() };
    }),
    edited(
      'response media type replaced',
      ['response-media-type-removed', 'response-media-type-added'],
      (h) => {
        (post(h).responses['200'] as Json).content = {
          'application/xml': { schema: { $ref: '#/components/schemas/Item' } },
        };
      },
    ),
    edited('response media type added', ['response-media-type-added'], (h) => {
      ((post(h).responses['200'] as Json).content as Json)['text/csv'] = { schema: str() };
    }),
    edited('response schema removed', ['response-body-media-type-schema-removed'], (h) => {
      (post(h).responses['200'] as Json).content = { 'application/json': {} };
    }),
    edited(
      'success status removed',
      ['response-success-status-removed', 'response-success-status-added'],
      (h) => {
        post(h).responses['201'] = post(h).responses['200'] as Json;
        delete post(h).responses['200'];
      },
    ),
    edited('non-success status removed', ['response-non-success-status-removed'], (h) => {
      delete post(h).responses['404'];
    }),
    edited('non-success status added (FastAPI 422)', ['response-non-success-status-added'], (h) => {
      post(h).responses['422'] = { description: 'Validation Error' };
    }),
    edited('required header removed', ['required-response-header-removed'], (h) => {
      (post(h).responses['200'] as Json).headers = {};
    }),
    edited('optional header removed', ['optional-response-header-removed'], (_h, b) => {
      (post(b).responses['200'] as Json).headers = {
        'X-Rate-Limit': { required: true, schema: int() },
        'X-Trace': { schema: str() },
      };
    }),
    edited('header became optional', ['response-header-became-optional'], (h) => {
      (post(h).responses['200'] as Json).headers = { 'x-rate-limit': { schema: int() } };
    }),
    edited('header added', ['response-header-added'], (h) => {
      (post(h).responses['200'] as Json).headers = {
        'X-Rate-Limit': { required: true, schema: int() },
        'X-Trace': { schema: str() },
      };
    }),
    // Item is used by both the request body and the 200 response: one edit, two directions.
    edited(
      'required property added to a shared model',
      ['new-required-request-property', 'response-required-property-added'],
      (h) => {
        Object.assign(item(h), {
          required: ['name', 'size'],
          properties: { ...(item(h).properties as Json), size: int() },
        });
      },
    ),
    edited(
      'optional property added',
      ['new-optional-request-property', 'response-optional-property-added'],
      (h) => {
        (item(h).properties as Json).size = int();
      },
    ),
    edited(
      'required property removed',
      ['request-property-removed', 'response-required-property-removed'],
      (h) => {
        Object.assign(item(h), { required: [], properties: { note: str() } });
      },
    ),
    edited(
      'optional property removed',
      ['request-property-removed', 'response-optional-property-removed'],
      (h) => {
        item(h).properties = { name: str() };
      },
    ),
    edited(
      'property became required',
      ['request-property-became-required', 'response-property-became-required'],
      (h) => {
        item(h).required = ['name', 'note'];
      },
    ),
    edited(
      'property became optional',
      ['request-property-became-optional', 'response-property-became-optional'],
      (h) => {
        item(h).required = [];
      },
    ),
    edited('readOnly property added is response-only', ['response-optional-property-added'], (h) => {
      (item(h).properties as Json).id = str({ readOnly: true });
    }),
    {
      name: 'version decreased',
      base: document('2.0.0'),
      head: document('1.9.0'),
      expected: ['api-version-decreased'],
    },
    {
      name: 'breaking change without a major bump',
      base: document('1.0.0'),
      head: (() => {
        const d = document('1.1.0');
        delete paths(d)['/health'];
        return d;
      })(),
      expected: ['api-path-removed-without-deprecation', 'api-major-version-not-bumped'],
    },
    {
      name: 'changed but version not bumped',
      base: document('1.0.0'),
      head: (() => {
        const d = document('1.0.0');
        post(d).tags = ['items', 'v2'];
        return d;
      })(),
      expected: ['api-tag-added', 'api-version-not-bumped'],
    },
  ];
}

/** Pairs that must produce nothing: the normalisations. */
export function equivalentPairs(): Case[] {
  const nullable31 = document('1.0.0');
  (post(nullable31).parameters[1] as Json).schema = { type: ['string', 'null'] };
  const nullable30 = document('2.0.0', '3.0.3');
  (post(nullable30).parameters[1] as Json).schema = { type: 'string', nullable: true };
  const anyOfNull = document('2.0.0');
  (post(anyOfNull).parameters[1] as Json).schema = {
    anyOf: [{ type: 'string' }, { type: 'null' }],
    title: 'Q',
  };

  const split = document('2.0.0');
  const schemas = (split.components as Json).schemas as Json;
  schemas['Item-Input'] = schemas.Item;
  schemas['Item-Output'] = clone(schemas.Item);
  delete schemas.Item;
  post(split).requestBody = {
    required: true,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Item-Input' } } },
  };
  (post(split).responses['200'] as Json).content = {
    'application/json': { schema: { $ref: '#/components/schemas/Item-Output' } },
  };

  const allOf = document('2.0.0');
  ((allOf.components as Json).schemas as Json).Item = {
    allOf: [
      { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      { properties: { note: { type: 'string', description: 'docs only' } } },
    ],
  };
  const exclusive30 = document('1.0.0', '3.0.3');
  (post(exclusive30).parameters[1] as Json).schema = { type: 'integer', maximum: 10, exclusiveMaximum: true };
  const exclusive31 = document('2.0.0');
  (post(exclusive31).parameters[1] as Json).schema = { type: 'integer', exclusiveMaximum: 10 };

  const docsOnly = document('2.0.0');
  Object.assign(post(docsOnly), { summary: 'Update', description: 'Changed words' });
  (item(docsOnly).properties as Json).name = { type: 'string', description: 'the name', example: 'x' };

  return [
    { name: '3.1 type list ≡ 3.0 nullable', base: nullable31, head: nullable30, expected: [] },
    {
      name: '3.1 type list ≡ anyOf with null (pydantic v2)',
      base: nullable31,
      head: anyOfNull,
      expected: [],
    },
    { name: 'FastAPI Model-Input/Model-Output ≡ Model', base: document('1.0.0'), head: split, expected: [] },
    { name: 'allOf merged ≡ one object', base: document('1.0.0'), head: allOf, expected: [] },
    {
      name: '3.0 boolean exclusiveMaximum ≡ 3.1 numeric',
      base: exclusive30,
      head: exclusive31,
      expected: [],
    },
    { name: 'documentation-only edits', base: document('1.0.0'), head: docsOnly, expected: [] },
  ];
}

export function corpus(): Case[] {
  return [...schemaCases(), ...handWritten()];
}
