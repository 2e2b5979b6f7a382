import { isUserError } from '../../src/core/errors.ts';
import { parseSampleServiceArgs, sampleServiceUsage } from './options.ts';
import { listeningLine, startSampleService } from './server.ts';

export interface RunIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

const processIo: RunIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs the sample service in the foreground until SIGTERM or SIGINT, then shuts down gracefully.
 * Resolves with the exit code: 0 after a clean shutdown (or --help), 2 for bad flags or a busy port.
 */
export async function runSampleService(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  io: RunIo = processIo,
  command = 'node examples/sample-service/main.ts',
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(sampleServiceUsage(command).trimEnd());
    return 0;
  }
  let service: Awaited<ReturnType<typeof startSampleService>>;
  try {
    service = await startSampleService(parseSampleServiceArgs(argv, env));
  } catch (e) {
    if (!isUserError(e)) throw e;
    io.stderr(`sample-service: ${e.format()}`);
    return 2;
  }
  io.stdout(listeningLine(service));
  await shutdownSignal();
  await service.close();
  return 0;
}

/** Resolves on the first SIGTERM or SIGINT; a second one while draining exits at once. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      const impatient = () => process.exit(130);
      process.once('SIGTERM', impatient);
      process.once('SIGINT', impatient);
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
