// A unified diff of two texts, line by line (longest common subsequence), with three lines of context like diff -u.

type Edit = { op: ' ' | '-' | '+'; line: string };

function edits(before: string[], after: string[]): Edit[] {
  const n = before.length;
  const m = after.length;
  // lengths[i][j]: LCS of before[i..] and after[j..]; objects are small, so O(n·m) is fine
  const lengths: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i]![j] =
        before[i] === after[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const result: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      result.push({ op: ' ', line: before[i++]! });
      j++;
    } else if (i < n && (j === m || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) {
      // removals before additions, as diff -u prints them
      result.push({ op: '-', line: before[i++]! });
    } else {
      result.push({ op: '+', line: after[j++]! });
    }
  }
  return result;
}

/** `---`/`+++` headers and `@@` hunks; empty when the texts are equal. */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { before: string; after: string },
  context = 3,
): string {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const all = edits(a, b);
  if (all.every((edit) => edit.op === ' ')) return '';
  const out = [`--- ${labels.before}`, `+++ ${labels.after}`];
  let index = 0;
  while (index < all.length) {
    while (index < all.length && all[index]!.op === ' ') index++;
    if (index >= all.length) break;
    const start = Math.max(0, index - context);
    let end = index;
    // extend the hunk while changes are within 2*context lines of each other
    for (let cursor = index; cursor < all.length; cursor++) {
      if (all[cursor]!.op !== ' ') end = cursor;
      else if (cursor - end > 2 * context) break;
    }
    const stop = Math.min(all.length, end + context + 1);
    const hunk = all.slice(start, stop);
    const beforeStart = all.slice(0, start).filter((edit) => edit.op !== '+').length;
    const afterStart = all.slice(0, start).filter((edit) => edit.op !== '-').length;
    const beforeCount = hunk.filter((edit) => edit.op !== '+').length;
    const afterCount = hunk.filter((edit) => edit.op !== '-').length;
    out.push(
      `@@ -${beforeStart + (beforeCount ? 1 : 0)},${beforeCount} +${afterStart + (afterCount ? 1 : 0)},${afterCount} @@`,
    );
    for (const edit of hunk) out.push(`${edit.op}${edit.line}`);
    index = stop;
  }
  return `${out.join('\n')}\n`;
}
