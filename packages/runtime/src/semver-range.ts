// Semantic versions of tags and Masterminds-style version ranges (comparators, `,`/space for AND, `||` for OR,
// `x`/`*` wildcards, `~`, `^`, hyphen ranges); prereleases match only a range that names one.

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: Array<string | number>;
}

export class SemVerRangeError extends Error {
  readonly reason = 'InvalidSemVerRange';
  constructor(range: string, detail: string) {
    super(`invalid semver range '${range}': ${detail}`);
    this.name = 'SemVerRangeError';
  }
}

const versionPattern = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses a tag as a version, loosely as Flux does: `v` prefix allowed, `1.2` means 1.2.0; undefined if not one. */
export function parseSemVer(text: string): SemVer | undefined {
  const match = versionPattern.exec(text.trim());
  if (!match) return undefined;
  const prerelease =
    match[4] === undefined ? [] : match[4].split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  if (prerelease.some((part) => part === '')) return undefined;
  return { major: Number(match[1]), minor: Number(match[2] ?? 0), patch: Number(match[3] ?? 0), prerelease };
}

export function compareSemVer(a: SemVer, b: SemVer): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch || comparePrerelease(a.prerelease, b.prerelease);
}

function comparePrerelease(a: SemVer['prerelease'], b: SemVer['prerelease']): number {
  // A release is higher than any of its prereleases.
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const left = a[i];
    const right = b[i];
    if (left === undefined) return -1;
    if (right === undefined) return 1;
    if (left === right) continue;
    if (typeof left === 'number' && typeof right === 'number') return left - right;
    if (typeof left === 'number') return -1;
    if (typeof right === 'number') return 1;
    return left < right ? -1 : 1;
  }
  return 0;
}

type Operator = '>=' | '>' | '<' | '<=' | '=' | '!=';
interface Bound {
  operator: Operator;
  version: SemVer;
}
interface Comparator {
  bounds: Bound[];
  /** `!=1.2` excludes the whole 1.2.x range rather than one version. */
  negated: boolean;
  allowsPrerelease: boolean;
}
type Group = Comparator[];

export interface SemVerRange {
  source: string;
  groups: Group[];
}

export function parseSemVerRange(source: string): SemVerRange {
  const text = source.trim();
  if (text === '') throw new SemVerRangeError(source, 'empty');
  const groups = text.split('||').map((part) => parseGroup(source, part.trim()));
  return { source, groups };
}

export function satisfies(version: SemVer, range: SemVerRange): boolean {
  return range.groups.some((group) => {
    if (version.prerelease.length > 0 && !group.some((comparator) => comparator.allowsPrerelease)) return false;
    return group.every((comparator) => comparatorMatches(comparator, version));
  });
}

/** The tag with the highest version within the range (ties go to the last tag name, for a stable pick). */
export function highestSatisfyingTag(
  tags: Iterable<string>,
  range: SemVerRange,
): { tag: string; version: SemVer } | undefined {
  let best: { tag: string; version: SemVer } | undefined;
  for (const tag of tags) {
    const version = parseSemVer(tag);
    if (!version || !satisfies(version, range)) continue;
    const order = best ? compareSemVer(version, best.version) : 1;
    if (order > 0 || (order === 0 && best && tag > best.tag)) best = { tag, version };
  }
  return best;
}

function comparatorMatches(comparator: Comparator, version: SemVer): boolean {
  const inside = comparator.bounds.every((bound) => boundMatches(bound, version));
  return comparator.negated ? !inside : inside;
}

function boundMatches(bound: Bound, version: SemVer): boolean {
  const order = compareSemVer(version, bound.version);
  switch (bound.operator) {
    case '>=':
      return order >= 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
  }
}

function parseGroup(source: string, text: string): Group {
  if (text === '') throw new SemVerRangeError(source, 'empty alternative around "||"');
  // `1.2 - 1.4` is one comparator even though it holds spaces.
  const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
  if (hyphen) return [hyphenRange(source, hyphen[1]!, hyphen[2]!)];
  // Operators may be followed by spaces (`>= 1.2`): glue them to their version before splitting.
  const tokens = text
    .replace(/(>=|<=|=>|=<|!=|~>|>|<|=|~|\^)\s+/g, '$1')
    .split(/[\s,]+/)
    .filter((token) => token !== '');
  return tokens.map((token) => parseComparator(source, token));
}

interface PartialVersion {
  major?: number;
  minor?: number;
  patch?: number;
  prerelease: SemVer['prerelease'];
}

