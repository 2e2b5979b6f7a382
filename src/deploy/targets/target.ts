import type { Colour, TargetKind } from '../kinds.ts';
import type { ColourInstance } from '../state.ts';

/** Where and how one colour of one environment runs. */
export interface TargetContext {
  env: string;
  /** The environment's state folder (logs, pid files). */
  dir: string;
  colour: Colour;
  version: string;
  port: number;
  host: string;
  /** The configured `start` (a command line for process, a compose file for compose). */
  start: string;
  /** The environment the service inherits: shipgate's own plus the config's `env`. */
  processEnv: NodeJS.ProcessEnv;
  stopTimeoutMs: number;
}

export interface Target {
  kind: TargetKind;
  description: string;
  /** Starts the colour; returns what to remember about it (pid). Does not wait for health. */
  start(ctx: TargetContext): Promise<Pick<ColourInstance, 'pid'>>;
  stop(ctx: TargetContext, instance: ColourInstance): Promise<void>;
  alive(ctx: TargetContext, instance: ColourInstance): Promise<boolean>;
  /** Where the colour's output goes. */
  logFile(ctx: Pick<TargetContext, 'dir' | 'colour'>): string;
}

/** `{port}` and `{version}` in one argument; nothing else is touched. */
export function substitute(arg: string, values: { port: number; version: string; colour: Colour }): string {
  return arg
    .replaceAll('{port}', String(values.port))
    .replaceAll('{version}', values.version)
    .replaceAll('{colour}', values.colour);
}
