/**
 * A separate process that records runs into stores, for the concurrent-writers test.
 *   node test/store/writer.ts <writer-name>
 * Prints "ready" once loaded. Then, for each line `{"location": …, "count": …}` on stdin, opens
 * that store, records `count` runs, closes it and prints `{"writer", "ids"}` as one line. The test
 * sends the same line to every writer at once, so they race — on a fresh store, on its migrations.
 */
import { createInterface } from 'node:readline';
import { loadSqlite } from '../../src/core/sqlite.ts';
import { openStore } from '../../src/store/open.ts';

const writer = process.argv[2] ?? '';
if (writer === '') {
  console.error('usage: writer.ts <writer-name>');
  process.exit(2);
}

// Load everything up front, so a command is followed by the race itself, not by imports.
await Promise.all([import('../../src/store/sqlite.ts'), import('../../src/store/postgres.ts'), loadSqlite()]);

const base = Date.parse('2025-01-01T00:00:00.000Z');

async function record(location: string, count: number): Promise<number[]> {
  const store = await openStore(location, { env: {} });
  const ids: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const run = await store.recordRun({
        kind: 'load',
        verdict: 'pass',
        summary: `${writer} run ${i}`,
        startedAt: new Date(base + i),
        finishedAt: new Date(base + i + 1),
        environment: {
          os: 'linux',
          osRelease: '6.8.0',
          arch: 'x64',
          cpuModel: 'test',
          cpuCount: 1,
          memoryBytes: 1,
          node: process.versions.node,
          shipgate: '0.0.0',
          host: 'writer',
          ci: false,
        },
        figures: { seq: i },
        labels: { writer, seq: String(i) },
        result: { writer, seq: i },
      });
      ids.push(run.id);
    }
  } finally {
    await store.close();
  }
  return ids;
}

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const { location, count } = JSON.parse(line) as { location: string; count: number };
  const ids = await record(location, count);
  process.stdout.write(`${JSON.stringify({ writer, ids })}\n`);
}
