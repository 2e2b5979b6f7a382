import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/fs.ts';
import { treeOf } from '../../testmetrics/process-tree.ts';
import { isAlive, sleep, stopProcess } from '../detached.ts';
import type { Colour } from '../kinds.ts';
import type { Router, RouterContext } from './router.ts';
import { readPidFile, requireBinary, runTool } from './tools.ts';

/**
 * nginx as the switch: the upstream lives in an include file; a switch rewrites it atomically,
 * checks the whole configuration with `nginx -t`, and reloads. nginx keeps the old configuration
 * when a reload fails, and its old workers finish their requests; `worker_shutdown_timeout` bounds
 * how long long-lived connections may pin them (unbounded by default). OSS nginx has no active
 * health checks, so the health gate stays shipgate's.
 */
const paths = (ctx: RouterContext) => {
  const root = join(ctx.dir, 'nginx');
  return {
    root,
    conf: join(root, 'nginx.conf'),
    upstream: join(root, 'upstream.conf'),
    pid: join(root, 'nginx.pid'),
    errorLog: join(root, 'error.log'),
    temp: join(root, 'tmp'),
  };
};

export function nginxUpstream(ctx: Pick<RouterContext, 'upstreamHost' | 'ports'>, colour: Colour): string {
  return `# colour: ${colour} — written by shipgate deploy; replaced atomically on every switch\nserver ${ctx.upstreamHost}:${ctx.ports[colour]};\n`;
}

export function nginxConfig(ctx: RouterContext): string {
  const p = paths(ctx);
  const host = ctx.host.includes(':') ? `[${ctx.host}]` : ctx.host;
  const runAsRoot = process.getuid?.() === 0;
  return `# nginx configuration of the ${ctx.env} environment, written by shipgate deploy
${runAsRoot ? 'user nobody nogroup;\n' : ''}worker_processes 1;
daemon on;
pid ${p.pid};
error_log ${p.errorLog} warn;
# bounds how long old workers live after a reload (keep-alive and WebSocket clients pin them)
worker_shutdown_timeout ${Math.ceil(ctx.drainTimeoutMs / 1000)}s;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${p.temp}/body;
  proxy_temp_path ${p.temp}/proxy;
  fastcgi_temp_path ${p.temp}/fastcgi;
  uwsgi_temp_path ${p.temp}/uwsgi;
  scgi_temp_path ${p.temp}/scgi;
  upstream shipgate_${ctx.env.replace(/[^A-Za-z0-9_]/g, '_')} {
    include ${p.upstream};
    keepalive 32;
  }
  map $http_upgrade $shipgate_connection { default upgrade; '' ''; }
  server {
    listen ${host}:${ctx.listen};
    location / {
      proxy_pass http://shipgate_${ctx.env.replace(/[^A-Za-z0-9_]/g, '_')};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $shipgate_connection;
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`;
}

/** Worker processes of the nginx master (Linux /proc): a reload is done when the old ones are gone. */
export function childPids(master: number): number[] {
  return treeOf(master).filter((p) => p !== master);
}

function activeFromFile(file: string): Colour | undefined {
  if (!existsSync(file)) return undefined;
  const m = /# colour: (blue|green)/.exec(readFileSync(file, 'utf8'));
  return m ? (m[1] as Colour) : undefined;
}

export const nginxRouter: Router = {
  kind: 'nginx',
  description: 'an upstream include file, checked with nginx -t, applied by a graceful reload',
  capabilities: { atomicSwitch: true, drainObserved: true, websockets: true, noReload: false, managed: true },
  async ensure(ctx, colour) {
    const p = paths(ctx);
    const binary = requireBinary('nginx', ctx.binary);
    if (isAlive(readPidFile(p.pid))) {
      if (activeFromFile(p.upstream) !== colour) await this.switchTo(ctx, colour);
      return;
    }
    for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
      mkdirSync(join(p.temp, d), { recursive: true });
    writeFileAtomic(p.upstream, nginxUpstream(ctx, colour));
    writeFileAtomic(p.conf, nginxConfig(ctx));
    const test = await runTool(binary, ['-t', '-p', p.root, '-c', p.conf]);
    if (test.code !== 0)
      throw new UserError(`nginx -t rejected the configuration: ${test.output.split('\n').at(-1)}`);
    const start = await runTool(binary, ['-p', p.root, '-c', p.conf]);
    if (start.code !== 0) throw new UserError(`nginx did not start: ${start.output.split('\n').at(-1)}`);
    const deadline = Date.now() + 5000;
    while (!isAlive(readPidFile(p.pid)) && Date.now() < deadline) await sleep(25);
    if (!isAlive(readPidFile(p.pid))) throw new UserError(`nginx did not start (see ${p.errorLog})`);
  },
  async switchTo(ctx, to) {
    const p = paths(ctx);
    const binary = requireBinary('nginx', ctx.binary);
    const previous = existsSync(p.upstream) ? readFileSync(p.upstream, 'utf8') : undefined;
    writeFileAtomic(p.upstream, nginxUpstream(ctx, to));
    const test = await runTool(binary, ['-t', '-p', p.root, '-c', p.conf]);
    if (test.code !== 0) {
      if (previous !== undefined) writeFileAtomic(p.upstream, previous);
      throw new UserError(
        `nginx -t rejected the new upstream; nothing was reloaded: ${test.output.split('\n').at(-1)}`,
      );
    }
    const master = readPidFile(p.pid);
    const oldWorkers = master ? childPids(master) : [];
    const reload = await runTool(binary, ['-p', p.root, '-c', p.conf, '-s', 'reload']);
    if (reload.code !== 0) {
      if (previous !== undefined) writeFileAtomic(p.upstream, previous);
      throw new UserError(`nginx reload failed: ${reload.output.split('\n').at(-1)}`);
    }
    // `-s reload` only signals the master: the switch is done when new workers run and the old
    // ones, which still route to the old colour, have finished their requests and exited
    const started = Date.now();
    const deadline = started + ctx.drainTimeoutMs + 2000;
    const pending = () => oldWorkers.filter((w) => isAlive(w));
    const newWorkers = () => (master ? childPids(master).filter((w) => !oldWorkers.includes(w)) : []);
    while ((pending().length > 0 || newWorkers().length === 0) && Date.now() < deadline) await sleep(20);
    const remaining = pending().length;
    return {
      drained: remaining === 0,
      remaining,
      detail: `reloaded; ${oldWorkers.length} old worker(s) ${remaining === 0 ? 'finished' : `${remaining} still running`} after ${Date.now() - started} ms`,
    };
  },
  async active(ctx) {
    const p = paths(ctx);
    return isAlive(readPidFile(p.pid)) ? activeFromFile(p.upstream) : undefined;
  },
  async stop(ctx) {
    const p = paths(ctx);
    const pid = readPidFile(p.pid);
    if (!isAlive(pid)) return;
    // SIGQUIT is nginx's graceful shutdown; the master waits for its workers
    try {
      process.kill(pid as number, 'SIGQUIT');
    } catch {
      return;
    }
    const deadline = Date.now() + ctx.drainTimeoutMs + 2000;
    while (isAlive(pid) && Date.now() < deadline) await sleep(25);
    await stopProcess(pid, 1000);
  },
};
