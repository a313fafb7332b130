import { describe, expect, it } from 'vitest';
import {
  compareSemVer,
  highestSatisfyingTag,
  parseSemVer,
  parseSemVerRange,
  satisfies,
  SemVerRangeError,
} from './semver-range.ts';

function matches(range: string, tag: string): boolean {
  return satisfies(parseSemVer(tag)!, parseSemVerRange(range));
}

describe('semver ranges', () => {
  it.each([
    // [range, version, matches]
    ['1.2.3', '1.2.3', true],
    ['=1.2.3', 'v1.2.3', true],
    ['1.2.3', '1.2.4', false],
    ['>=1.2.0', '1.10.0', true],
    ['>= 1.2.0', '1.1.9', false],
    ['>1.2.3', '1.2.3', false],
    ['>1.2', '1.2.9', false],
    ['>1.2', '1.3.0', true],
    ['<2.0.0', '1.99.99', true],
    ['<=1.2', '1.2.9', true],
    ['<=1.2', '1.3.0', false],
    ['!=1.2.3', '1.2.3', false],
    ['!=1.2', '1.2.7', false],
    ['!=1.2', '1.3.0', true],
    ['>=1.0.0 <2.0.0', '1.5.0', true],
    ['>=1.0.0, <2.0.0', '2.0.0', false],
    ['<1.0.0 || >=3.0.0', '3.1.0', true],
    ['<1.0.0 || >=3.0.0', '2.0.0', false],
    ['1.2.x', '1.2.99', true],
    ['1.2.x', '1.3.0', false],
    ['1.x', '1.99.0', true],
    ['1', '1.4.0', true],
    ['*', '9.9.9', true],
    ['x', '0.0.1', true],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['~1.2', '1.2.0', true],
    ['~1', '1.9.0', true],
    ['~1', '2.0.0', false],
    ['^1.2.3', '1.9.9', true],
    ['^1.2.3', '2.0.0', false],
    ['^1.2.3', '1.2.2', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.3', true],
    ['^0.0.3', '0.0.4', false],
    ['^0', '0.9.0', true],
    ['1.2 - 1.4.5', '1.4.5', true],
    ['1.2 - 1.4.5', '1.4.6', false],
    ['1.2.3 - 2.3', '2.3.9', true],
    ['1.2.3 - 2.3', '2.4.0', false],
    // prereleases only when the range mentions one
    ['>=1.0.0', '1.1.0-rc.1', false],
    ['*', '1.0.0-alpha', false],
    ['>=1.1.0-rc.0', '1.1.0-rc.1', true],
    ['>=1.1.0-rc.2', '1.1.0-rc.1', false],
    // an upper bound made from a partial or ^/~ keeps the next version's prereleases out
    ['^2.x-0', '3.0.0-rc.2', false],
    ['^2.x-0', '2.5.0-rc.1', true],
    ['~1.2.0-0', '1.3.0-alpha', false],
    ['1.x-0', '2.0.0-0', false],
    ['>=1.0.0-0 <2.0.0', '2.0.0-rc.1', true],
  ])('%s matches %s: %s', (range, tag, expected) => {
    expect(matches(range, tag)).toBe(expected);
  });

  it('rejects what is not a range', () => {
    expect(() => parseSemVerRange('')).toThrow(SemVerRangeError);
    expect(() => parseSemVerRange('>=banana')).toThrow("invalid semver range '>=banana': 'banana' is not a version");
    expect(() => parseSemVerRange('1.0 ||')).toThrow(/empty alternative/);
  });
});

describe('versions', () => {
  it('parses tags loosely and orders them as semver does', () => {
    expect(parseSemVer('v1.2')).toEqual({ major: 1, minor: 2, patch: 0, prerelease: [] });
    expect(parseSemVer('release-1')).toBeUndefined();
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let i = 1; i < ordered.length; i++) {
      expect(compareSemVer(parseSemVer(ordered[i - 1]!)!, parseSemVer(ordered[i]!)!)).toBeLessThan(0);
    }
  });

  it('picks the highest tag within the range, ignoring tags that are not versions', () => {
    const tags = ['v1.0.0', 'v1.2.0', 'v1.10.0', 'v2.0.0', 'v1.11.0-rc.1', 'latest', 'release-3'];
    expect(highestSatisfyingTag(tags, parseSemVerRange('^1.0'))?.tag).toBe('v1.10.0');
    expect(highestSatisfyingTag(tags, parseSemVerRange('>=1.0.0'))?.tag).toBe('v2.0.0');
    expect(highestSatisfyingTag(tags, parseSemVerRange('>=3.0.0'))).toBeUndefined();
  });
});
