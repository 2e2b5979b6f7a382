import type { Logger } from '../../core/log.ts';
import type { Colour, RouterKind } from '../kinds.ts';

/** What a router adapter is given: where its files go, where it listens, where the colours are. */
export interface RouterContext {
  env: string;
  /** The environment's state folder; the router keeps its config, pid and logs here. */
  dir: string;
  host: string;
  listen: number;
  /** Where the colours listen. */
  upstreamHost: string;
  ports: Record<Colour, number>;
  drainTimeoutMs: number;
  binary?: string | undefined;
  directory?: string | undefined;
  api?: string | undefined;
  log: Logger;
}

/** What a router can do, stated by each adapter so docs and the flow read it instead of guessing. */
export interface RouterCapabilities {
  /** New requests move to the new colour in one step (no window where both serve). */
  atomicSwitch: boolean;
  /** The adapter observes the old colour's in-flight requests reach zero. */
  drainObserved: boolean;
  /** WebSocket upgrades are passed through. */
  websockets: boolean;
  /** The switch needs no process reload. */
  noReload: boolean;
  /** shipgate starts and stops the router process itself. */
  managed: boolean;
}

export interface SwitchReport {
  /** Whether the old colour's in-flight requests finished within the drain timeout. */
  drained: boolean;
  /** Requests in flight on the old colour when the switch happened, when observable. */
  inFlightAtSwitch?: number;
  /** Still in flight when the drain timeout ended. */
  remaining?: number;
  detail: string;
}

export interface Router {
  kind: RouterKind;
  description: string;
  capabilities: RouterCapabilities;
  /** Makes sure the router runs and sends traffic to `colour` (starting it if needed). */
  ensure(ctx: RouterContext, colour: Colour): Promise<void>;
  /** Points new traffic at `to` and drains `from`. */
  switchTo(ctx: RouterContext, to: Colour): Promise<SwitchReport>;
  /** The colour traffic goes to, as the router itself reports it; undefined when it is not running. */
  active(ctx: RouterContext): Promise<Colour | undefined>;
  stop(ctx: RouterContext): Promise<void>;
}

export function routerUrl(ctx: Pick<RouterContext, 'host' | 'listen'>): string {
  const host = ctx.host.includes(':') ? `[${ctx.host}]` : ctx.host;
  return `http://${host}:${ctx.listen}`;
}
