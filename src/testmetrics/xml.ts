import { XMLParser } from 'fast-xml-parser';
import { safeXmlText } from '../core/xml.ts';

/**
 * Reads a JUnit XML file safely (core/xml.ts: UTF-8, well formed, and any DOCTYPE refused, since
 * no test runner writes one). Only the five XML entities and numeric character references are
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
  return parser.parse(safeXmlText(bytes, file, { kind: 'JUnit XML report', doctype: 'refuse' })) as XmlNode;
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
