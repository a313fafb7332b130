// ImagePolicy's choice of the latest tag: spec.filterTags (pattern and extract), then the semver, alphabetical or
// numerical order; a choice that finds nothing names the range or pattern and the newest tags it saw.
import type { ImagePolicyChoice, TagFilter } from '@fluxion/api';
import {
  compareSemVer,
  parseSemVer,
  parseSemVerRange,
  satisfies,
  SemVerRangeError,
  type SemVer,
  type SemVerRange,
} from '@fluxion/runtime';
import { compileGoRegexp, expandTemplate, GoRegexpError } from './go-regexp.ts';
import { ImageError } from './image-error.ts';

export const InvalidPolicyReason = 'InvalidPolicy';
/** No tag satisfies the policy: a retry after the next scan may find one. */
export const NoMatchingTagReason = 'LatestImageTagNotFound';

/** A policy, compiled once per generation and applied to each new tag list. */
export interface TagPolicy {
  /** The chosen tag, or an ImageError saying why none was. */
  latest(tags: readonly string[]): string;
}

interface Candidate {
  tag: string;
  /** What the policy orders by: the tag, or the value extract built from it. */
  value: string;
}

const newestShown = 5;

export function compileTagPolicy(choice: ImagePolicyChoice | undefined, filter: TagFilter | undefined): TagPolicy {
  const select = compileFilter(filter);
  const order = compileOrder(choice);
  return {
    latest(tags) {
      const candidates = select(tags);
      if (candidates.length === 0) {
        const newest = [...tags].sort(descendingText).slice(0, newestShown);
        const seen = tags.length === 0 ? 'the repository has no tags' : `newest tags seen: ${newest.join(', ')}`;
        throw new ImageError(
          NoMatchingTagReason,
          `no tag matches spec.filterTags.pattern '${filter?.pattern ?? ''}' (${seen})`,
        );
      }
      return order(candidates);
    },
  };
}

function compileFilter(filter: TagFilter | undefined): (tags: readonly string[]) => Candidate[] {
  const patternText = filter?.pattern ?? '';
  const extract = filter?.extract ?? '';
  if (patternText === '') {
    if (extract !== '')
      throw new ImageError(
        InvalidPolicyReason,
        'spec.filterTags.extract needs spec.filterTags.pattern to take groups from',
        { stalled: true },
      );
    return (tags) => tags.map((tag) => ({ tag, value: tag }));
  }
  let pattern: RegExp;
  try {
    pattern = compileGoRegexp(patternText);
  } catch (error) {
    if (!(error instanceof GoRegexpError)) throw error;
    throw new ImageError(InvalidPolicyReason, `spec.filterTags.pattern ${error.message}`, { stalled: true });
  }
  return (tags) => {
    const candidates: Candidate[] = [];
    for (const tag of tags) {
      const match = pattern.exec(tag);
      if (!match) continue;
      candidates.push({ tag, value: extract === '' ? tag : expandTemplate(extract, match) });
    }
    return candidates;
  };
}

function compileOrder(choice: ImagePolicyChoice | undefined): (candidates: Candidate[]) => string {
  const chosen = [
    choice?.semver && 'semver',
    choice?.alphabetical && 'alphabetical',
    choice?.numerical && 'numerical',
  ].filter(Boolean);
  if (chosen.length !== 1) {
    throw new ImageError(InvalidPolicyReason, 'spec.policy must set exactly one of semver, alphabetical or numerical', {
      stalled: true,
    });
  }
  if (choice?.semver) return semverOrder(choice.semver.range);
  if (choice?.alphabetical) return alphabeticalOrder(choice.alphabetical.order ?? 'asc');
  return numericalOrder(choice?.numerical?.order ?? 'asc');
}

function semverOrder(rangeText: string): (candidates: Candidate[]) => string {
  let range: SemVerRange;
  try {
    range = parseSemVerRange(rangeText);
  } catch (error) {
    if (!(error instanceof SemVerRangeError)) throw error;
    throw new ImageError(InvalidPolicyReason, `spec.policy.semver.range: ${error.message}`, { stalled: true });
  }
  return (candidates) => {
    let best: { tag: string; version: SemVer } | undefined;
    for (const { tag, value } of candidates) {
      const version = parseSemVer(value);
      if (!version || !satisfies(version, range)) continue;
      const order = best ? compareSemVer(version, best.version) : 1;
      // Equal versions (1.2 and 1.2.0, or two tags extracting the same value): the higher tag text, for stability.
      if (order > 0 || (order === 0 && best !== undefined && tag > best.tag)) best = { tag, version };
    }
    if (best) return best.tag;
    // Only on failure: the newest versions seen, for the message.
    const versions: { tag: string; version: SemVer }[] = [];
    for (const { tag, value } of candidates) {
      const version = parseSemVer(value);
      if (version) versions.push({ tag, version });
    }
    const newest = versions
      .sort((a, b) => compareSemVer(b.version, a.version))
      .slice(0, newestShown)
      .map((entry) => entry.tag);
    const seen =
      newest.length === 0
        ? `none of the ${candidates.length} tags is a semantic version`
        : `newest versions seen: ${newest.join(', ')}`;
    throw new ImageError(NoMatchingTagReason, `no tag matches semver range '${rangeText}' (${seen})`);
  };
}

function alphabeticalOrder(order: string): (candidates: Candidate[]) => string {
  return (candidates) => {
    // asc picks the last in ascending order, desc the first; ties on the value go to the higher tag.
    let best = candidates[0]!;
    for (const candidate of candidates.slice(1)) {
      const byValue = compareText(candidate.value, best.value);
      const better = order === 'desc' ? byValue < 0 : byValue > 0;
      if (better || (byValue === 0 && candidate.tag > best.tag)) best = candidate;
    }
    return best.tag;
  };
}

const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function numericalOrder(order: string): (candidates: Candidate[]) => string {
  return (candidates) => {
    let best: { tag: string; number: number } | undefined;
    for (const { tag, value } of candidates) {
      if (!numberPattern.test(value)) {
        const what = value === tag ? `tag '${tag}'` : `tag '${tag}' (extracted '${value}')`;
        throw new ImageError(
          NoMatchingTagReason,
          `${what} is not a number: set spec.filterTags.pattern so that only numeric tags are ordered`,
        );
      }
      const number = Number(value);
      const better = best === undefined || (order === 'desc' ? number < best.number : number > best.number);
      if (better || (best !== undefined && number === best.number && tag > best.tag)) best = { tag, number };
    }
    return best!.tag;
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function descendingText(a: string, b: string): number {
  return compareText(b, a);
}
