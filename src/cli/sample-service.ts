import type { Command } from 'commander';
import { passThrough } from './action.ts';

/**
 * `shipgate sample-service`: the bundled demo target. Its flags come from the sample service's own
 * knob table (shared with its standalone entry point), so they are passed through untouched.
 */
export function registerSampleService(program: Command): void {
  const cmd = program
    .command('sample-service')
    .description(
      'Run the bundled PiWardrive-like sample API (health, auth, JSON endpoints, OpenAPI) until SIGTERM; knobs inject latency, errors, leaks, failing health and a changed API. --help lists them.',
    )
    .argument('[flags...]')
    .action(async (flags: string[]) => {
      const { runSampleService } = await import('../../examples/sample-service/run.ts');
      process.exitCode = await runSampleService(flags, process.env, undefined, 'shipgate sample-service');
    });
  passThrough(cmd);
}
