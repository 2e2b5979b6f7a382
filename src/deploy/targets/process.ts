import { join } from 'node:path';
import { siblingModule } from '../../core/modules.ts';
import { isAlive, spawnDetached, splitCommand, stopProcess } from '../detached.ts';
import { substitute, type Target } from './target.ts';

const SHIPGATE_MAIN = siblingModule(import.meta.url, '../../cli/main');

/**
 * The colour as a process shipgate starts: the configured command line with `{port}` and
 * `{version}` substituted per argument (no shell), in its own process group, output appended to
 * `<colour>.log`. A leading `shipgate` runs this very shipgate, so configs work without a global install.
 */
export function processArgv(start: string, values: Parameters<typeof substitute>[1]): string[] {
  const argv = splitCommand(start).map((a) => substitute(a, values));
  return argv[0] === 'shipgate' ? [process.execPath, SHIPGATE_MAIN, ...argv.slice(1)] : argv;
}

export const processTarget: Target = {
  kind: 'process',
  description: 'starts the configured command per colour and tracks it by pid; logs per colour',
  logFile: (ctx) => join(ctx.dir, `${ctx.colour}.log`),
  async start(ctx) {
    const argv = processArgv(ctx.start, ctx);
    const pid = spawnDetached(argv, {
      env: {
        ...ctx.processEnv,
        SHIPGATE_COLOUR: ctx.colour,
        SHIPGATE_VERSION: ctx.version,
        PORT: String(ctx.port),
      },
      log: this.logFile(ctx),
    });
    return { pid };
  },
  async stop(ctx, instance) {
    await stopProcess(instance.pid, ctx.stopTimeoutMs);
  },
  async alive(_ctx, instance) {
    return isAlive(instance.pid);
  },
};
