/**
 * Failure signatures: a message with the parts that change from run to run (numbers, addresses,
 * ids, paths, timestamps, quoted values) replaced by placeholders, so "one root cause broke 40
 * tests" shows as one cluster instead of 40 different messages.
 */
const RULES: Array<[RegExp, string]> = [
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?\b/g, '<time>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b[0-9a-f]{12,}\b/gi, '<hex>'],
  [/(?:[A-Za-z]:)?(?:[\\/][\w.@-]+){2,}/g, '<path>'],
  [/(['"`])(?:(?!\1).){0,200}\1/g, '<str>'],
  [/\b\d+(\.\d+)?\b/g, '<n>'],
  [/\s+/g, ' '],
];

export function failureSignature(message: string, type?: string): string {
  let s = message.split('\n').find((l) => l.trim() !== '') ?? '';
  for (const [re, placeholder] of RULES) s = s.replace(re, placeholder);
  s = s.trim().slice(0, 300);
  return type ? `${type}: ${s}` : s;
}
