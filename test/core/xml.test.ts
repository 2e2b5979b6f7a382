import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/errors.ts';
import { safeXmlText, type XmlPolicy } from '../../src/core/xml.ts';

const strict: XmlPolicy = { kind: 'JUnit XML report', doctype: 'refuse' };
const istanbul: XmlPolicy = { kind: 'Cobertura report', doctype: 'external-only' };

function refusal(text: string | Uint8Array, policy: XmlPolicy): string {
  try {
    safeXmlText(typeof text === 'string' ? Buffer.from(text) : text, 'r.xml', policy);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).format();
  }
  throw new Error('accepted');
}

describe('safeXmlText', () => {
  const external =
    '<?xml version="1.0"?>\n<!DOCTYPE coverage SYSTEM "http://example.invalid/x.dtd">\n<coverage/>\n';

  it('lets a bare external DOCTYPE through only where the policy allows it', () => {
    expect(safeXmlText(Buffer.from(external), 'r.xml', istanbul)).toBe(external);
    expect(refusal(external, strict)).toMatch(/^r\.xml:2: refused: the file declares a DOCTYPE \(/);
  });

  it('refuses entity declarations and internal subsets under either policy, at their line', () => {
    const bomb = '<?xml version="1.0"?>\n<!DOCTYPE c [\n<!ENTITY a "aaaa">\n]>\n<c>&a;</c>';
    expect(refusal(bomb, istanbul)).toMatch(/^r\.xml:3: refused: the file declares an ENTITY/);
    expect(refusal(bomb, strict)).toMatch(/^r\.xml:2: refused: the file declares a DOCTYPE/);
    const subset = '<!DOCTYPE c [ <!ELEMENT c ANY> ]>\n<c/>';
    expect(refusal(subset, istanbul)).toMatch(/^r\.xml:1: .*DOCTYPE with an internal subset/);
  });

  it('tells a truncated file from a malformed one, and names non-UTF-8 input', () => {
    expect(refusal('<a>\n  <b>\n    <c/>\n', istanbul)).toBe(
      'r.xml:3: malformed XML: the file ends before <b> is closed (truncated?)',
    );
    expect(refusal('<a>\n<b></c>\n</a>', istanbul)).toMatch(/^r\.xml:2: malformed XML: /);
    expect(refusal(Buffer.from([0xff, 0xfe, 0x3c, 0x00]), istanbul)).toMatch(
      /UTF-16 is not supported: a Cobertura report must be UTF-8/,
    );
    expect(refusal(Buffer.from('<a>\n\xff</a>', 'latin1'), istanbul)).toMatch(/^r\.xml:2: not UTF-8/);
    expect(refusal('  \n', istanbul)).toMatch(/empty file: not a Cobertura report/);
  });
});
