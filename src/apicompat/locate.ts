import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/**
 * Finds the line of a change's JSON pointer in the head document's text, for annotations on the
 * PR diff. Pointers run through the dereferenced document, so where a segment is missing and the
 * node there is a local `$ref`, the walk continues at the referenced component — the line shown
 * is where the schema is really written. A pointer that does not fully resolve (a removal) stops
 * at the deepest node that exists: where the thing was removed from.
 */
export const MAX_LOCATE_BYTES = 8 * 1024 * 1024;

export function createLocator(text: string): ((pointer: string) => number | undefined) | undefined {
  if (text.length > MAX_LOCATE_BYTES) return undefined;
  const lineCounter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter });
  } catch {
    return undefined;
  }
  const root = doc.contents as Node | null;
  return (pointer) => {
    let node: Node | null | undefined = root;
    let start: number | undefined;
    for (const segment of segments(pointer)) {
      const next: ReturnType<typeof child> = child(node, segment) ?? child(followRef(root, node), segment);
      if (!next) break;
      node = next.node;
      start = next.start;
    }
    return start === undefined ? undefined : lineCounter.linePos(start).line;
  };
}

function segments(pointer: string): string[] {
  return pointer
    .replace(/^\//, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The node under `segment`, and where it starts in the text: its key for a mapping entry. */
function child(
  node: Node | null | undefined,
  segment: string,
): { node: Node | null; start?: number } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === segment);
    if (!pair) return undefined;
    const value = pair.value as Node | null;
    const start = (isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? value?.range?.[0];
    return { node: value, ...(start !== undefined ? { start } : {}) };
  }
  if (isSeq(node) && /^\d+$/.test(segment)) {
    const item = node.items[Number(segment)] as Node | undefined;
    const start = item?.range?.[0];
    return item ? { node: item, ...(start !== undefined ? { start } : {}) } : undefined;
  }
  return undefined;
}

function followRef(root: Node | null, node: Node | null | undefined): Node | undefined {
  const ref = child(node, '$ref')?.node;
  if (!isScalar(ref) || typeof ref.value !== 'string' || !ref.value.startsWith('#/')) return undefined;
  let target: Node | null | undefined = root;
  for (const segment of segments(ref.value.slice(1))) {
    target = child(target, segment)?.node;
    if (!target) return undefined;
  }
  return target ?? undefined;
}
