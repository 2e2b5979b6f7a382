import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UserError } from '../core/errors.ts';

/**
 * Reads a JUnit XML file safely. A DOCTYPE is refused outright (entity bombs and external
 * entities live there, and no test runner writes one); the text must be UTF-8 and well formed,
 * or the error names the line. Only the five XML entities and numeric character references are
 * decoded.
 */

/** Elements that may repeat, so the tree always has arrays where the dialects iterate. */
const REPEATED = new Set([
  'testsuite',
  'testcase',
  'failure',
  'error',
  'skipped',
  'rerunFailure',
  'rerunError',
  'flakyFailure',
  'flakyError',
  'property',
]);

export type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  // numeric character references (&#10; in pytest's messages) are decoded by this option
  htmlEntities: true,
  processEntities: true,
  isArray: (name) => REPEATED.has(name),
});

export function parseXml(bytes: Uint8Array, file: string): XmlNode {
  const text = decodeUtf8(bytes, file);
  refuseDoctype(text, file);
  if (text.trim() === '') throw new UserError('empty file: not a JUnit XML report', { file });
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformed(text, file, valid.err);
  return parser.parse(text) as XmlNode;
}

function decodeUtf8(bytes: Uint8Array, file: string): string {
  // UTF-16 reports start with a byte-order mark; say so rather than "malformed at line 1"
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new UserError('UTF-16 is not supported: JUnit XML must be UTF-8', { file });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new UserError('not UTF-8 text (binary file?)', { file, line: lineOfFirstBadByte(bytes) });
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw new UserError('binary content (NUL byte) in XML', { file, line: lineAt(text, nul) });
  return text;
}

function refuseDoctype(text: string, file: string): void {
  const m = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (m) {
    throw new UserError(
      `refused: the report declares a ${m[1]?.toUpperCase()} (entities are never expanded)`,
      {
        file,
        line: lineAt(text, m.index),
        hint: 'JUnit reports need no DOCTYPE; remove it or fix the tool that wrote it',
      },
    );
  }
}

function malformed(text: string, file: string, err: { msg: string; line: number; code: string }): UserError {
  // the validator reports an unclosed document as "Invalid '[...open tags...]' found" at line 1
  const open = /^Invalid '\[(.*)\]' found\.$/s.exec(err.msg);
  if (open) {
    const tags = (open[1] ?? '').split(',').map((t) => t.trim().replace(/^"|"$/g, ''));
    return new UserError(`malformed XML: the file ends before <${tags.at(-1)}> is closed (truncated?)`, {
      file,
      line: text.split('\n').length,
    });
  }
  return new UserError(`malformed XML: ${err.msg}`, { file, ...(err.line > 0 ? { line: err.line } : {}) });
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}

function lineOfFirstBadByte(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line += 1;
      start = i + 1;
    }
  }
  return line;
}

/** The attributes of an element (prefixed `@` in the tree), as strings. */
export function attr(node: XmlNode, name: string): string | undefined {
  const v = node[`@${name}`];
  return typeof v === 'string' ? v : undefined;
}

export function children(node: XmlNode, name: string): XmlNode[] {
  const v = node[name];
  if (v === undefined) return [];
  const list: unknown[] = Array.isArray(v) ? v : [v];
  if (list.every((c) => typeof c === 'object' && c !== null)) return list as XmlNode[];
  // an element with text and no attributes comes back from the parser as a bare string
  return list.map((c) =>
    typeof c === 'object' && c !== null ? (c as XmlNode) : { '#text': typeof c === 'string' ? c : '' },
  );
}

/** Text content of an element: `#text`, or the element itself when it has no attributes. */
export function text(node: XmlNode | string | undefined): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node;
  const t = node['#text'];
  return typeof t === 'string' ? t : '';
}
