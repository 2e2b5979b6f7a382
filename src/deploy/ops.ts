import { UserError } from '../core/errors.ts';
import { isAlive, stopProcess } from './detached.ts';
import { colourUrl, type DeployEnvironment, healthSpec, loadState, targetContext } from './environment.ts';
import { checkOnce } from './health.ts';
import { holderIsDead } from './journal.ts';
import { COLOURS, type Colour } from './kinds.ts';
import { writeState } from './state.ts';

export interface ColourStatus {
  colour: Colour;
  version: string;
  port: number;
  running: boolean;
  healthy: boolean;
  active: boolean;
  retireAt?: string;
}

export interface StatusReport {
  env: string;
  router: { kind: string; running: boolean; active?: Colour };
  active?: Colour;
  colours: ColourStatus[];
  lock?: { deployId: number; owner: string; pid: number; host: string; since: string; dead: boolean };
  /** The state file and the router agree, and the active colour is healthy. */
  consistent: boolean;
  problems: string[];
}

export async function deployStatus(e: DeployEnvironment): Promise<StatusReport> {
  const state = loadState(e);
  const routerActive = await e.router.active(e.routerContext);
  const colours: ColourStatus[] = [];
  for (const c of COLOURS) {
    const instance = state.colours[c];
    if (!instance) continue;
    const running = await e.target.alive(targetContext(e, c, instance.version), instance);
    const healthy = running && (await checkOnce(colourUrl(e, c) + e.config.health.path, healthSpec(e))).ok;
    colours.push({
      colour: c,
      version: instance.version,
      port: instance.port,
      running,
      healthy,
      active: state.active === c,
      ...(instance.retireAt ? { retireAt: instance.retireAt } : {}),
    });
  }
  const lock = await e.store.lock(e.name);
  const problems: string[] = [];
  if (lock && holderIsDead(lock)) {
    problems.push(
      `deploy #${lock.deployId} died holding the lock: run \`shipgate deploy recover --env ${e.name}\``,
    );
  }
  if (state.active && routerActive !== state.active) {
    problems.push(`the router serves ${routerActive ?? 'nothing'} but ${state.active} should be active`);
  }
  const activeStatus = colours.find((c) => c.active);
  if (state.active && !activeStatus?.healthy)
    problems.push(`the active colour ${state.active} is not healthy`);
  return {
    env: e.name,
    router: {
      kind: e.router.kind,
      running: routerActive !== undefined,
      ...(routerActive ? { active: routerActive } : {}),
    },
    ...(state.active ? { active: state.active } : {}),
    colours,
    ...(lock
      ? {
          lock: {
            deployId: lock.deployId,
            owner: lock.owner,
            pid: lock.pid,
            host: lock.host,
            since: lock.acquiredAt.toISOString(),
            dead: holderIsDead(lock),
          },
        }
      : {}),
    consistent: problems.length === 0,
    problems,
  };
}

/** `shipgate deploy down`: stops the router and both colours, and forgets what ran. */
export async function deployDown(e: DeployEnvironment): Promise<{ stopped: string[] }> {
  const lock = await e.store.lock(e.name);
  if (lock && !holderIsDead(lock)) {
    throw new UserError(`deploy #${lock.deployId} of ${e.name} is running`, {
      hint: 'wait for it to finish',
    });
  }
  const state = loadState(e);
  const stopped: string[] = [];
  if (state.retirePid && isAlive(state.retirePid)) await stopProcess(state.retirePid, 1000);
  if ((await e.router.active(e.routerContext)) !== undefined || e.router.capabilities.managed) {
    await e.router.stop(e.routerContext);
    stopped.push(`${e.router.kind} router`);
  }
  for (const c of COLOURS) {
    const instance = state.colours[c];
    if (!instance) continue;
    await e.target.stop(targetContext(e, c, instance.version), instance);
    stopped.push(`${c} (${instance.version})`);
  }
  if (lock) await e.store.release(e.name, lock.deployId);
  writeState(e.dir, { env: e.name, target: e.config.target, router: e.config.router.kind, colours: {} });
  return { stopped };
}
