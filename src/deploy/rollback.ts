import { UserError } from '../core/errors.ts';
import { isAlive, stopProcess } from './detached.ts';
import { colourUrl, type DeployEnvironment, healthSpec, loadState, targetContext } from './environment.ts';
import { checkOnce } from './health.ts';
import { otherColour } from './kinds.ts';
import { type DeployReport, runDeploy } from './run.ts';
import { writeState } from './state.ts';

/**
 * `shipgate rollback [VERSION]`: back to the previous colour at once while it still runs (it is
 * re-verified through the health gate, never assumed healthy); otherwise the named — or the last
 * successfully deployed — earlier version is started through the whole flow.
 */
export async function runRollback(e: DeployEnvironment, version?: string): Promise<DeployReport> {
  const state = loadState(e);
  if (!state.active)
    throw new UserError(`nothing is deployed to ${e.name}`, { hint: 'deploy a version first' });
  const current = state.colours[state.active];
  const idleColour = otherColour(state.active);
  const idle = state.colours[idleColour];
  const last = (await e.store.list(e.name, 1))[0];
  const rollbackOf = last?.id;
  const warm =
    idle !== undefined &&
    (version === undefined || version === idle.version) &&
    (await e.target.alive(targetContext(e, idleColour, idle.version), idle));
  if (warm && idle) {
    if (state.retirePid) {
      await stopProcess(state.retirePid, 1000);
      delete state.retirePid;
      writeState(e.dir, state);
    }
    return runDeploy(e, idle.version, {
      action: 'rollback',
      warm: true,
      ...(rollbackOf ? { rollbackOf } : {}),
    });
  }
  const target = version ?? (await previousGoodVersion(e, current?.version));
  if (!target) {
    throw new UserError(`no earlier version of ${e.name} to roll back to`, {
      hint: 'name one: shipgate rollback VERSION --env NAME',
    });
  }
  return runDeploy(e, target, { action: 'rollback', ...(rollbackOf ? { rollbackOf } : {}) });
}

/** The newest version that deployed successfully and is not the one serving now. */
async function previousGoodVersion(
  e: DeployEnvironment,
  serving: string | undefined,
): Promise<string | undefined> {
  const deploys = await e.store.list(e.name, 200);
  return deploys.find((d) => d.outcome === 'succeeded' && d.version !== serving)?.version;
}

/** Whether a colour's process runs and answers its health check now. */
export async function colourHealthy(e: DeployEnvironment, colour: 'blue' | 'green'): Promise<boolean> {
  const state = loadState(e);
  const instance = state.colours[colour];
  if (!instance) return false;
  if (instance.pid !== undefined && !isAlive(instance.pid)) return false;
  const r = await checkOnce(colourUrl(e, colour) + e.config.health.path, healthSpec(e));
  return r.ok;
}
