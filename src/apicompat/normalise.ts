import { UserError } from '../core/errors.ts';
import type {
  Header,
  MediaType,
  Operation,
  Parameter,
  RequestBody,
  Response,
  SecurityRequirement,
  Spec,
} from './model.ts';
import { type Doc, deref, escapePointer } from './refs.ts';
import { createSchemaNormaliser, type SchemaNormaliser } from './schema.ts';

/**
 * Builds the normalised Spec from a loaded document set: detects the version, validates the shape
 * as far as the rules depend on it (an invalid document is an input error, never "no changes"),
 * converts Swagger 2.0's body/formData parameters and `produces`/`consumes` to the 3.x model, and
 * keys operations by method + path with the parameter names blanked.
 */
export const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type Raw = Record<string, unknown>;

const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);

export function normaliseSpec(doc: Doc): Spec {
  const root = doc.root;
  if (!isObject(root)) throw invalid(doc, 'the document is not a JSON/YAML object');
  const openapi = detectVersion(root, doc);
  const v2 = openapi === '2.0';
  const info = isObject(root.info) ? root.info : {};
  const schemas = createSchemaNormaliser();
  const notes: string[] = [];
  const operations = new Map<string, Operation>();
  const paths = new Set<string>();
  const rawPaths = root.paths ?? {};
  if (!isObject(rawPaths)) throw invalid(doc, "'paths' must be an object", '/paths');
  const globalSecurity = securityOf(root.security, doc, '/security') ?? [];

  for (const [path, rawItem] of Object.entries(rawPaths)) {
    if (path.startsWith('x-')) continue;
    const itemPointer = `/paths/${escapePointer(path)}`;
    if (!path.startsWith('/')) throw invalid(doc, `path '${path}' must start with '/'`, itemPointer);
    const { node: item, doc: itemDoc } = deref(rawItem, doc);
    if (!isObject(item)) throw invalid(doc, `path item '${path}' must be an object`, itemPointer);
    const normalisedPath = normalisePath(path);
    paths.add(normalisedPath);
    const shared = asList(item.parameters, itemDoc, `${itemPointer}/parameters`);
    for (const method of METHODS) {
      const rawOp = item[method];
      if (rawOp === undefined) continue;
      const opPointer = `${itemPointer}/${method}`;
      if (!isObject(rawOp))
        throw invalid(doc, `operation ${method.toUpperCase()} ${path} must be an object`, opPointer);
      const ctx: OpContext = { doc: itemDoc, schemas, v2, root, path, pointer: opPointer, op: rawOp };
      const op: Operation = {
        key: `${method.toUpperCase()} ${normalisedPath}`,
        method: method.toUpperCase(),
        path,
        normalisedPath,
        pointer: opPointer,
        tags: Array.isArray(rawOp.tags) ? rawOp.tags.filter((t): t is string => typeof t === 'string') : [],
        deprecated: rawOp.deprecated === true,
        security: securityOf(rawOp.security, doc, `${opPointer}/security`) ?? globalSecurity,
        parameters: new Map(),
        responses: new Map(),
      };
      if (typeof rawOp.operationId === 'string') op.operationId = rawOp.operationId;
      if (typeof rawOp['x-sunset'] === 'string') op.sunset = rawOp['x-sunset'];
      if (typeof rawOp['x-stability-level'] === 'string') op.stability = rawOp['x-stability-level'];
      const own = asList(rawOp.parameters, itemDoc, `${opPointer}/parameters`);
      readParameters(ctx, op, [
        ...shared.map((p, i) => ({ raw: p, pointer: `${itemPointer}/parameters/${i}` })),
        ...own.map((p, i) => ({ raw: p, pointer: `${opPointer}/parameters/${i}` })),
      ]);
      if (!v2 && rawOp.requestBody !== undefined) {
        op.requestBody = readRequestBody(ctx, rawOp.requestBody, `${opPointer}/requestBody`);
      }
      readResponses(ctx, op);
      if (operations.has(op.key)) {
        notes.push(
          `${op.method} ${path} matches another path once parameter names are ignored; the later one wins`,
        );
      }
      operations.set(op.key, op);
    }
  }
  if (isObject(root.webhooks) && Object.keys(root.webhooks).length > 0) {
    notes.push('webhooks are not compared yet');
  }
  schemas.finish();
  return {
    source: doc.label,
    openapi,
    title: typeof info.title === 'string' ? info.title : '',
    version: info.version === undefined ? '' : String(info.version),
    operations,
    paths,
    notes,
  };
}

