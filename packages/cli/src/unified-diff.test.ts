import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.ts';

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', { before: 'x', after: 'y' })).toBe('');
  });

  it('prints removals before additions with three lines of context and correct hunk ranges', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n');
    const after = ['1', '2', '3', '4', '5', 'six', '7', '8', '9', '10'].join('\n');
    expect(unifiedDiff(before, after, { before: 'live', after: 'merged' })).toBe(
      ['--- live', '+++ merged', '@@ -3,7 +3,7 @@', ' 3', ' 4', ' 5', '-6', '+six', ' 7', ' 8', ' 9', ''].join('\n'),
    );
  });

  it('shows a new object as all additions', () => {
    expect(unifiedDiff('', 'a\nb\n', { before: 'live', after: 'merged' })).toBe(
      '--- live\n+++ merged\n@@ -0,0 +1,2 @@\n+a\n+b\n',
    );
  });
});
