import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffSpecs } from '../../src/apicompat/diff.ts';
import { loadSpec, specFromObject } from '../../src/apicompat/load.ts';
import { createLocator } from '../../src/apicompat/locate.ts';
import { parseDocument } from '../../src/apicompat/parse.ts';
import { ROOT } from '../helpers/cli.ts';

const F = join(ROOT, 'test', 'fixtures', 'apicompat');

function userError(fn: () => unknown): { message: string; line?: number } {
  try {
    fn();
  } catch (e) {
    return e as { message: string; line?: number };
  }
  throw new Error('expected an error');
}

describe('parsing', () => {
  it('names the line of a YAML or JSON syntax error', () => {
    expect(
      userError(() => parseDocument('openapi: 3.1.0\npaths:\n  /a: [\n', 'x.yaml')).line,
    ).toBeGreaterThanOrEqual(3);
    const json = `{\n "pad": "${'x'.repeat(200)}",\n "a": 1,\n "b": }\n`;
    expect(userError(() => parseDocument(json, 'x.json'))).toMatchObject({ line: 4 });
    expect(userError(() => parseDocument('  \n', 'x.json')).message).toMatch(/empty/);
  });

  it('refuses duplicate YAML keys rather than silently taking one', () => {
    expect(userError(() => parseDocument('a: 1\na: 2\n', 'x.yaml')).message).toMatch(/not valid YAML/);
  });
});

describe('loading', () => {
  it('follows $refs into files beside the document', async () => {
    const spec = await loadSpec(join(F, 'refs', 'openapi.yaml'));
    const schema = spec.operations
      .get('GET /items')
      ?.responses.get('200')
      ?.content.get('application/json')?.schema;
    expect(schema?.required).toEqual(['id']);
    expect(schema?.properties.id?.types).toEqual(['integer']);
  });

  it('normalises Swagger 2.0: body and formData parameters become request bodies, produces becomes media types', async () => {
    const spec = await specFromObject({
      swagger: '2.0',
      info: { title: 't', version: '1' },
      consumes: ['multipart/form-data'],
      paths: {
        '/upload': {
          post: {
            parameters: [
              { name: 'file', in: 'formData', type: 'file', required: true },
              { name: 'note', in: 'formData', type: 'string', maxLength: 10 },
            ],
            produces: ['application/xml'],
            responses: { '200': { description: 'ok', schema: { type: 'string' } } },
          },
        },
      },
    });
    const op = spec.operations.get('POST /upload');
    const body = op?.requestBody?.content.get('multipart/form-data')?.schema;
    expect(op?.requestBody?.required).toBe(true);
    expect(body?.required).toEqual(['file']);
    expect(body?.properties.note?.maxLength).toBe(10);
    expect([...(op?.responses.get('200')?.content.keys() ?? [])]).toEqual(['application/xml']);
  });

  it('applies keywords beside a $ref (3.1) together with the target', async () => {
    const doc = (extra: Record<string, unknown>) => ({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/a': {
          get: {
            parameters: [{ name: 'n', in: 'query', schema: { $ref: '#/components/schemas/N', ...extra } }],
            responses: { '200': { description: 'ok' } },
          },
        },
      },
      components: { schemas: { N: { type: 'integer', maximum: 100 } } },
    });
    const base = await specFromObject(doc({ description: 'docs only' }));
    const head = await specFromObject(doc({ maximum: 10 }));
    expect(diffSpecs(base, head).map((c) => c.id)).toContain('request-parameter-max-decreased');
  });

  it('refuses a broken $ref and a $ref chain that loops', async () => {
    const doc = (schema: unknown, schemas: Record<string, unknown> = {}) => ({
      openapi: '3.0.3',
      info: { title: 't', version: '1' },
      paths: { '/a': { get: { parameters: [{ name: 'n', in: 'query', schema }], responses: {} } } },
      components: { schemas },
    });
    await expect(specFromObject(doc({ $ref: '#/components/schemas/Nope' }))).rejects.toThrow(
      /unresolved \$ref/,
    );
    await expect(
      specFromObject(
        doc(
          { $ref: '#/components/schemas/A' },
          { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } },
        ),
      ),
    ).rejects.toThrow(/loops/);
  });
});

describe('source locations', () => {
  it('finds the line of a pointer, following $refs to where the schema is written', () => {
    const text = [
      'openapi: 3.1.0', // 1
      'paths:', // 2
      '  /a:', // 3
      '    get:', // 4
      '      responses:', // 5
      '        "200":', // 6
      '          content:', // 7
      '            application/json:', // 8
      '              schema: { $ref: "#/components/schemas/A" }', // 9
      'components:', // 10
      '  schemas:', // 11
      '    A:', // 12
      '      properties:', // 13
      '        name: { type: string }', // 14
    ].join('\n');
    const lineOf = createLocator(text);
    expect(lineOf?.('/paths/~1a/get/responses/200')).toBe(6);
    expect(lineOf?.('/paths/~1a/get/responses/200/content/application~1json/schema/properties/name')).toBe(
      14,
    );
    // A removed property stops at the deepest node that still exists.
    expect(lineOf?.('/paths/~1a/get/responses/200/content/application~1json/schema/properties/gone')).toBe(
      13,
    );
  });
});

describe('firstJsonError', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['[1, 2, {"b": [true, null, -1.5e3, "x\\"y"]}]', undefined],
    ['{"a": }', 6],
    ['{"a" 1}', 5],
    ['[1, 2,]', 6],
    ['{"a": 1,}', 8],
    ['{"a": 1} x', 9],
    ['{"a": [1, 2}', 11],
    ['{"a": "unterminated', 6],
    ['{"a": 01}', 7],
  ])('%s → %s', async (text, offset) => {
    const { firstJsonError } = await import('../../src/apicompat/parse.ts');
    let native: unknown;
    try {
      JSON.parse(text);
    } catch (e) {
      native = e;
    }
    expect(native === undefined).toBe(offset === undefined);
    expect(firstJsonError(text)).toBe(offset);
  });
});
