import { InvalidArgumentError } from 'commander';
import { isUserError } from '../core/errors.ts';
import { parseDuration, parsePercent, parseRate, parseSize } from '../core/units.ts';

/**
 * Commander value parsers over the core unit parsers: a bad value becomes commander's
 * InvalidArgumentError, which the CLI turns into one line and exit 2.
 */
function wrap<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (e) {
      if (isUserError(e)) throw new InvalidArgumentError(e.message.replace(/^[^:]+: /, ''));
      throw e;
    }
  };
}

export const durationArg = wrap((v) => parseDuration(v));
export const rateArg = wrap((v) => parseRate(v));
export const percentArg = wrap((v) => parsePercent(v));
export const sizeArg = wrap((v) => parseSize(v));

export function intArg(min = 0, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max) {
      throw new InvalidArgumentError(`'${value}' is not a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

export function floatArg(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`'${value}' is not a number from ${min} to ${max}`);
    }
    return n;
  };
}

/** Repeatable option: `--threshold a --threshold b` → ['a', 'b']. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
