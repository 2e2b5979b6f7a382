import { describe, expect, it } from 'vitest';
import { changePoints } from '../../src/perf/changepoints.ts';
import { rng } from '../helpers/random.ts';

function noisy(seed: number, levels: Array<[length: number, level: number]>, noise = 0.03): number[] {
  const random = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return levels.flatMap(([length, level]) => Array.from({ length }, () => level * (1 + noise * gauss())));
}

describe('change points', () => {
  it('finds planted shifts within one point, with their direction and size', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const series = noisy(seed, [
        [40, 100],
        [30, 120],
        [50, 90],
      ]);
      const found = changePoints(series);
      expect(found.map((c) => c.index).length, `seed ${seed}: ${found.map((c) => c.index)}`).toBe(2);
      expect(Math.abs((found[0]?.index ?? 0) - 40)).toBeLessThanOrEqual(1);
      expect(Math.abs((found[1]?.index ?? 0) - 70)).toBeLessThanOrEqual(1);
      expect(found[0]?.changePct).toBeGreaterThan(15);
      expect(found[1]?.changePct).toBeLessThan(-20);
      expect(found[0]?.pValue).toBeLessThan(0.001);
    }
  });

  it('reports no change point on flat noisy series in at least 99 % of 300 seeds', () => {
    let falsePositives = 0;
    for (let seed = 1; seed <= 300; seed++) {
      if (changePoints(noisy(seed, [[100, 50]], 0.1)).length > 0) falsePositives++;
    }
    expect(falsePositives / 300).toBeLessThanOrEqual(0.01);
  });

  it('ignores one-off spikes', () => {
    const series = noisy(5, [[60, 100]]);
    series[30] = 400;
    series[31] = 380;
    expect(changePoints(series)).toEqual([]);
  });

  it('finds a shift near the end once a few points confirm it', () => {
    const series = noisy(9, [
      [50, 100],
      [8, 130],
    ]);
    expect(changePoints(series).map((c) => c.index)).toEqual([50]);
    expect(changePoints(series.slice(0, 52))).toEqual([]);
  });

  it('handles short, constant and empty series', () => {
    expect(changePoints([])).toEqual([]);
    expect(changePoints([1, 2, 3])).toEqual([]);
    expect(changePoints(Array(50).fill(7))).toEqual([]);
    const step = [...Array(20).fill(10), ...Array(20).fill(20)];
    expect(changePoints(step)).toMatchObject([{ index: 20, before: 10, after: 20, changePct: 100 }]);
  });

  it('is fast on 10,000 points', () => {
    const series = noisy(3, [
      [5000, 100],
      [5000, 110],
    ]);
    const t0 = performance.now();
    const found = changePoints(series);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(found.some((c) => Math.abs(c.index - 5000) <= 1)).toBe(true);
  });
});
