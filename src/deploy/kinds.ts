/**
 * The names of the deploy adapters, kept apart from their implementations so the config schema can
 * validate `router.kind` and `target` without loading any of them. A test keeps these lists equal
 * to the keys of the adapter tables.
 */
export const ROUTER_KINDS = ['builtin', 'traefik', 'nginx', 'haproxy'] as const;
export type RouterKind = (typeof ROUTER_KINDS)[number];

export const TARGET_KINDS = ['process', 'compose'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const COLOURS = ['blue', 'green'] as const;
export type Colour = (typeof COLOURS)[number];

export function otherColour(c: Colour): Colour {
  return c === 'blue' ? 'green' : 'blue';
}
