// The helm command lines for each action, from the HelmRelease's spec: pure, so every flag mapping is unit-tested.
import { createHash } from 'node:crypto';
import type { HelmRelease } from '@fluxion/api';
import { formatGoDuration, parseGoDuration } from '@fluxion/runtime';

export const PostRendererPlugin = 'fluxion-post-renderer';
export const NameLabel = 'helm.toolkit.fluxcd.io/name';
export const NamespaceLabel = 'helm.toolkit.fluxcd.io/namespace';
const defaultTimeoutMs = 5 * 60_000;
const defaultMaxHistory = 5;

/** Files an action reads, written by the reconciler to a private temp directory. */
export interface ActionFiles {
  chartDir: string;
  valuesFile: string;
  postRenderSpecFile: string;
}

/** `[targetNamespace-]name`, shortened with a digest past Helm's 53 characters, as Flux does. */
export function releaseNameOf(release: HelmRelease): string {
  if (release.spec?.releaseName) return release.spec.releaseName;
  const name = release.metadata?.name ?? '';
  const full = release.spec?.targetNamespace ? `${release.spec.targetNamespace}-${name}` : name;
  if (full.length <= 53) return full;
  return `${full.slice(0, 40)}-${createHash('sha256').update(full).digest('hex').slice(0, 12)}`;
}

/** Where the release's objects go (helm's --namespace). */
export function releaseNamespaceOf(release: HelmRelease): string {
  return release.spec?.targetNamespace || release.metadata?.namespace || '';
}

/**
 * Where the release's storage Secrets live: spec.storageNamespace, else the release namespace (Flux: the HelmRelease's).
 * Only fluxion-helm-helper can keep them apart (`--storage-namespace`); with the helm CLI the reconciler refuses it.
 */
export function storageNamespaceOf(release: HelmRelease): string {
  return release.spec?.storageNamespace || releaseNamespaceOf(release);
}

export function timeoutOf(
  release: HelmRelease,
  action: 'install' | 'upgrade' | 'rollback' | 'uninstall' | 'test',
): number {
  const specific = release.spec?.[action]?.timeout;
  const text = specific || release.spec?.timeout;
  return text ? parseGoDuration(text) : defaultTimeoutMs;
}

function common(release: HelmRelease, action: 'install' | 'upgrade' | 'rollback' | 'uninstall' | 'test'): string[] {
  const args = ['--namespace', releaseNamespaceOf(release), '--timeout', formatGoDuration(timeoutOf(release, action))];
  const storage = storageNamespaceOf(release);
  if (storage !== releaseNamespaceOf(release)) args.push('--storage-namespace', storage);
  return args;
}

function ownerLabels(release: HelmRelease): string {
  return `${NameLabel}=${release.metadata?.name ?? ''},${NamespaceLabel}=${release.metadata?.namespace ?? ''}`;
}

function maxHistory(release: HelmRelease): string {
  return String(release.spec?.maxHistory ?? defaultMaxHistory);
}

export function installArgs(release: HelmRelease, files: ActionFiles): string[] {
  const install = release.spec?.install ?? {};
  const args = [
    'install',
    releaseNameOf(release),
    files.chartDir,
    ...common(release, 'install'),
    '--values',
    files.valuesFile,
  ];
  args.push(
    '--labels',
    ownerLabels(release),
    '--post-renderer',
    PostRendererPlugin,
    '--post-renderer-args',
    files.postRenderSpecFile,
  );
  args.push(
    '--description',
    `Install by helm-controller of HelmRelease ${release.metadata?.namespace}/${release.metadata?.name}`,
  );
  // CRDs: Create is helm's own behaviour; Skip and CreateReplace (applied by the reconciler) skip helm's
  const crds = install.crds ?? (install.skipCRDs ? 'Skip' : 'Create');
  if (crds !== 'Create') args.push('--skip-crds');
  if (install.createNamespace) args.push('--create-namespace');
  if (install.disableHooks) args.push('--no-hooks');
  if (install.disableOpenAPIValidation) args.push('--disable-openapi-validation');
  if (install.disableSchemaValidation) args.push('--skip-schema-validation');
  if (install.replace) args.push('--replace');
  // Flux adopts objects that exist but belong to no release, unless told not to, and under server-side apply takes
  // the fields other managers hold (as kustomize-controller does; drift correction relies on it)
  if (!install.disableTakeOwnership) args.push('--take-ownership');
  if (install.serverSideApply !== false) args.push('--force-conflicts');
  if (install.serverSideApply === false) args.push('--server-side=false');
  return args;
}

