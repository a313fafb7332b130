// Expected texts are what `kubectl kustomize` (kustomize v5.5.0) printed for the same values.
import { describe, expect, it } from 'vitest';
import { parseYamlDocuments } from './parse-documents.ts';
import { renderYamlDocument, renderYamlStream } from './render-yaml.ts';

function roundTrip(yaml: string): string {
  return renderYamlStream(parseYamlDocuments(yaml, 'test.yaml'));
}

describe('renderYamlDocument', () => {
  it('sorts keys as go-yaml does: non-letters first, digit runs by value', () => {
    const text = renderYamlDocument({ a10: 1, a2: 1, A: 1, _x: 1, '1': 1, '10': 1, '9': 1, 'b.c': 1, 'b-c': 1, bc: 1 });
    expect(text).toBe('_x: 1\n"1": 1\n"9": 1\n"10": 1\nA: 1\na2: 1\na10: 1\nb-c: 1\nb.c: 1\nbc: 1\n');
  });

  it('quotes strings that would read back as other types, and those with indicators', () => {
    const values = [
      'on',
      '~',
      '1e3',
      '0x1F',
      '2024-01-01',
      'yes',
      'n',
      '',
      'b: c',
      '*x',
      '-',
      ' lead',
      "'q'",
      'tab\tx',
      'a:b',
      'a#b',
      'uni é',
    ];
    const text = renderYamlDocument({ v: values });
    expect(text).toBe(
      [
        'v:',
        '- "on"',
        '- "~"',
        '- "1e3"',
        '- "0x1F"',
        '- "2024-01-01"',
        '- "yes"',
        '- "n"',
        '- ""',
        "- 'b: c'",
        "- '*x'",
        "- '-'",
        "- ' lead'",
        "- '''q'''",
        '- "tab\\tx"',
        '- a:b',
        '- a#b',
        '- uni é',
        '',
      ].join('\n'),
    );
  });

  it('writes multi-line strings as literal blocks with the right chomping and indentation hints', () => {
    expect(renderYamlDocument({ a: 'x\ny', b: 'x\ny\n', c: 'x\n\n', d: '  a\nb\n', e: 'a \nb\n' })).toBe(
      'a: |-\n  x\n  y\nb: |\n  x\n  y\nc: |+\n  x\n\nd: |2\n    a\n  b\ne: "a \\nb\\n"\n',
    );
  });

  it('folds long plain and quoted strings past 80 columns', () => {
    const long = 'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss tttt';
    expect(renderYamlDocument({ data: { long, longquoted: `aaaa: ${long.slice(5)}` } })).toBe(
      'data:\n' +
        '  long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n' +
        '    pppp qqqq rrrr ssss tttt\n' +
        "  longquoted: 'aaaa: bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn\n" +
        "    oooo pppp qqqq rrrr ssss tttt'\n",
    );
  });

  it('escapes characters outside the printable set in double quotes', () => {
    expect(renderYamlDocument({ emoji: '😀 x', ctrl: 'a\u0001b' })).toBe('ctrl: "a\\x01b"\nemoji: "\\U0001F600 x"\n');
  });

  it('writes sequences in maps without extra indentation, and empty collections inline', () => {
    expect(renderYamlDocument({ spec: { containers: [{ name: 'c', args: ['a'] }], empty: {}, none: [] } })).toBe(
      'spec:\n  containers:\n  - args:\n    - a\n    name: c\n  empty: {}\n  none: []\n',
    );
  });
});

describe('numbers and untyped scalars', () => {
  it('reads scalars as kustomize reads them and prints them as it prints them', () => {
    const input =
      'a: 010\nb: 0o17\nc: 0x1F\nd: 1e3\ne: 1.5\nf: 2024-01-01\ng: 1_000\nh: ~\nm: yes\nn: 0b101\np: 1.0e+2\ns: 1e21\nt: 1e-7\nw: 2001-12-14t21:59:43.10-05:00\nx: !!str 12\nzc: 3.0\nze: 0.000001\n';
    expect(roundTrip(input)).toBe(
      'a: 8\nb: 15\nc: 31\nd: 1000\ne: 1.5\nf: "2024-01-01T00:00:00Z"\ng: 1000\nh: null\nm: "yes"\n"n": 5\np: 100\ns: 1e+21\nt: 1e-07\nw: "2001-12-14T21:59:43.1-05:00"\nx: "12"\nzc: 3\nze: 1e-06\n',
    );
  });

  it('joins documents with ---', () => {
    expect(roundTrip('a: 1\n---\n# empty\n---\nb: 2\n')).toBe('a: 1\n---\nb: 2\n');
  });
});
