import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/fs.ts';
import { isAlive, sleep, stopProcess } from '../detached.ts';
import { COLOURS, type Colour, otherColour } from '../kinds.ts';
import type { Router, RouterContext } from './router.ts';
import { readPidFile, requireBinary, runTool } from './tools.ts';

/**
 * HAProxy as the switch, without reloads: both colours are servers of one backend; the runtime
 * API on the admin socket sets the new one `ready` and the old one `drain`, then `show stat`'s
 * `scur` (current sessions) is polled to zero before the old one goes to `maint`. Runtime changes
 * live in memory and are lost on a restart, so the configuration file is rewritten with the
 * active colour too: a restarted HAProxy comes back serving the right colour.
 */
const BACKEND = 'app';

const paths = (ctx: RouterContext) => {
  const root = join(ctx.dir, 'haproxy');
  return {
    root,
    conf: join(root, 'haproxy.cfg'),
    pid: join(root, 'haproxy.pid'),
    socket: join(root, 'admin.sock'),
  };
};

export function haproxyConfig(ctx: RouterContext, active: Colour): string {
  const p = paths(ctx);
  const host = ctx.host.includes(':') ? `[${ctx.host}]` : ctx.host;
  const server = (c: Colour) =>
    `  server ${c} ${ctx.upstreamHost}:${ctx.ports[c]} weight 100${c === active ? '' : ' disabled'}`;
  return `# HAProxy configuration of the ${ctx.env} environment, written by shipgate deploy
global
  daemon
  pidfile ${p.pid}
  stats socket ${p.socket} mode 600 level admin
  hard-stop-after ${Math.ceil(ctx.drainTimeoutMs / 1000)}s

defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 5s
  timeout tunnel 1h

frontend shipgate
  bind ${host}:${ctx.listen}
  default_backend ${BACKEND}

backend ${BACKEND}
  balance roundrobin
${COLOURS.map(server).join('\n')}
`;
}

/** One runtime API command over the admin socket; HAProxy answers and closes. */
export function haproxyCommand(socket: string, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let out = '';
    const timer = setTimeout(() => conn.destroy(new Error(`haproxy did not answer "${command}"`)), timeoutMs);
    conn.on('connect', () => conn.write(`${command}\n`));
    conn.on('data', (d) => {
      out += d;
    });
    conn.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    conn.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

export interface ServerStat {
  name: string;
  status: string;
  /** Current sessions. */
  scur: number;
}

/** Parses `show stat` CSV for the backend's servers. */
export function parseShowStat(csv: string): ServerStat[] {
  const lines = csv.trim().split('\n');
  const header = (lines[0] ?? '').replace(/^# /, '').split(',');
  const col = (name: string) => header.indexOf(name);
  const [px, sv, scur, status] = [col('pxname'), col('svname'), col('scur'), col('status')];
  const out: ServerStat[] = [];
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (f[px] !== BACKEND || f[sv] === 'BACKEND' || f[sv] === 'FRONTEND') continue;
    out.push({ name: f[sv] as string, status: f[status] ?? '', scur: Number(f[scur] ?? 0) });
  }
  return out;
}

async function stats(ctx: RouterContext): Promise<ServerStat[]> {
  return parseShowStat(await haproxyCommand(paths(ctx).socket, 'show stat'));
}

const SERVING = (s: ServerStat) => !/MAINT|DRAIN/.test(s.status);

export const haproxyRouter: Router = {
  kind: 'haproxy',
  description:
    'runtime API over the admin socket: server state and weight without a reload; drain seen in show stat',
  capabilities: { atomicSwitch: true, drainObserved: true, websockets: true, noReload: true, managed: true },
  async ensure(ctx, colour) {
    const p = paths(ctx);
    if (isAlive(readPidFile(p.pid)) && existsSync(p.socket)) {
      if ((await this.active(ctx)) !== colour) await this.switchTo(ctx, colour);
      return;
    }
    const binary = requireBinary('haproxy', ctx.binary);
    writeFileAtomic(p.conf, haproxyConfig(ctx, colour));
    const check = await runTool(binary, ['-c', '-q', '-f', p.conf]);
    if (check.code !== 0) throw new UserError(`haproxy -c rejected the configuration: ${check.output}`);
    const start = await runTool(binary, ['-f', p.conf]);
    if (start.code !== 0) throw new UserError(`haproxy did not start: ${start.output.split('\n').at(-1)}`);
    const deadline = Date.now() + 5000;
    while (!(isAlive(readPidFile(p.pid)) && existsSync(p.socket)) && Date.now() < deadline) await sleep(25);
    if (!isAlive(readPidFile(p.pid))) throw new UserError('haproxy did not start');
  },
  async switchTo(ctx, to) {
    const p = paths(ctx);
    const from = otherColour(to);
    const say = async (cmd: string) => {
      const out = (await haproxyCommand(p.socket, cmd)).trim();
      if (out) throw new UserError(`haproxy refused "${cmd}": ${out}`);
    };
    await say(`set server ${BACKEND}/${to} state ready`);
    await say(`set server ${BACKEND}/${from} state drain`);
    // persisted too, so a restart does not bring back the old colour
    writeFileAtomic(p.conf, haproxyConfig(ctx, to));
    const started = Date.now();
    const atSwitch = (await stats(ctx)).find((s) => s.name === from)?.scur ?? 0;
    let remaining = atSwitch;
    while (remaining > 0 && Date.now() - started < ctx.drainTimeoutMs) {
      await sleep(50);
      remaining = (await stats(ctx)).find((s) => s.name === from)?.scur ?? 0;
    }
    await say(`set server ${BACKEND}/${from} state maint`);
    return {
      drained: remaining === 0,
      inFlightAtSwitch: atSwitch,
      remaining,
      detail: `${atSwitch} sessions on ${from} at the switch, ${remaining} left after ${Date.now() - started} ms`,
    };
  },
  async active(ctx) {
    const p = paths(ctx);
    if (!isAlive(readPidFile(p.pid)) || !existsSync(p.socket)) return undefined;
    try {
      const serving = (await stats(ctx)).filter(SERVING);
      return serving.length === 1 ? (serving[0]?.name as Colour) : undefined;
    } catch {
      return undefined;
    }
  },
  async stop(ctx) {
    await stopProcess(readPidFile(paths(ctx).pid), ctx.drainTimeoutMs + 2000);
  },
};