/** `lastApplyMethod`: the latest revision's (`ssa`/`csa`), which Helm's `--server-side=auto` follows. */
export function upgradeArgs(release: HelmRelease, files: ActionFiles, lastApplyMethod?: string): string[] {
  const upgrade = release.spec?.upgrade ?? {};
  const args = [
    'upgrade',
    releaseNameOf(release),
    files.chartDir,
    ...common(release, 'upgrade'),
    '--values',
    files.valuesFile,
  ];
  args.push(
    '--labels',
    ownerLabels(release),
    '--post-renderer',
    PostRendererPlugin,
    '--post-renderer-args',
    files.postRenderSpecFile,
  );
  args.push('--history-max', maxHistory(release));
  args.push(
    '--description',
    `Upgrade by helm-controller of HelmRelease ${release.metadata?.namespace}/${release.metadata?.name}`,
  );
  args.push(upgrade.preserveValues ? '--reset-then-reuse-values' : '--reset-values');
  if (upgrade.force) args.push('--force-replace');
  if (upgrade.cleanupOnFail) args.push('--cleanup-on-fail');
  if (upgrade.disableHooks) args.push('--no-hooks');
  if (upgrade.disableOpenAPIValidation) args.push('--disable-openapi-validation');
  if (upgrade.disableSchemaValidation) args.push('--skip-schema-validation');
  if (!upgrade.disableTakeOwnership) args.push('--take-ownership');
  // helm refuses --force-conflicts when the upgrade applies client-side (auto after a client-side revision)
  if (upgrade.serverSideApply !== false && lastApplyMethod === 'ssa') args.push('--force-conflicts');
  if (upgrade.serverSideApply === false) args.push('--server-side=false');
  return args;
}

/** `targetApplyMethod`: the target revision's (`ssa`/`csa`), which Helm's `--server-side=auto` follows. */
export function rollbackArgs(release: HelmRelease, toRevision: number, targetApplyMethod?: string): string[] {
  const rollback = release.spec?.rollback ?? {};
  const args = [
    'rollback',
    releaseNameOf(release),
    String(toRevision),
    ...common(release, 'rollback'),
    '--history-max',
    maxHistory(release),
  ];
  args.push('--description', `Rollback by helm-controller to revision ${toRevision}`);
  if (rollback.force) args.push('--force-replace');
  if (rollback.cleanupOnFail) args.push('--cleanup-on-fail');
  if (rollback.disableHooks) args.push('--no-hooks');
  if (targetApplyMethod === 'ssa') args.push('--force-conflicts');
  return args;
}

export function uninstallArgs(release: HelmRelease): string[] {
  const uninstall = release.spec?.uninstall ?? {};
  const args = [
    'uninstall',
    releaseNameOf(release),
    ...common(release, 'uninstall'),
    '--cascade',
    uninstall.deletionPropagation ?? 'background',
  ];
  if (uninstall.keepHistory) args.push('--keep-history');
  if (uninstall.disableHooks) args.push('--no-hooks');
  if (!uninstall.disableWait) args.push('--wait');
  return args;
}

export function testArgs(release: HelmRelease): string[] {
  const args = ['test', releaseNameOf(release), ...common(release, 'test')];
  for (const filter of release.spec?.test?.filters ?? [])
    args.push('--filter', `${filter.exclude ? '!' : ''}name=${filter.name}`);
  return args;
}
