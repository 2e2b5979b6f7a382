import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { UserError } from '../../core/errors.ts';
import type { Target, TargetContext } from './target.ts';

/**
 * The colour as a docker compose project of its own (`<env>-<colour>`): the compose file reads
 * PORT, VERSION and SHIPGATE_COLOUR from the environment. The commands are built by plain
 * functions so they can be checked where no Docker engine runs.
 */
export type CommandRunner = (
  argv: string[],
  env: NodeJS.ProcessEnv,
) => Promise<{ code: number; output: string }>;

export function composeProject(ctx: Pick<TargetContext, 'env' | 'colour'>): string {
  return `${ctx.env}-${ctx.colour}`.toLowerCase().replace(/[^a-z0-9_-]/g, '-');
}

export function composeCommands(ctx: Pick<TargetContext, 'env' | 'colour' | 'start' | 'stopTimeoutMs'>) {
  const base = ['docker', 'compose', '--project-name', composeProject(ctx), '--file', ctx.start];
  return {
    up: [...base, 'up', '--detach', '--remove-orphans'],
    down: [...base, 'down', '--timeout', String(Math.ceil(ctx.stopTimeoutMs / 1000))],
    ps: [...base, 'ps', '--quiet', '--status', 'running'],
  };
}

export function composeEnv(ctx: TargetContext): NodeJS.ProcessEnv {
  return {
    ...ctx.processEnv,
    PORT: String(ctx.port),
    VERSION: ctx.version,
    SHIPGATE_COLOUR: ctx.colour,
    COMPOSE_PROJECT_NAME: composeProject(ctx),
  };
}

export const runCommand: CommandRunner = (argv, env) =>
  new Promise((resolve) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd as string, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
    });
    child.stderr.on('data', (d) => {
      output += d;
    });
    child.on('error', (e) => resolve({ code: 127, output: e.message }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });

export function composeTarget(run: CommandRunner = runCommand): Target {
  return {
    kind: 'compose',
    description: 'one docker compose project per colour; PORT and VERSION passed in the environment',
    logFile: (ctx) => join(ctx.dir, `${ctx.colour}.log`),
    async start(ctx) {
      const r = await run(composeCommands(ctx).up, composeEnv(ctx));
      if (r.code !== 0)
        throw new UserError(`docker compose up failed for ${composeProject(ctx)}: ${lastLine(r.output)}`);
      return {};
    },
    async stop(ctx) {
      const r = await run(composeCommands(ctx).down, composeEnv(ctx));
      if (r.code !== 0)
        throw new UserError(`docker compose down failed for ${composeProject(ctx)}: ${lastLine(r.output)}`);
    },
    async alive(ctx) {
      const r = await run(composeCommands(ctx).ps, composeEnv(ctx));
      return r.code === 0 && r.output.trim() !== '';
    },
  };
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
