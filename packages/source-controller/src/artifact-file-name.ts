// The file name of a GitRepository artifact in storage.
import { createHash } from 'node:crypto';
import type { GitRepositoryPlan } from './gitrepository-spec.ts';
import type { IncludedArtifact } from './include-artifacts.ts';
import { stableJson } from './stable-json.ts';

/**
 * `<commit>.tar.gz` as Flux names it; when ignore rules, includes, sparse checkout or submodules shape the content,
 * a hash of them is added, so one URL never serves two different contents (consumers verify the digest).
 */
export function artifactFileName(
  commit: string,
  plan: GitRepositoryPlan,
  includes: readonly IncludedArtifact[],
): string {
  const inputs = {
    ignore: plan.ignore,
    include: includes.map(({ entry, artifact }) => [
      entry.repository.name,
      entry.fromPath,
      entry.toPath,
      artifact.digest,
    ]),
    sparseCheckout: plan.sparseCheckout,
    recurseSubmodules: plan.recurseSubmodules,
  };
  if (inputs.ignore === undefined && inputs.include.length === 0 && !inputs.sparseCheckout && !inputs.recurseSubmodules)
    return `${commit}.tar.gz`;
  return `${commit}-${createHash('sha256').update(stableJson(inputs)).digest('hex').slice(0, 12)}.tar.gz`;
}
