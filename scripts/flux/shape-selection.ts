// Which shapes a run measures: `--only` as a comma-separated list of shape names, all of them without it.

/** The shapes `only` names, in the order of `shapes`; or the words that name no shape. */
export function selectShapes<T extends { shape: string }>(
  shapes: readonly T[],
  only: string | undefined,
): { selected: T[]; unknown: string[] } {
  if (only === undefined) return { selected: [...shapes], unknown: [] };
  const words = only
    .split(',')
    .map((word) => word.trim())
    .filter(Boolean);
  return {
    selected: shapes.filter(({ shape }) => words.includes(shape)),
    unknown: words.filter((word) => !shapes.some(({ shape }) => shape === word)),
  };
}