/** `/pets/{petId}/toys/{toyId}` → `/pets/{}/toys/{}`: renaming a path parameter is not a new endpoint. */
export function normalisePath(path: string): string {
  return path.replace(/\{[^}]*\}/g, '{}');
}

function detectVersion(root: Raw, doc: Doc): string {
  if (root.swagger !== undefined) {
    if (String(root.swagger) === '2.0') return '2.0';
    throw invalid(
      doc,
      `unsupported swagger version '${String(root.swagger)}' (2.0 is supported)`,
      '/swagger',
    );
  }
  if (typeof root.openapi === 'string') {
    if (/^3\.[0-2](\.\d+)?([-+].*)?$/.test(root.openapi)) return root.openapi;
    throw invalid(
      doc,
      `unsupported openapi version '${root.openapi}' (3.0 and 3.1 are supported)`,
      '/openapi',
    );
  }
  throw invalid(doc, "not an OpenAPI document: no 'openapi' (3.x) or 'swagger' (2.0) field");
}

interface OpContext {
  doc: Doc;
  schemas: SchemaNormaliser;
  v2: boolean;
  root: Raw;
  path: string;
  pointer: string;
  op: Raw;
}

function readParameters(ctx: OpContext, op: Operation, list: Array<{ raw: unknown; pointer: string }>): void {
  const form: Array<{ p: Raw; doc: Doc }> = [];
  const templateNames = [...ctx.path.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] as string);
  for (const { raw, pointer } of list) {
    const { node: p, doc } = deref(raw, ctx.doc);
    if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') {
      throw invalid(ctx.doc, "a parameter needs a string 'name' and 'in'", pointer);
    }
    if (ctx.v2 && p.in === 'body') {
      op.requestBody = {
        required: p.required === true,
        content: new Map(
          mediaTypes(ctx, 'consumes').map((type) => [
            type,
            { schema: ctx.schemas.normalise(p.schema, doc), pointer: `${pointer}/schema` },
          ]),
        ),
        pointer,
      };
      continue;
    }
    if (ctx.v2 && p.in === 'formData') {
      form.push({ p, doc });
      continue;
    }
    // OpenAPI ignores header parameters with these names: they are described elsewhere.
    if (p.in === 'header' && IGNORED_HEADERS.has(p.name.toLowerCase())) continue;
    const key =
      p.in === 'path'
        ? `path:#${Math.max(0, templateNames.indexOf(p.name))}`
        : `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
    const param: Parameter = {
      in: p.in,
      name: p.name,
      required: p.in === 'path' || p.required === true,
      deprecated: p.deprecated === true,
      schema: ctx.schemas.normalise(ctx.v2 ? p : schemaOfParameter(p), doc),
      pointer,
    };
    // An operation's parameter overrides the path item's one with the same identity.
    op.parameters.set(key, param);
  }
  if (form.length > 0) {
    const schema = {
      type: 'object',
      properties: Object.fromEntries(form.map(({ p }) => [p.name as string, p])),
      required: form.filter(({ p }) => p.required === true).map(({ p }) => p.name as string),
    };
    const consumes = mediaTypes(ctx, 'consumes');
    const type = consumes.find((t) => t === 'multipart/form-data') ?? 'application/x-www-form-urlencoded';
    op.requestBody = {
      required: form.some(({ p }) => p.required === true),
      content: new Map([
        [
          type,
          {
            schema: ctx.schemas.normalise(schema, form[0]?.doc as Doc),
            pointer: `${ctx.pointer}/parameters`,
          },
        ],
      ]),
      pointer: `${ctx.pointer}/parameters`,
    };
  }
}

/** 3.x parameters carry `schema`, or `content` with one media type. */
function schemaOfParameter(p: Raw): unknown {
  if (p.schema !== undefined) return p.schema;
  if (isObject(p.content)) {
    const first = Object.values(p.content)[0];
    if (isObject(first)) return first.schema;
  }
  return undefined;
}

function mediaTypes(ctx: OpContext, key: 'consumes' | 'produces'): string[] {
  const list = Array.isArray(ctx.op[key])
    ? ctx.op[key]
    : Array.isArray(ctx.root[key])
      ? ctx.root[key]
      : undefined;
  const types = (list ?? []).filter((t): t is string => typeof t === 'string');
  return types.length > 0 ? types : ['application/json'];
}

function readContent(ctx: OpContext, raw: unknown, doc: Doc, pointer: string): Map<string, MediaType> {
  const out = new Map<string, MediaType>();
  if (raw === undefined) return out;
  if (!isObject(raw)) throw invalid(ctx.doc, "'content' must be an object", pointer);
  for (const [type, rawMedia] of Object.entries(raw)) {
    const { node: media, doc: mediaDoc } = deref(rawMedia, doc);
    const mediaPointer = `${pointer}/${escapePointer(type)}`;
    if (!isObject(media)) throw invalid(ctx.doc, `media type '${type}' must be an object`, mediaPointer);
    out.set(type.toLowerCase(), {
      ...(media.schema !== undefined ? { schema: ctx.schemas.normalise(media.schema, mediaDoc) } : {}),
      pointer: `${mediaPointer}/schema`,
    });
  }
  return out;
}

function readRequestBody(ctx: OpContext, raw: unknown, pointer: string): RequestBody {
  const { node, doc } = deref(raw, ctx.doc);
  if (!isObject(node)) throw invalid(ctx.doc, "'requestBody' must be an object", pointer);
  return {
    required: node.required === true,
    content: readContent(ctx, node.content, doc, `${pointer}/content`),
    pointer,
  };
}

function readResponses(ctx: OpContext, op: Operation): void {
  const raw = ctx.op.responses;
  if (raw === undefined) return;
  const pointer = `${ctx.pointer}/responses`;
  if (!isObject(raw)) throw invalid(ctx.doc, "'responses' must be an object", pointer);
  for (const [status, rawResponse] of Object.entries(raw)) {
    if (status.startsWith('x-')) continue;
    const at = `${pointer}/${escapePointer(status)}`;
    const { node: r, doc } = deref(rawResponse, ctx.doc);
    if (!isObject(r)) throw invalid(ctx.doc, `response '${status}' must be an object`, at);
    const response: Response = {
      status: status.toUpperCase(),
      content: ctx.v2
        ? new Map(
            r.schema === undefined
              ? []
              : mediaTypes(ctx, 'produces').map((type) => [
                  type,
                  { schema: ctx.schemas.normalise(r.schema, doc), pointer: `${at}/schema` },
                ]),
          )
        : readContent(ctx, r.content, doc, `${at}/content`),
      headers: new Map(),
      pointer: at,
    };
    if (isObject(r.headers)) {
      for (const [name, rawHeader] of Object.entries(r.headers)) {
        const { node: h, doc: headerDoc } = deref(rawHeader, doc);
        if (!isObject(h)) continue;
        const header: Header & { name: string } = {
          name,
          required: h.required === true,
          schema: ctx.schemas.normalise(ctx.v2 ? h : schemaOfParameter(h), headerDoc),
          pointer: `${at}/headers/${escapePointer(name)}`,
        };
        response.headers.set(name.toLowerCase(), header);
      }
    }
    op.responses.set(response.status, response);
  }
}

function securityOf(raw: unknown, doc: Doc, pointer: string): SecurityRequirement[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw invalid(doc, "'security' must be a list", pointer);
  return raw
    .filter(isObject)
    .map((req) =>
      Object.fromEntries(
        Object.entries(req).map(([scheme, scopes]) => [
          scheme,
          Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [],
        ]),
      ),
    );
}

function asList(raw: unknown, doc: Doc, pointer: string): unknown[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalid(doc, 'must be a list', pointer);
  return raw;
}

function isObject(value: unknown): value is Raw {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function invalid(doc: Doc, message: string, pointer?: string): UserError {
  return new UserError(`invalid OpenAPI document${pointer ? ` at ${pointer}` : ''}: ${message}`, {
    file: doc.label,
  });
}
