import { XMLValidator } from 'fast-xml-parser';
import { UserError } from './errors.ts';

/**
 * The checks every XML report passes before a parser sees it: UTF-8 text (a UTF-16 byte-order
 * mark, invalid bytes or a NUL byte are named with their line), not empty, no entity
 * declarations or DOCTYPE internal subsets (XML bombs and XXE live there, so nothing is ever
 * expanded or fetched), and well formed, with a truncated file told apart from a malformed one.
 */

export interface XmlPolicy {
  /** What the file should be, for messages: "JUnit XML report", "Cobertura report". */
  kind: string;
  /**
   * `refuse`: any DOCTYPE is refused (no test runner writes one). `external-only`: a bare
   * `<!DOCTYPE root SYSTEM "…">` passes, because istanbul's Cobertura reporter always writes one;
   * an external id alone declares nothing, and it is never fetched.
   */
  doctype: 'refuse' | 'external-only';
}

/** The report's text, once it has passed every check above; the caller parses it. */
export function safeXmlText(bytes: Uint8Array, file: string, policy: XmlPolicy): string {
  const text = decodeUtf8(bytes, file, policy.kind);
  refuseDeclarations(text, file, policy);
  if (text.trim() === '') throw new UserError(`empty file: not a ${policy.kind}`, { file });
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw malformed(text, file, valid.err);
  return text;
}

function decodeUtf8(bytes: Uint8Array, file: string, kind: string): string {
  // UTF-16 reports start with a byte-order mark; say so rather than "malformed at line 1"
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new UserError(`UTF-16 is not supported: a ${kind} must be UTF-8`, { file });
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

function refuseDeclarations(text: string, file: string, policy: XmlPolicy): void {
  const doctype = /<!DOCTYPE[^>[]*(\[)?/i.exec(text);
  const refuse = (what: string, index: number) =>
    new UserError(`refused: the file declares ${what} (entities are never expanded or fetched)`, {
      file,
      line: lineAt(text, index),
      hint: `a ${policy.kind} needs no DTD; remove it or fix the tool that wrote it`,
    });
  if (doctype && policy.doctype === 'refuse') throw refuse('a DOCTYPE', doctype.index);
  const entity = text.search(/<!ENTITY/i);
  if (entity >= 0) throw refuse('an ENTITY', entity);
  if (doctype?.[1]) throw refuse('a DOCTYPE with an internal subset', doctype.index);
}

function malformed(text: string, file: string, err: { msg: string; line: number }): UserError {
  // The validator reports an unclosed document as "Invalid '[...open tags...]' found" at line 1,
  // or as "Unclosed tag" at the tag's line; either way the file ended too soon.
  const open = /^Invalid '\[(.*)\]' found\.$/s.exec(err.msg);
  const unclosed = /^Unclosed tag '([^']*)'/.exec(err.msg);
  if (open || unclosed) {
    const tag = open
      ? (open[1] ?? '')
          .split(',')
          .map((t) => t.trim().replace(/^"|"$/g, ''))
          .at(-1)
      : unclosed?.[1];
    return new UserError(`malformed XML: the file ends before <${tag}> is closed (truncated?)`, {
      file,
      line: text.trimEnd().split('\n').length,
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
