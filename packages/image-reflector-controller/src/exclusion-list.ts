// spec.exclusionList: tags matching any of its patterns are dropped from the scan result (cosign `.sig` tags by default).
import { DefaultExclusionList, ImageReason } from '@fluxion/api';
import { compileGoRegexp, GoRegexpError } from './go-regexp.ts';
import { ImageError } from './image-error.ts';

export interface ExclusionList {
  /** The patterns as written (the default when the spec sets none), for status.observedExclusionList. */
  patterns: string[];
  excludes(tag: string): boolean;
}

export function compileExclusionList(patterns: readonly string[] | undefined): ExclusionList {
  const effective = patterns && patterns.length > 0 ? [...patterns] : [...DefaultExclusionList];
  const compiled = effective.map((pattern, index) => {
    try {
      return compileGoRegexp(pattern);
    } catch (error) {
      if (!(error instanceof GoRegexpError)) throw error;
      throw new ImageError(ImageReason.Failure, `spec.exclusionList[${index}]: ${error.message}`, { stalled: true });
    }
  });
  return { patterns: effective, excludes: (tag) => compiled.some((pattern) => pattern.test(tag)) };
}
