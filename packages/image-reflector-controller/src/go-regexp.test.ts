import { describe, expect, it } from 'vitest';
import { compileGoRegexp, expandTemplate } from './go-regexp.ts';

describe('compileGoRegexp', () => {
  it('reads RE2 named groups and leading flags', () => {
    const pattern = compileGoRegexp('^main-[a-f0-9]+-(?P<ts>[0-9]+)$');
    expect(pattern.exec('main-abc123-1700000000')?.groups?.ts).toBe('1700000000');
    expect(compileGoRegexp('(?i)^RC').test('rc-1')).toBe(true);
  });

  it('names the pattern that does not compile', () => {
    expect(() => compileGoRegexp('^(unclosed')).toThrow("'^(unclosed' is not a valid regular expression");
    expect(() => compileGoRegexp('(?U)a+')).toThrow('ungreedy');
  });
});

describe('expandTemplate', () => {
  const match = compileGoRegexp('^(?P<env>[a-z]+)-(?P<ts>[0-9]+)-([a-f0-9]+)$').exec('prod-1700-abc')!;

  it('expands $name, ${name}, $n and $$ as Go does', () => {
    expect(expandTemplate('$ts', match)).toBe('1700');
    expect(expandTemplate('${env}x', match)).toBe('prodx');
    expect(expandTemplate('$3.$ts', match)).toBe('abc.1700');
    expect(expandTemplate('$$ts', match)).toBe('$ts');
  });

  it('takes the longest name, so $tsx is a missing group and expands to nothing', () => {
    expect(expandTemplate('$tsx', match)).toBe('');
    expect(expandTemplate('$missing-$ts', match)).toBe('-1700');
  });
});
