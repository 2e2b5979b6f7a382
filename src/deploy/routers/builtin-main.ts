import { readFileSync } from 'node:fs';
import { type ProxySettings, startBuiltinProxy } from './builtin-proxy.ts';

/**
 * Entry of the detached built-in router process: `node builtin-main.ts SETTINGS.json`. The
 * settings file is also where every switch is saved, so a restarted router resumes the colour
 * it last served.
 */
const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: builtin-main.ts SETTINGS.json\n');
  process.exit(2);
}
const settings = { ...(JSON.parse(readFileSync(file, 'utf8')) as ProxySettings), file };
const proxy = await startBuiltinProxy(settings);
process.stdout.write(
  `builtin router listening on ${settings.host}:${settings.listen}, serving ${settings.active}\n`,
);
const shutdown = () => {
  void proxy.close().then(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
