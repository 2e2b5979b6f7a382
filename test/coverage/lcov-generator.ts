import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/**
 * Writes a synthetic LCOV tracefile of roughly `targetBytes`, deterministic, with the shape real
 * ones have: FN/FNDA, BRDA with a `-` now and then, DA, summaries. Returns the exact totals it
 * wrote, so a reader can be checked against them.
 */
export async function writeLcov(
  file: string,
  targetBytes: number,
  linesPerFile = 400,
): Promise<{
  bytes: number;
  lines: [number, number];
  branches: [number, number];
  functions: [number, number];
}> {
  const out = createWriteStream(file);
  let bytes = 0;
  const totals = {
    lines: [0, 0] as [number, number],
    branches: [0, 0] as [number, number],
    functions: [0, 0] as [number, number],
  };
  let seed = 42;
  const rand = () => {
    seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let f = 0; bytes < targetBytes; f++) {
    const parts: string[] = ['TN:', `SF:src/module${f}/file${f}.ts`];
    for (let fn = 0; fn < linesPerFile / 20; fn++) {
      parts.push(`FN:${fn * 20 + 1},fn${fn}`);
    }
    for (let fn = 0; fn < linesPerFile / 20; fn++) {
      const hits = rand() < 0.8 ? Math.floor(rand() * 50) + 1 : 0;
      parts.push(`FNDA:${hits},fn${fn}`);
      totals.functions[1]++;
      if (hits) totals.functions[0]++;
    }
    for (let l = 1; l <= linesPerFile; l++) {
      if (l % 10 === 0) {
        for (let b = 0; b < 2; b++) {
          const r = rand();
          const taken = r < 0.1 ? '-' : r < 0.3 ? '0' : String(Math.floor(r * 100));
          parts.push(`BRDA:${l},0,${b},${taken}`);
          totals.branches[1]++;
          if (taken !== '-' && taken !== '0') totals.branches[0]++;
        }
      }
      const hits = rand() < 0.85 ? Math.floor(rand() * 1000) + 1 : 0;
      parts.push(`DA:${l},${hits}`);
      totals.lines[1]++;
      if (hits) totals.lines[0]++;
    }
    parts.push(`LF:${linesPerFile}`, 'LH:0', 'end_of_record', '');
    const chunk = parts.join('\n');
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { bytes, ...totals };
}
