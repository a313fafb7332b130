// Every kind Flux's APIs define, with the names people type for it, the controller that serves it, and its revision.
import { UsageError } from './cli-error.ts';
import { didYouMean } from './nearest.ts';

export type Controller =
  | 'source-controller'
  | 'kustomize-controller'
  | 'helm-controller'
  | 'notification-controller'
  | 'image-reflector-controller'
  | 'image-automation-controller';

export interface FluxKind {
  kind: string;
  group: string;
  plural: string;
  controller: Controller;
  /** What `fluxion get|reconcile|suspend ...` accept for it: first the canonical words, then aliases. */
  words: readonly (readonly string[])[];
  /** Whether it has spec.suspend and answers reconcile.fluxcd.io/requestedAt. */
  suspendable: boolean;
  reconcilable: boolean;
  /** `fluxion install --components` name. */
  component: string;
}

const source = (kind: string, plural: string, word: string, ...aliases: string[]): FluxKind => ({
  kind,
  group: 'source.toolkit.fluxcd.io',
  plural,
  controller: 'source-controller',
  words: [['source', word], ['sources', word], [kind.toLowerCase()], [plural], ...aliases.map((alias) => [alias])],
  suspendable: true,
  reconcilable: true,
  component: 'source',
});

export const fluxKinds: readonly FluxKind[] = [
  source('GitRepository', 'gitrepositories', 'git', 'gitrepo', 'gitrepos'),
  source('OCIRepository', 'ocirepositories', 'oci', 'ocirepo'),
  source('HelmRepository', 'helmrepositories', 'helm', 'helmrepo'),
  source('HelmChart', 'helmcharts', 'chart', 'hc'),
  source('Bucket', 'buckets', 'bucket'),
  // written by whatever produces it (source-watcher, a user's own controller): nothing to suspend or request
  { ...source('ExternalArtifact', 'externalartifacts', 'external', 'ea'), suspendable: false, reconcilable: false },
  {
    kind: 'Kustomization',
    group: 'kustomize.toolkit.fluxcd.io',
    plural: 'kustomizations',
    controller: 'kustomize-controller',
    words: [['kustomization'], ['kustomizations'], ['ks']],
    suspendable: true,
    reconcilable: true,
    component: 'kustomize',
  },
  {
    kind: 'HelmRelease',
    group: 'helm.toolkit.fluxcd.io',
    plural: 'helmreleases',
    controller: 'helm-controller',
    words: [['helmrelease'], ['helmreleases'], ['hr']],
    suspendable: true,
    reconcilable: true,
    component: 'helm',
  },
  {
    kind: 'Alert',
    group: 'notification.toolkit.fluxcd.io',
    plural: 'alerts',
    controller: 'notification-controller',
    words: [['alert'], ['alerts']],
    suspendable: true,
    reconcilable: false,
    component: 'notification',
  },
  {
    kind: 'Provider',
    group: 'notification.toolkit.fluxcd.io',
    plural: 'providers',
    controller: 'notification-controller',
    words: [['alert-provider'], ['alert-providers'], ['provider'], ['providers']],
    suspendable: true,
    reconcilable: false,
    component: 'notification',
  },
  {
    kind: 'Receiver',
    group: 'notification.toolkit.fluxcd.io',
    plural: 'receivers',
    controller: 'notification-controller',
    words: [['receiver'], ['receivers']],
    suspendable: true,
    reconcilable: true,
    component: 'notification',
  },
  {
    kind: 'ImageRepository',
    group: 'image.toolkit.fluxcd.io',
    plural: 'imagerepositories',
    controller: 'image-reflector-controller',
    words: [['image', 'repository'], ['images', 'repository'], ['imagerepository'], ['imagerepositories']],
    suspendable: true,
    reconcilable: true,
    component: 'image-reflector',
  },
  {
    kind: 'ImagePolicy',
    group: 'image.toolkit.fluxcd.io',
    plural: 'imagepolicies',
    controller: 'image-reflector-controller',
    words: [['image', 'policy'], ['images', 'policy'], ['imagepolicy'], ['imagepolicies']],
    suspendable: false,
    reconcilable: true,
    component: 'image-reflector',
  },
  {
    kind: 'ImageUpdateAutomation',
    group: 'image.toolkit.fluxcd.io',
    plural: 'imageupdateautomations',
    controller: 'image-automation-controller',
    words: [['image', 'update'], ['images', 'update'], ['imageupdateautomation'], ['imageupdateautomations']],
    suspendable: true,
    reconcilable: true,
    component: 'image-automation',
  },
];

