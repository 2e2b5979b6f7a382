import type { Schema } from '../model.ts';
import { describeTypes } from './rule.ts';

/**
 * Pairs the options of two `oneOf`/`anyOf` lists: first by component name, then by equal content,
 * then by the same type; what is left over was removed (base) or added (head).
 */
export function matchOptions(
  base: readonly Schema[],
  head: readonly Schema[],
  equal: (a: Schema, b: Schema) => boolean,
): { pairs: Array<[Schema, Schema]>; removed: Schema[]; added: Schema[] } {
  const left = [...base];
  const right = [...head];
  const pairs: Array<[Schema, Schema]> = [];
  const take = (same: (a: Schema, b: Schema) => boolean): void => {
    for (let i = 0; i < left.length; i++) {
      const j = right.findIndex((r) => same(left[i] as Schema, r));
      if (j === -1) continue;
      pairs.push([left[i] as Schema, right[j] as Schema]);
      left.splice(i--, 1);
      right.splice(j, 1);
    }
  };
  take((a, b) => a.name !== undefined && a.name === b.name);
  take(equal);
  take((a, b) => a.name === undefined && b.name === undefined && describeTypes(a) === describeTypes(b));
  return { pairs, removed: left, added: right };
}

export function optionName(s: Schema): string {
  return s.name ?? describeTypes(s);
}
