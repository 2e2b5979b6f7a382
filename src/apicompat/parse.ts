import { parse as parseYaml, YAMLParseError } from 'yaml';
import { UserError } from '../core/errors.ts';

/**
 * Parses a JSON or YAML document. JSON is tried first when the text looks like JSON (it is far
 * faster than a YAML parse of a multi-megabyte spec); errors name the line. YAML aliases are capped,
 * so a "billion laughs" document is refused instead of expanded.
 */
export function parseDocument(text: string, label: string): unknown {
  const start = text.search(/\S/);
  if (start === -1) throw new UserError('document is empty', { file: label });
  if (text[start] === '{' || text[start] === '[') {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new UserError(`not valid JSON: ${jsonReason(e)}`, withLine(label, jsonErrorLine(text, e)));
    }
  }
  try {
    return parseYaml(text, { maxAliasCount: 1000, uniqueKeys: true, prettyErrors: true, merge: true });
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const first = (e.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '');
      return fail(`not valid YAML: ${first}`, withLine(label, e.linePos?.[0]?.line));
    }
    if (e instanceof ReferenceError || e instanceof RangeError || e instanceof Error) {
      return fail(`not valid YAML: ${e.message.split('\n')[0]}`, { file: label });
    }
    throw e;
  }
}

function fail(message: string, where: { file: string; line?: number }): never {
  throw new UserError(message, where);
}

function withLine(file: string, line: number | undefined): { file: string; line?: number } {
  return line ? { file, line } : { file };
}

function jsonReason(e: unknown): string {
  return String((e as Error).message ?? e)
    .replace(/, ".*" is not valid JSON$/s, '')
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/ \(line \d+ column \d+\)$/, '');
}

function jsonErrorLine(text: string, e: unknown): number | undefined {
  const message = String((e as Error).message ?? '');
  const byLine = /\(line (\d+) column \d+\)/.exec(message);
  if (byLine) return Number(byLine[1]);
  const byPos = /position (\d+)/.exec(message);
  if (byPos) return lineAt(text, Number(byPos[1]));
  if (/Unexpected end of JSON input/.test(message)) return lineAt(text, text.length);
  // V8 leaves the position out of some messages ("Unexpected token"): find it ourselves.
  const offset = firstJsonError(text);
  return offset === undefined ? undefined : lineAt(text, offset);
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Offset of the first JSON syntax error: a small scanner that only validates, used on the error
 * path alone. Iterative (an explicit stack), so a deeply nested hostile document cannot overflow it.
 */
export function firstJsonError(text: string): number | undefined {
  let i = 0;
  const stack: Array<'{' | '['> = [];
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const scalar = (): boolean => {
    const rest = text.slice(i, i + 5);
    for (const word of ['true', 'false', 'null']) {
      if (rest.startsWith(word)) {
        i += word.length;
        return true;
      }
    }
    if (text[i] === '"') return string();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '' || m[0] === '-') return false;
    i += m[0].length;
    return true;
  };
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') {
        i++;
        return true;
      }
      if (c === '\\') i += 2;
      else if ((c as string) < ' ') return false;
      else i++;
    }
    return false;
  };
  // expect: what may come next.
  let expect: 'value' | 'key-or-end' | 'key' | 'colon' | 'comma-or-end' | 'value-or-end' = 'value';
  for (;;) {
    ws();
    if (i >= text.length) return stack.length > 0 || expect !== 'comma-or-end' ? i : undefined;
    const c = text[i];
    const top = stack.at(-1);
    if (expect === 'comma-or-end') {
      if (c === ',' && top) {
        i++;
        expect = top === '{' ? 'key' : 'value';
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        i++;
        stack.pop();
        expect = 'comma-or-end';
      } else return i;
    } else if (expect === 'colon') {
      if (c !== ':') return i;
      i++;
      expect = 'value';
    } else if (expect === 'key' || expect === 'key-or-end') {
      if (c === '}' && expect === 'key-or-end') {
        i++;
        stack.pop();
        expect = 'comma-or-end';
      } else if (c === '"') {
        if (!string()) return i;
        expect = 'colon';
      } else return i;
    } else if (c === ']' && expect === 'value-or-end') {
      i++;
      stack.pop();
      expect = 'comma-or-end';
    } else if (c === '{' || c === '[') {
      if (stack.length > 100_000) return undefined;
      stack.push(c);
      i++;
      expect = c === '{' ? 'key-or-end' : 'value-or-end';
    } else {
      const at = i;
      if (!scalar()) return at;
      if (stack.length === 0) {
        ws();
        return i < text.length ? i : undefined;
      }
      expect = 'comma-or-end';
    }
  }
}
