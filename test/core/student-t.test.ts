import { describe, expect, it } from 'vitest';
import { studentTQuantile, studentTUpperTail } from '../../src/core/student-t.ts';

describe('studentTQuantile', () => {
  it('matches table values', () => {
    const table: Array<[number, number, number]> = [
      [0.975, 1, 12.706205],
      [0.975, 2, 4.302653],
      [0.975, 10, 2.228139],
      [0.975, 30, 2.042272],
      [0.95, 5, 2.015048],
      [0.995, 3, 5.840909],
      [0.9995, 1, 636.619249],
      [0.975, 1000, 1.962339],
      [0.9, 20, 1.325341],
    ];
    for (const [p, df, t] of table) {
      expect(Math.abs(studentTQuantile(p, df) - t), `t(${p}, ${df})`).toBeLessThan(1e-4);
    }
  });

  it('approaches the normal quantile for huge df and is symmetric', () => {
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(1.959964, 5);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-studentTQuantile(0.975, 4), 10);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });

  it('rejects impossible arguments', () => {
    expect(() => studentTQuantile(1, 5)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
  });
});

describe('studentTUpperTail', () => {
  it('matches table values and inverts the quantile', () => {
    // P(T > 2.228139) with 10 df is 0.025; P(T > 1.325341) with 20 df is 0.1.
    expect(studentTUpperTail(2.228139, 10)).toBeCloseTo(0.025, 6);
    expect(studentTUpperTail(1.325341, 20)).toBeCloseTo(0.1, 6);
    expect(studentTUpperTail(0, 5)).toBeCloseTo(0.5, 12);
    for (const df of [1, 3, 17, 250]) {
      expect(studentTUpperTail(studentTQuantile(0.999, df), df)).toBeCloseTo(0.001, 8);
    }
  });
});
