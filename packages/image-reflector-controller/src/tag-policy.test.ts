import { describe, expect, it } from 'vitest';
import { compileExclusionList } from './exclusion-list.ts';
import { compileTagPolicy } from './tag-policy.ts';

const latest = (tags: string[], ...args: Parameters<typeof compileTagPolicy>) => compileTagPolicy(...args).latest(tags);

describe('semver policy', () => {
  const tags = ['1.24.0', '1.25.0', 'v1.25.1', '1.26.0-rc.1', '1.26.0-rc.2', 'latest', '2.0.0-alpha.1', 'main-abc'];

  it('picks the highest release within the range, reading a v prefix', () => {
    expect(latest(tags, { semver: { range: '>=1.0.0' } }, undefined)).toBe('v1.25.1');
    expect(latest(tags, { semver: { range: '1.24.x' } }, undefined)).toBe('1.24.0');
    expect(latest(tags, { semver: { range: '~1.25' } }, undefined)).toBe('v1.25.1');
  });

  it('takes prereleases only when the range asks for them', () => {
    expect(latest(tags, { semver: { range: '>=1.0.0-0' } }, undefined)).toBe('2.0.0-alpha.1');
    expect(latest(tags, { semver: { range: '>=1.26.0-0 <1.27.0' } }, undefined)).toBe('1.26.0-rc.2');
    expect(latest(['1.0.0', '1.1.0-rc.1'], { semver: { range: '^1.x' } }, undefined)).toBe('1.0.0');
  });

  it('with filterTags, orders only the tags the pattern keeps', () => {
    expect(latest(tags, { semver: { range: '^1.x-0' } }, { pattern: '.*-rc.*' })).toBe('1.26.0-rc.2');
  });

  it('a range that matches nothing names the range and the newest versions seen', () => {
    expect(() => latest(tags, { semver: { range: '>=3.0.0' } }, undefined)).toThrow(
      "no tag matches semver range '>=3.0.0' (newest versions seen: 2.0.0-alpha.1, 1.26.0-rc.2, 1.26.0-rc.1, v1.25.1, 1.25.0)",
    );
    expect(() => latest(['latest', 'main'], { semver: { range: '1.x' } }, undefined)).toThrow(
      'none of the 2 tags is a semantic version',
    );
    try {
      latest(tags, { semver: { range: '>=3.0.0' } }, undefined);
    } catch (error) {
      expect(error).toMatchObject({ reason: 'LatestImageTagNotFound', stalled: false });
    }
  });

  it('an invalid range is a stalled InvalidPolicy naming the field', () => {
    expect(() => compileTagPolicy({ semver: { range: '>=banana' } }, undefined)).toThrow(
      "spec.policy.semver.range: invalid semver range '>=banana'",
    );
    try {
      compileTagPolicy({ semver: { range: '' } }, undefined);
    } catch (error) {
      expect(error).toMatchObject({ reason: 'InvalidPolicy', stalled: true });
    }
  });
});

describe('alphabetical policy', () => {
  it('asc picks the last tag, desc the first', () => {
    expect(latest(['a', 'c', 'b'], { alphabetical: { order: 'asc' } }, undefined)).toBe('c');
    expect(latest(['a', 'c', 'b'], { alphabetical: { order: 'desc' } }, undefined)).toBe('a');
    expect(latest(['a', 'c', 'b'], { alphabetical: {} }, undefined)).toBe('c');
  });

  it('orders RELEASE.<timestamp> tags by the extracted timestamp', () => {
    const tags = [
      'RELEASE.2023-01-31T08-42-01Z',
      'RELEASE.2023-02-09T05-16-53Z',
      'RELEASE.2022-12-12T19-27-27Z',
      'latest',
    ];
    expect(
      latest(
        tags,
        { alphabetical: { order: 'asc' } },
        { pattern: '^RELEASE\\.(?P<timestamp>.*)Z$', extract: '$timestamp' },
      ),
    ).toBe('RELEASE.2023-02-09T05-16-53Z');
  });
});

describe('numerical policy', () => {
  it('orders numbers, not text', () => {
    expect(latest(['9', '10', '100', '2'], { numerical: { order: 'asc' } }, undefined)).toBe('100');
    expect(latest(['9', '10', '100', '2'], { numerical: { order: 'desc' } }, undefined)).toBe('2');
    expect(latest(['1.5', '1.25'], { numerical: {} }, undefined)).toBe('1.5');
  });

  it('orders main-<sha>-<ts> build tags by the $ts group', () => {
    const tags = ['main-a1b2c3-1700000100', 'main-ffeedd-1700000900', 'main-012345-1700000500', 'latest'];
    expect(
      latest(tags, { numerical: { order: 'asc' } }, { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)', extract: '$ts' }),
    ).toBe('main-ffeedd-1700000900');
  });

  it('a tag that is not a number is named, with the fix', () => {
    expect(() => latest(['1', 'latest'], { numerical: {} }, undefined)).toThrow(
      "tag 'latest' is not a number: set spec.filterTags.pattern so that only numeric tags are ordered",
    );
  });
});

describe('filterTags and the spec checks', () => {
  it('a pattern that keeps nothing names the pattern and the newest tags', () => {
    expect(() => latest(['1.0.0', '1.1.0'], { semver: { range: '*' } }, { pattern: '^rc-' })).toThrow(
      "no tag matches spec.filterTags.pattern '^rc-' (newest tags seen: 1.1.0, 1.0.0)",
    );
    expect(() => latest([], { alphabetical: {} }, undefined)).toThrow('the repository has no tags');
  });

  it('refuses an invalid pattern, extract without pattern, and zero or two policies', () => {
    expect(() => compileTagPolicy({ alphabetical: {} }, { pattern: '(' })).toThrow(
      "spec.filterTags.pattern '(' is not a valid regular expression",
    );
    expect(() => compileTagPolicy({ alphabetical: {} }, { extract: '$ts' })).toThrow(
      'spec.filterTags.extract needs spec.filterTags.pattern',
    );
    expect(() => compileTagPolicy({}, undefined)).toThrow('exactly one of semver, alphabetical or numerical');
    expect(() => compileTagPolicy({ alphabetical: {}, numerical: {} }, undefined)).toThrow('exactly one');
  });
});

describe('exclusion list', () => {
  it('drops cosign signature tags by default and reports the list it used', () => {
    const list = compileExclusionList(undefined);
    expect(list.patterns).toEqual(['^.*\\.sig$']);
    expect(['1.0.0', 'sha256-abc.sig'].filter((tag) => !list.excludes(tag))).toEqual(['1.0.0']);
  });

  it('uses the spec list instead, and names a pattern that does not compile', () => {
    const list = compileExclusionList(['1.0.2', '1.1.1|1.0.0']);
    expect(['1.0.0', '1.0.2', '1.1.1', '1.2.0', 'x.sig'].filter((tag) => !list.excludes(tag))).toEqual([
      '1.2.0',
      'x.sig',
    ]);
    expect(() => compileExclusionList(['ok', '[a-'])).toThrow(
      "spec.exclusionList[1]: '[a-' is not a valid regular expression",
    );
  });
});