const partialPattern =
  /^v?(\d+|[xX*])?(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parsePartial(source: string, text: string): PartialVersion {
  const match = partialPattern.exec(text);
  if (!match) throw new SemVerRangeError(source, `'${text}' is not a version`);
  const number = (part: string | undefined) => (part === undefined || /^[xX*]$/.test(part) ? undefined : Number(part));
  const major = number(match[1]);
  const minor = major === undefined ? undefined : number(match[2]);
  const patch = minor === undefined ? undefined : number(match[3]);
  const prerelease =
    match[4] === undefined ? [] : match[4].split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  return { major, minor, patch, prerelease };
}

const version = (major: number, minor = 0, patch = 0, prerelease: SemVer['prerelease'] = []): SemVer => ({
  major,
  minor,
  patch,
  prerelease,
});

// The first version above a partial: 1 → 2.0.0-0, 1.2 → 1.3.0-0. An exclusive upper bound at the lowest prerelease
// keeps the next version's prereleases out (`^2.x-0` never matches 3.0.0-rc.1), as Masterminds and npm do.
function nextAfterPartial(partial: PartialVersion): SemVer {
  if (partial.minor === undefined) return version(partial.major! + 1, 0, 0, [0]);
  return version(partial.major!, partial.minor + 1, 0, [0]);
}

function lowerOf(partial: PartialVersion): SemVer {
  return version(partial.major ?? 0, partial.minor ?? 0, partial.patch ?? 0, partial.prerelease);
}

function comparator(bounds: Bound[], partials: PartialVersion[], negated = false): Comparator {
  return { bounds, negated, allowsPrerelease: partials.some((partial) => partial.prerelease.length > 0) };
}

function parseComparator(source: string, token: string): Comparator {
  const match = /^(>=|<=|=>|=<|!=|~>|>|<|=|~|\^)?(.*)$/.exec(token)!;
  const operator = match[1] ?? '=';
  const partial = parsePartial(source, match[2]!);
  const exact = partial.patch !== undefined;
  if (partial.major === undefined) {
    // `*`, `x`: anything (a bound that every release satisfies); `<*` and `>*` match nothing.
    if (operator === '<' || operator === '>' || operator === '!=')
      return comparator([{ operator: '<', version: version(0) }], [partial]);
    return comparator([{ operator: '>=', version: version(0) }], [partial]);
  }
  const low = lowerOf(partial);
  switch (operator) {
    case '=':
      return exact ? comparator([{ operator: '=', version: low }], [partial]) : comparator(xRange(partial), [partial]);
    case '!=':
      return exact
        ? comparator([{ operator: '!=', version: low }], [partial])
        : comparator(xRange(partial), [partial], true);
    case '>':
      return comparator(
        [exact ? { operator: '>', version: low } : { operator: '>=', version: nextAfterPartial(partial) }],
        [partial],
      );
    case '>=':
    case '=>':
      return comparator([{ operator: '>=', version: low }], [partial]);
    case '<':
      return comparator([{ operator: '<', version: low }], [partial]);
    case '<=':
    case '=<':
      return comparator(
        [exact ? { operator: '<=', version: low } : { operator: '<', version: nextAfterPartial(partial) }],
        [partial],
      );
    case '~':
    case '~>':
      return comparator(
        [
          { operator: '>=', version: low },
          { operator: '<', version: tildeUpper(partial) },
        ],
        [partial],
      );
    case '^':
      return comparator(
        [
          { operator: '>=', version: low },
          { operator: '<', version: caretUpper(partial) },
        ],
        [partial],
      );
    default:
      throw new SemVerRangeError(source, `unknown operator '${operator}'`);
  }
}

function xRange(partial: PartialVersion): Bound[] {
  return [
    { operator: '>=', version: lowerOf(partial) },
    { operator: '<', version: nextAfterPartial(partial) },
  ];
}

// ~1.2.3 and ~1.2 allow patch changes, ~1 allows minor changes.
function tildeUpper(partial: PartialVersion): SemVer {
  return nextAfterPartial(partial);
}

// ^ allows changes that do not modify the left-most non-zero part.
function caretUpper(partial: PartialVersion): SemVer {
  const major = partial.major!;
  if (major > 0 || partial.minor === undefined) return version(major + 1, 0, 0, [0]);
  if (partial.minor > 0 || partial.patch === undefined) return version(0, partial.minor + 1, 0, [0]);
  return version(0, 0, partial.patch + 1, [0]);
}

function hyphenRange(source: string, lowText: string, highText: string): Comparator {
  const low = parsePartial(source, lowText);
  const high = parsePartial(source, highText);
  const bounds: Bound[] = [{ operator: '>=', version: lowerOf(low) }];
  if (high.major !== undefined) {
    bounds.push(
      high.patch !== undefined
        ? { operator: '<=', version: lowerOf(high) }
        : { operator: '<', version: nextAfterPartial(high) },
    );
  }
  return comparator(bounds, [low, high]);
}
