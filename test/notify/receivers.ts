import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for Slack's and GitHub's servers: they check what the real ones check (body
 * shape, Block Kit limits, auth and API-version headers, endpoints) and answer as they answer,
 * so a message these accept is one the real service would accept.
 */
export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** While true, every request gets a 503 (the service is down). */
  down: boolean;
  close(): Promise<void>;
}

async function listen(handler: (req: Received, res: ServerResponse) => void): Promise<Receiver> {
  const receiver: Receiver = { url: '', received: [], down: false, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      if (receiver.down) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('service unavailable');
        return;
      }
      receiver.received.push(r);
      handler(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider', 'actions', 'image', 'rich_text']);

/** What Slack's incoming-webhook endpoint rejects, with the error strings it answers. */
export function slackProblem(body: string): string | undefined {
  let payload: { text?: unknown; blocks?: unknown };
  try {
    payload = JSON.parse(body);
  } catch {
    return 'invalid_payload';
  }
  if (!payload || typeof payload !== 'object') return 'invalid_payload';
  if (payload.blocks === undefined && (typeof payload.text !== 'string' || payload.text === ''))
    return 'no_text';
  if (payload.blocks !== undefined) {
    if (!Array.isArray(payload.blocks) || payload.blocks.length > 50) return 'invalid_blocks';
    for (const block of payload.blocks as Array<Record<string, unknown>>) {
      if (!block || typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) return 'invalid_blocks';
      const text = block.text as { type?: string; text?: unknown } | undefined;
      if (block.type === 'header') {
        if (
          text?.type !== 'plain_text' ||
          typeof text.text !== 'string' ||
          text.text.length > 150 ||
          text.text === ''
        )
          return 'invalid_blocks';
      }
      if (block.type === 'section') {
        if (!text || (text.type !== 'mrkdwn' && text.type !== 'plain_text') || typeof text.text !== 'string')
          return 'invalid_blocks';
        if (text.text.length > 3000 || text.text === '') return 'invalid_blocks';
      }
      if (block.type === 'context') {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10)
          return 'invalid_blocks';
      }
    }
  }
  return undefined;
}

export function slackReceiver(): Promise<Receiver> {
  return listen((req, res) => {
    if (req.method !== 'POST' || !req.path.startsWith('/services/')) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('no_service');
      return;
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      res.writeHead(400, { 'content-type': 'text/html' });
      res.end('invalid_payload');
      return;
    }
    const problem = slackProblem(req.body);
    res.writeHead(problem ? 400 : 200, { 'content-type': 'text/html' });
    res.end(problem ?? 'ok');
  });
}

export interface GithubReceiver extends Receiver {
  comments: Map<number, { id: number; body: string }>;
}

/** The issue-comment endpoints of GitHub's REST API for one repository and PR. */
export async function githubReceiver(repo: string, pr: number, token: string): Promise<GithubReceiver> {
  const comments = new Map<number, { id: number; body: string }>();
  let nextId = 1000;
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };
  const receiver = await listen((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return json(res, 401, { message: 'Bad credentials' });
    if (req.headers['x-github-api-version'] !== '2022-11-28')
      return json(res, 400, { message: 'Unsupported API version' });
    if (!String(req.headers['user-agent'] ?? ''))
      return json(res, 403, { message: 'Request forbidden: no User-Agent' });
    const url = new URL(req.path, 'http://x');
    const list = `/repos/${repo}/issues/${pr}/comments`;
    const one = new RegExp(`^/repos/${repo}/issues/comments/(\\d+)$`).exec(url.pathname);
    if (url.pathname === list && req.method === 'GET') {
      const page = Number(url.searchParams.get('page') ?? 1);
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      return json(res, 200, [...comments.values()].slice((page - 1) * perPage, page * perPage));
    }
    const body = (() => {
      try {
        return JSON.parse(req.body) as { body?: unknown };
      } catch {
        return undefined;
      }
    })();
    if ((url.pathname === list && req.method === 'POST') || (one && req.method === 'PATCH')) {
      if (typeof body?.body !== 'string' || body.body === '')
        return json(res, 422, { message: 'Validation Failed' });
      if (body.body.length > 65536)
        return json(res, 422, { message: 'body is too long (maximum is 65536 characters)' });
      if (one) {
        const existing = comments.get(Number(one[1]));
        if (!existing) return json(res, 404, { message: 'Not Found' });
        existing.body = body.body;
        return json(res, 200, existing);
      }
      const created = { id: nextId++, body: body.body };
      comments.set(created.id, created);
      return json(res, 201, created);
    }
    return json(res, 404, { message: 'Not Found' });
  });
  return Object.assign(receiver, { comments });
}

/** Any JSON endpoint that answers 200: the seed's monitoring webhook, Alertmanager's API stand-in. */
export function jsonReceiver(status = 200): Promise<Receiver> {
  return listen((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{}');
  });
}
