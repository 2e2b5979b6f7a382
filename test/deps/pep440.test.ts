import { describe, expect, it } from 'vitest';
import { comparePep440Text, normalizePyPIName, parseSpecifier } from '../../src/deps/pep440.ts';

describe('PEP 440 ordering', () => {
  it('orders the spec example sequence', () => {
    // The order PEP 440 gives under "Summary of permitted suffixes and relative ordering".
    const ordered = [
      '1.0.dev456',
      '1.0a1',
      '1.0a2.dev456',
      '1.0a12.dev456',
      '1.0a12',
      '1.0b1.dev456',
      '1.0b2',
      '1.0b2.post345.dev456',
      '1.0b2.post345',
      '1.0rc1.dev456',
      '1.0rc1',
      '1.0',
      '1.0+abc.5',
      '1.0+abc.7',
      '1.0+5',
      '1.0.post456.dev34',
      '1.0.post456',
      '1.0.15',
      '1.1.dev1',
    ];
    const shuffled = [...ordered].reverse();
    expect(shuffled.sort(comparePep440Text)).toEqual(ordered);
  });

  it('ignores trailing zeros, reads alternative spellings and epochs', () => {
    expect(comparePep440Text('1.0', '1')).toBe(0);
    expect(comparePep440Text('1.0.0', '1')).toBe(0);
    expect(comparePep440Text('2.0-rc.1', '2.0rc1')).toBe(0);
    expect(comparePep440Text('1.0-1', '1.0.post1')).toBe(0);
    expect(comparePep440Text('1.0alpha2', '1.0a2')).toBe(0);
    expect(comparePep440Text('1!1.0', '2.0')).toBe(1);
    expect(comparePep440Text('1.24.1', '1.24.2')).toBe(-1);
    expect(comparePep440Text('1.26.19', '1.26.2')).toBe(1);
    expect(comparePep440Text('2.10', '2.7.2')).toBe(1);
  });

  it('normalises project names per PEP 503', () => {
    expect(normalizePyPIName('PyYAML')).toBe('pyyaml');
    expect(normalizePyPIName('Jinja2')).toBe('jinja2');
    expect(normalizePyPIName('zope.interface')).toBe('zope-interface');
    expect(normalizePyPIName('Foo__Bar-.baz')).toBe('foo-bar-baz');
  });
});

describe('PEP 440 specifiers', () => {
  const test = (spec: string, version: string, prereleases = false) =>
    (parseSpecifier(spec) ?? { test: () => 'unparsed' }).test(version, { prereleases });

  it('handles comparison, compatible release and wildcards', () => {
    expect(test('>=3.10', '3.10')).toBe(true);
    expect(test('>=3.10', '3.9')).toBe(false);
    expect(test('>=3.10,<4', '3.13')).toBe(true);
    expect(test('~=2.2', '2.9')).toBe(true);
    expect(test('~=2.2', '3.0')).toBe(false);
    expect(test('~=1.4.5', '1.4.9')).toBe(true);
    expect(test('~=1.4.5', '1.5.0')).toBe(false);
    expect(test('==3.1.*', '3.1.9')).toBe(true);
    expect(test('==3.1.*', '3.10')).toBe(false);
    expect(test('!=3.0.*', '3.0.1')).toBe(false);
    expect(test('==1.0', '1.0+local.1')).toBe(true);
    expect(test('==1.0+local.1', '1.0')).toBe(false);
  });

  it('keeps pre-releases and post-releases of the bound out of exclusive comparisons', () => {
    expect(test('<3.0', '3.0rc1', true)).toBe(false);
    expect(test('<3.0rc2', '3.0rc1')).toBe(true);
    expect(test('>1.7', '1.7.post2')).toBe(false);
    expect(test('>1.7.post2', '1.7.post3')).toBe(true);
    expect(test('>1.7', '1.7.1')).toBe(true);
  });

  it('excludes pre-releases unless asked or named', () => {
    expect(test('>=1.0', '2.0b1')).toBe(false);
    expect(test('>=1.0', '2.0b1', true)).toBe(true);
    expect(test('>=2.0b1', '2.0b2')).toBe(true);
  });

  it('refuses what is not a specifier', () => {
    expect(parseSpecifier('>=three')).toBeUndefined();
    expect(parseSpecifier('~=1')).toBeUndefined();
    expect(parseSpecifier('=>1.0')).toBeUndefined();
  });
});