/** Groups of kinds a word can stand for in `get`: all, sources all, images all. */
const kindGroups: ReadonlyArray<{ words: readonly string[]; kinds: (kind: FluxKind) => boolean }> = [
  { words: ['all'], kinds: () => true },
  { words: ['sources', 'all'], kinds: (kind) => kind.controller === 'source-controller' },
  { words: ['sources'], kinds: (kind) => kind.controller === 'source-controller' },
  { words: ['images', 'all'], kinds: (kind) => kind.group === 'image.toolkit.fluxcd.io' },
  { words: ['image', 'all'], kinds: (kind) => kind.group === 'image.toolkit.fluxcd.io' },
];

export function canonicalName(kind: FluxKind): string {
  return (kind.words[0] ?? [kind.kind.toLowerCase()]).join(' ');
}

export function findKindByName(kindName: string): FluxKind | undefined {
  const lower = kindName.toLowerCase();
  return fluxKinds.find((kind) => kind.kind.toLowerCase() === lower || kind.plural === lower);
}

export interface KindSelection {
  kinds: FluxKind[];
  /** The positionals after the kind words (object names). */
  rest: string[];
  /** Several kinds (all, sources all): print a section per kind with kind/name. */
  many: boolean;
}

/** Reads the kind words at the front of `words` (`source git`, `ks`, `all`); `allowGroups` admits `all`-style words. */
export function selectKinds(words: readonly string[], allowGroups: boolean): KindSelection {
  if (words.length === 0) throw new UsageError(`name a kind: ${allKindWords(allowGroups).join(', ')}`);
  const lower = words.map((word) => word.toLowerCase());
  const matches = (candidate: readonly string[]): boolean => candidate.every((word, index) => lower[index] === word);
  if (allowGroups) {
    for (const group of kindGroups) {
      if (matches(group.words))
        return { kinds: fluxKinds.filter(group.kinds), rest: words.slice(group.words.length), many: true };
    }
  }
  // longest phrase first, so `source git` wins over `source`
  const phrases = fluxKinds
    .flatMap((kind) => kind.words.map((phrase) => ({ kind, phrase })))
    .sort((a, b) => b.phrase.length - a.phrase.length);
  const found = phrases.find(({ phrase }) => matches(phrase));
  if (found) return { kinds: [found.kind], rest: words.slice(found.phrase.length), many: false };
  const typed =
    lower[0] === 'source' || lower[0] === 'sources' || lower[0] === 'image' || lower[0] === 'images'
      ? lower.slice(0, 2).join(' ')
      : (lower[0] ?? '');
  const canonical = [...(allowGroups ? ['all', 'sources all', 'images all'] : []), ...fluxKinds.map(canonicalName)];
  throw new UsageError(
    `unknown kind "${typed}"${didYouMean(typed, allKindWords(allowGroups))}`,
    `kinds: ${canonical.join(', ')} (and their plurals)`,
  );
}

export function allKindWords(allowGroups: boolean): string[] {
  const words = fluxKinds.flatMap((kind) => kind.words.map((phrase) => phrase.join(' ')));
  return allowGroups ? [...kindGroups.map((group) => group.words.join(' ')), ...words] : words;
}

/** The revision a person cares about: what was applied, or the artifact a source produced. */
export function revisionOf(object: FluxObject): string {
  const status = object.status ?? {};
  const pick = (value: unknown): string => (typeof value === 'string' ? value : '');
  switch (object.kind) {
    case 'Kustomization':
      return pick(status['lastAppliedRevision']) || pick(status['lastAttemptedRevision']);
    case 'HelmRelease': {
      const history = status['history'];
      const latest = Array.isArray(history) ? (history[0] as { chartVersion?: unknown } | undefined) : undefined;
      return pick(latest?.chartVersion) || pick(status['lastAttemptedRevision']);
    }
    case 'ImagePolicy': {
      const latestRef = status['latestRef'] as { name?: unknown; tag?: unknown; digest?: unknown } | undefined;
      if (latestRef && typeof latestRef.name === 'string') return `${latestRef.name}:${pick(latestRef.tag)}`;
      return pick(status['latestImage']);
    }
    case 'ImageRepository': {
      const scan = status['lastScanResult'] as { tagCount?: unknown } | undefined;
      return typeof scan?.tagCount === 'number' ? `${scan.tagCount} tags` : '';
    }
    case 'ImageUpdateAutomation': {
      const push = status['lastPushCommit'];
      return pick(push);
    }
    default: {
      const artifact = status['artifact'] as { revision?: unknown } | undefined;
      return pick(artifact?.revision);
    }
  }
}

/** The parts of a Flux object the CLI reads, whatever its kind. */
export interface FluxObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
