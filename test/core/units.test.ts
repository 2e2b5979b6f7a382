import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import {
  formatBytes,
  formatDuration,
  formatLatencyUs,
  parseDuration,
  parsePercent,
  parseRate,
  parseSize,
} from '../../src/core/units.ts';

describe('durations', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['2', 2000],
    ['7d', 604_800_000],
    ['500us', 0.5],
  ])('%s → %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('takes bare numbers as seconds, like the seed config', () => expect(parseDuration(2.5)).toBe(2500));

  it.each(['', 'fast', '10 parsecs', '10s5', '-1s', 's', '1h 30m'])('rejects %j naming the flag', (text) => {
    expect(() => parseDuration(text, '--duration')).toThrow(UserError);
    expect(() => parseDuration(text, '--duration')).toThrow(/--duration: .* is not a duration like 250ms/);
  });

  it('formats for people', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(1.234)).toBe('1.23ms');
    expect(formatDuration(12_500)).toBe('12.5s');
    expect(formatDuration(200_000)).toBe('3m 20s');
    expect(formatDuration(3_900_000)).toBe('1h 5m');
    expect(formatDuration(7_200_000)).toBe('2h');
  });
});

describe('rates, percentages and sizes', () => {
  it('parses rates per second', () => {
    expect(parseRate('500/s')).toBe(500);
    expect(parseRate('30/m')).toBe(0.5);
    expect(parseRate('3600/h')).toBe(1);
    expect(parseRate('20')).toBe(20);
    expect(() => parseRate('0/s')).toThrow(UserError);
    expect(() => parseRate('lots')).toThrow(/rate like 500\/s/);
  });

  it('parses percentages with or without the sign', () => {
    expect(parsePercent('10%')).toBe(10);
    expect(parsePercent('12.5')).toBe(12.5);
    expect(parsePercent(-3)).toBe(-3);
    expect(() => parsePercent('ten')).toThrow(UserError);
  });

  it('parses sizes in SI and binary units', () => {
    expect(parseSize('10MB')).toBe(10_000_000);
    expect(parseSize('512KiB')).toBe(524_288);
    expect(parseSize('2g')).toBe(2_000_000_000);
    expect(parseSize('123')).toBe(123);
    expect(() => parseSize('10 furlongs')).toThrow(UserError);
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(100)).toBe('100 B');
  });

  it('shows microsecond latencies as milliseconds with decimals', () => {
    expect(formatLatencyUs(1234)).toBe('1.23ms');
    expect(formatLatencyUs(45_670)).toBe('45.7ms');
    expect(formatLatencyUs(2_000_000)).toBe('2000ms');
  });
});
