// CLI start-up cost: `shipgate --version` and `shipgate config check` from dist/ against bare
// `node -e 0` (the floor any Node CLI pays), interleaved. Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, interleaved, median } from './util.ts';

const main = join(import.meta.dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(main)) {
  console.error('dist/ is missing: run `npm run build` first');
  process.exit(2);
}
const cwd = mkdtempSync(join(tmpdir(), 'shipgate-bench-'));
const time = (args: string[]) => () => {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - t;
};

const rounds = 15;
const version = await interleaved(rounds, time(['-e', '0']), time([main, '--version']));
const check = await interleaved(rounds, time(['-e', '0']), time([main, 'config', 'check', '--quiet']));
const floor = median([...version.a, ...check.a]);
console.log(`node -e 0                 ${fmt(floor, 1)} ms (median of ${rounds * 2})`);
console.log(
  `shipgate --version        ${fmt(median(version.b), 1)} ms  = ${fmt(median(version.b) / floor)}x bare node`,
);
console.log(
  `shipgate config check     ${fmt(median(check.b), 1)} ms  = ${fmt(median(check.b) / floor)}x bare node`,
);
