import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { UserError } from '../../core/errors.ts';
import { writeFileAtomic } from '../../core/fs.ts';
import { httpExchange } from '../../core/http.ts';
import { sleep } from '../detached.ts';
import { COLOURS, type Colour } from '../kinds.ts';
import type { Router, RouterContext } from './router.ts';

/**
 * Traefik's file provider as the switch: one `weighted` service whose two children are the
 * colours (100/0 → 0/100), written atomically (temp file + rename) *inside* the watched directory —
 * a bind-mounted single file often misses change events. Traefik runs on its own (its entry point
 * is static configuration); when its API is reachable the switch is verified there, and it is
 * given the provider throttle (2 s) plus a margin to apply the file.
 */
export const TRAEFIK_THROTTLE_MS = 2000;

const names = (ctx: Pick<RouterContext, 'env'>) => {
  const base = `shipgate-${ctx.env}`;
  return { router: base, service: base, colour: (c: Colour) => `${base}-${c}` };
};

export function traefikFile(ctx: Pick<RouterContext, 'env' | 'dir' | 'directory'>): string {
  return join(resolve(ctx.directory ?? join(ctx.dir, 'traefik')), `shipgate-${ctx.env}.yaml`);
}

export function traefikDynamicConfig(
  ctx: RouterContext,
  active: Colour,
  healthPath = '/health',
): Record<string, unknown> {
  const n = names(ctx);
  const services: Record<string, unknown> = {
    [n.service]: {
      weighted: {
        services: COLOURS.map((c) => ({ name: n.colour(c), weight: c === active ? 100 : 0 })),
        // a child with every server down is left out by the parent
        healthCheck: {},
      },
    },
  };
  for (const c of COLOURS) {
    services[n.colour(c)] = {
      loadBalancer: {
        servers: [{ url: `http://${ctx.upstreamHost}:${ctx.ports[c]}` }],
        healthCheck: { path: healthPath, interval: '2s', timeout: '1s' },
        passHostHeader: true,
      },
    };
  }
  return {
    http: {
      routers: { [n.router]: { rule: 'PathPrefix(`/`)', service: n.service } },
      services,
    },
  };
}

function activeInFile(file: string): Colour | undefined {
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, 'utf8')) as {
    http?: {
      services?: Record<string, { weighted?: { services?: Array<{ name: string; weight: number }> } }>;
    };
  };
  const weighted = Object.values(doc.http?.services ?? {}).find((s) => s.weighted)?.weighted?.services ?? [];
  const on = weighted.filter((s) => s.weight > 0);
  return on.length === 1 ? (COLOURS.find((c) => on[0]?.name.endsWith(`-${c}`)) as Colour) : undefined;
}

async function verifyApi(ctx: RouterContext, to: Colour): Promise<string> {
  if (!ctx.api) return 'written; Traefik API not configured, verified through the router only';
  const n = names(ctx);
  const deadline = Date.now() + TRAEFIK_THROTTLE_MS + 8000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await httpExchange(`${ctx.api.replace(/\/+$/, '')}/api/http/services/${n.service}@file`, {
        timeoutMs: 2000,
      });
      const weighted = (
        res.json as { weighted?: { services?: Array<{ name: string; weight: number }> } } | undefined
      )?.weighted?.services;
      const on = weighted?.find((s) => s.weight > 0)?.name ?? '';
      if (res.status === 200 && on.startsWith(n.colour(to))) return `Traefik's API shows ${on} weighted`;
      last = `HTTP ${res.status}, weighted to ${on || 'nothing'}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(250);
  }
  throw new UserError(`Traefik did not apply the switch to ${to}: ${last}`, {
    hint: 'is the directory watched by providers.file.directory?',
  });
}

export const traefikRouter: Router = {
  kind: 'traefik',
  description:
    'file provider: a weighted service written atomically into the watched directory, verified via the API',
  capabilities: {
    atomicSwitch: true,
    drainObserved: false,
    websockets: true,
    noReload: true,
    managed: false,
  },
  async ensure(ctx, colour) {
    if (activeInFile(traefikFile(ctx)) !== colour) await this.switchTo(ctx, colour);
  },
  async switchTo(ctx, to) {
    writeFileAtomic(traefikFile(ctx), stringify(traefikDynamicConfig(ctx, to)));
    const detail = await verifyApi(ctx, to);
    return { drained: true, detail };
  },
  async active(ctx) {
    return activeInFile(traefikFile(ctx));
  },
  async stop() {
    // Traefik is not shipgate's process; its file stays so it keeps serving the last colour
  },
};
