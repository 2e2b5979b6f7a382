import type { RouterKind } from '../kinds.ts';
import { builtinRouter } from './builtin.ts';
import { haproxyRouter } from './haproxy.ts';
import { nginxRouter } from './nginx.ts';
import type { Router } from './router.ts';
import { traefikRouter } from './traefik.ts';

/** Every router; adding one is a module and a row. */
export const ROUTERS: Record<RouterKind, Router> = {
  builtin: builtinRouter,
  traefik: traefikRouter,
  nginx: nginxRouter,
  haproxy: haproxyRouter,
};
