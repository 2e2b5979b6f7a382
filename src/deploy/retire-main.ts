import { isAlive, sleep, stopProcess } from './detached.ts';
import type { Colour } from './kinds.ts';
import { readState, writeState } from './state.ts';

/**
 * Entry of the keep-old timer: `node retire-main.ts DIR COLOUR PID AFTER_MS`. When the window ends
 * it stops the idle colour, but only if it is still the same process and still idle (a rollback
 * in between made it active again).
 */
const [dir, colour, pidText, afterText] = process.argv.slice(2) as [string, Colour, string, string];
await sleep(Number(afterText));
const state = readState(dir);
const instance = state?.colours[colour];
if (state && instance && instance.pid === Number(pidText) && state.active !== colour) {
  if (isAlive(instance.pid)) await stopProcess(instance.pid, 10_000);
  delete state.colours[colour];
  delete state.retirePid;
  writeState(dir, state);
  process.stdout.write(
    `${new Date().toISOString()} stopped ${colour} (${instance.version}) after its keep-old window\n`,
  );
}
