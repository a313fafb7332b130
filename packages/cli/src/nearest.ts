// "Did you mean": the known names closest to what was typed.

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Up to `limit` candidates within a distance that grows with the word, closest first; prefixes count as close. */
export function nearestNames(typed: string, candidates: Iterable<string>, limit = 3): string[] {
  const threshold = Math.max(2, Math.floor(typed.length / 3));
  return [...new Set(candidates)]
    .map((name) => ({
      name,
      distance: name.startsWith(typed) || typed.startsWith(name) ? 1 : editDistance(typed, name),
    }))
    .filter((entry) => entry.distance <= threshold)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}

/** `; did you mean "a" or "b"?`, or nothing. */
export function didYouMean(typed: string, candidates: Iterable<string>): string {
  const names = nearestNames(typed, candidates);
  if (names.length === 0) return '';
  return `; did you mean ${names.map((name) => `"${name}"`).join(' or ')}?`;
}
