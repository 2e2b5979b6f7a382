import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/fs.ts';
import { siblingModule } from '../../core/modules.ts';
import { isAlive, sleep, spawnDetached, stopProcess } from '../detached.ts';
import type { Colour } from '../kinds.ts';
import type { ProxySettings, ProxyStats } from './builtin-proxy.ts';
import type { Router, RouterContext } from './router.ts';
import { readPidFile } from './tools.ts';

const MAIN = siblingModule(import.meta.url, './builtin-main');

const files = (ctx: RouterContext) => ({
  settings: join(ctx.dir, 'builtin-router.json'),
  pid: join(ctx.dir, 'router.pid'),
  log: join(ctx.dir, 'router.log'),
  admin: join(ctx.dir, 'router.sock'),
});

function adminRequest<T>(socket: string, method: string, path: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as T);
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('admin request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The router's own view, or undefined when it does not answer. */
export async function builtinStats(ctx: RouterContext): Promise<ProxyStats | undefined> {
  const f = files(ctx);
  if (!isAlive(readPidFile(f.pid)) || !existsSync(f.admin)) return undefined;
  try {
    return await adminRequest<ProxyStats>(f.admin, 'GET', '/state', 2000);
  } catch {
    return undefined;
  }
}

export const builtinRouter: Router = {
  kind: 'builtin',
  description: "shipgate's own reverse proxy, a background process controlled over a local Unix socket",
  capabilities: { atomicSwitch: true, drainObserved: true, websockets: true, noReload: true, managed: true },
  async ensure(ctx, colour) {
    const f = files(ctx);
    const stats = await builtinStats(ctx);
    if (stats) {
      if (stats.active !== colour) await this.switchTo(ctx, colour);
      return;
    }
    const settings: ProxySettings = {
      host: ctx.host,
      listen: ctx.listen,
      upstreamHost: ctx.upstreamHost,
      ports: ctx.ports,
      active: colour,
      drainTimeoutMs: ctx.drainTimeoutMs,
      admin: f.admin,
    };
    writeFileAtomic(f.settings, `${JSON.stringify(settings, null, 2)}\n`);
    const pid = spawnDetached([process.execPath, MAIN, f.settings], { log: f.log });
    writeFileAtomic(f.pid, `${pid}\n`);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) break;
      if (await builtinStats(ctx)) return;
      await sleep(50);
    }
    const tail = existsSync(f.log)
      ? readFileSync(f.log, 'utf8').trim().split('\n').slice(-3).join(' | ')
      : '';
    await stopProcess(pid, 1000);
    throw new UserError(
      `the builtin router did not start on ${ctx.host}:${ctx.listen}${tail ? `: ${tail}` : ''}`,
      {
        hint: 'is the port free?',
      },
    );
  },
  async switchTo(ctx, to: Colour) {
    const f = files(ctx);
    const r = await adminRequest<{
      drained: boolean;
      inFlightAtSwitch: number;
      remaining: number;
      waitedMs: number;
    }>(f.admin, 'POST', `/switch?colour=${to}`, ctx.drainTimeoutMs + 10_000);
    return {
      drained: r.drained,
      inFlightAtSwitch: r.inFlightAtSwitch,
      remaining: r.remaining,
      detail: `${r.inFlightAtSwitch} in flight on the old colour, ${r.drained ? 'drained' : `${r.remaining} still open`} after ${r.waitedMs} ms`,
    };
  },
  async active(ctx) {
    return (await builtinStats(ctx))?.active;
  },
  async stop(ctx) {
    await stopProcess(readPidFile(files(ctx).pid), ctx.drainTimeoutMs + 2000);
  },
};
