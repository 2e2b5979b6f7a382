import { describe, expect, it } from 'vitest';
import { createProgress, progressMode } from '../../src/core/progress.ts';

function sink() {
  const chunks: string[] = [];
  return { chunks, stream: { write: (c: string) => chunks.push(c), columns: 80 } };
}

describe('progress', () => {
  it('redraws one line on a TTY and ends with a final line', () => {
    const { chunks, stream } = sink();
    let t = 0;
    const task = createProgress({ mode: 'tty', stream, now: () => t }).start('load');
    task.update('120 req', 0.25);
    t = 1500;
    task.update('480 req', 0.5);
    task.done('finished');
    expect(chunks[0]).toBe('\r\u001b[2Kload 25% 120 req');
    expect(chunks[1]).toBe('\r\u001b[2Kload 50% 480 req');
    expect(chunks.at(-1)).toBe('load finished (1.5s)\n');
  });

  it('prints plain lines at most once per interval in CI logs', () => {
    const { chunks, stream } = sink();
    let t = 0;
    const task = createProgress({ mode: 'plain', stream, plainIntervalMs: 10_000, now: () => t }).start(
      'soak',
    );
    for (t = 0; t <= 35_000; t += 1000) task.update(`t=${t}`);
    expect(chunks).toEqual(['soak t=10000\n', 'soak t=20000\n', 'soak t=30000\n']);
  });

  it('says nothing when quiet', () => {
    const { chunks, stream } = sink();
    const task = createProgress({ mode: 'off', stream }).start('x');
    task.update('y');
    task.done();
    expect(chunks).toEqual([]);
    expect(progressMode({ isTTY: true }, true, false)).toBe('off');
    expect(progressMode({ isTTY: true }, false, true)).toBe('plain');
    expect(progressMode({ isTTY: false }, false, false)).toBe('plain');
    expect(progressMode({ isTTY: true }, false, false)).toBe('tty');
  });

  it('redacts what it prints', () => {
    const { chunks, stream } = sink();
    createProgress({ mode: 'plain', stream })
      .start('posting to https://hooks.slack.com/services/T1/B2/C3')
      .done();
    expect(chunks.join('')).not.toContain('T1/B2/C3');
  });
});
