/**
 * Standalone entry point: `node examples/sample-service/main.ts --port 0`.
 * Prints one line when listening and nothing per request; SIGTERM or SIGINT shuts it down gracefully.
 */
import { runSampleService } from './run.ts';

process.exitCode = await runSampleService(process.argv.slice(2));
