import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileError, UserError } from '../core/errors.ts';
import { writeFileAtomic } from '../core/fs.ts';
import type { Colour, RouterKind, TargetKind } from './kinds.ts';

/**
 * What runs where, per environment, in `<stateDir>/<env>/state.json`: the desired state shipgate
 * reconciles the router and colours with (kamal-proxy's lesson: persist on every change). The
 * journal in the store says what happened; this file says what is running now.
 */
export interface ColourInstance {
  version: string;
  port: number;
  pid?: number;
  startedAt: string;
  /** When the keep-old window of an idle colour ends. */
  retireAt?: string;
}

export interface EnvState {
  env: string;
  target: TargetKind;
  router: RouterKind;
  /** The colour the router sends traffic to. */
  active?: Colour;
  colours: Partial<Record<Colour, ColourInstance>>;
  /** Pid of the keep-old timer, when one waits. */
  retirePid?: number;
}

export function envDir(stateDir: string, env: string, cwd = process.cwd()): string {
  return resolve(cwd, stateDir, env);
}

export function readState(dir: string): EnvState | undefined {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw fileError(file, e);
  }
  try {
    const state = JSON.parse(text) as EnvState;
    if (typeof state !== 'object' || state === null || typeof state.colours !== 'object')
      throw new Error('shape');
    return state;
  } catch {
    throw new UserError('deploy state is not valid JSON', {
      file,
      hint: 'run `shipgate deploy recover` or remove the file after stopping what runs',
    });
  }
}

export function writeState(dir: string, state: EnvState): void {
  writeFileAtomic(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
}
