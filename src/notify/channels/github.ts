import { readFileSync } from 'node:fs';
import { httpExchange } from '../../core/http.ts';
import { redact, registerSecret } from '../../core/redact.ts';
import { alertLines, type Message } from '../message.ts';
import { postJson } from './http.ts';
import { type Channel, type ChannelContext, DeliveryError, isPermanentStatus } from './types.ts';

/** Marks the one comment shipgate owns on a pull request, so it is edited rather than added again. */
export const STICKY_MARKER = '<!-- shipgate:monitor -->';
const API_VERSION = '2022-11-28';
const MAX_PAGES = 10;

interface Target {
  api: string;
  repository: string;
  pullRequest: number;
  token: string;
}

/**
 * A sticky pull-request comment: the first message creates it, later ones edit it in place, so a
 * PR shows the current state of its alerts instead of a stack of comments.
 */
export const githubChannel: Channel = {
  name: 'github',
  configured: (ctx) => target(ctx) !== undefined,
  describe: (ctx) => {
    const t = target(ctx);
    return t ? `GitHub ${t.repository}#${t.pullRequest}` : 'GitHub pull request (not configured)';
  },
  async send(message, ctx) {
    const t = target(ctx);
    if (!t) {
      throw new DeliveryError(
        'GitHub needs a repository, a pull request number and a token (GITHUB_REPOSITORY, the PR event, GITHUB_TOKEN)',
        true,
      );
    }
    const headers = {
      accept: 'application/vnd.github+json',
      authorization: `Bearer ${t.token}`,
      'x-github-api-version': API_VERSION,
    };
    const body = { body: commentBody(message) };
    const existing = await findSticky(t, headers);
    if (existing !== undefined) {
      await postJson(`${t.api}/repos/${t.repository}/issues/comments/${existing}`, body, {
        method: 'PATCH',
        headers,
      });
    } else {
      await postJson(`${t.api}/repos/${t.repository}/issues/${t.pullRequest}/comments`, body, { headers });
    }
  },
};

async function findSticky(t: Target, headers: Record<string, string>): Promise<number | undefined> {
  for (let page = 1; page <= MAX_PAGES; page++) {
    let res: Awaited<ReturnType<typeof httpExchange>>;
    try {
      res = await httpExchange(
        `${t.api}/repos/${t.repository}/issues/${t.pullRequest}/comments?per_page=100&page=${page}`,
        { headers: { ...headers, 'user-agent': 'shipgate' }, timeoutMs: 10_000 },
      );
    } catch (e) {
      throw new DeliveryError(redact((e as Error).message));
    }
    if (res.status !== 200) {
      throw new DeliveryError(
        redact(`HTTP ${res.status}: ${res.text.slice(0, 200)}`),
        isPermanentStatus(res.status),
      );
    }
    const comments = Array.isArray(res.json) ? (res.json as Array<{ id?: unknown; body?: unknown }>) : [];
    const mine = comments.find((c) => typeof c.body === 'string' && c.body.includes(STICKY_MARKER));
    if (mine && typeof mine.id === 'number') return mine.id;
    if (comments.length < 100) return undefined;
  }
  return undefined;
}

export function commentBody(message: Message): string {
  const lines = message.alerts.length > 0 ? alertLines(message).map((l) => `- ${l}`) : [message.text];
  return [
    STICKY_MARKER,
    `### ${message.title}`,
    '',
    ...lines,
    '',
    `<sub>shipgate · ${message.createdAt}</sub>`,
  ].join('\n');
}

function target(ctx: ChannelContext): Target | undefined {
  const g = ctx.config.notify.github;
  const token = ctx.env[g.tokenEnv];
  const repository = g.repository ?? ctx.env.GITHUB_REPOSITORY;
  const pullRequest = g.pullRequest ?? pullRequestFromEnv(ctx.env);
  if (!token || !repository || !pullRequest) return undefined;
  registerSecret(token);
  return { api: g.apiUrl.replace(/\/+$/, ''), repository, pullRequest, token };
}

/** From the Actions event payload, or `refs/pull/N/merge`. */
function pullRequestFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const ref = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '');
  if (ref) return Number(ref[1]);
  if (!env.GITHUB_EVENT_PATH) return undefined;
  try {
    const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
    const n = event?.pull_request?.number ?? event?.number;
    return typeof n === 'number' ? n : undefined;
  } catch {
    return undefined;
  }
}
