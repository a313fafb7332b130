// What a HelmRelease asks that this controller cannot do yet, and the Flux reason an error reports.
import type { HelmRelease } from '@fluxion/api';
import { releaseNamespaceOf } from './helm-args.ts';
import { Reason } from './reasons.ts';

/** Only a spec change fixes it: Stalled, not retried. */
export class StalledError extends Error {
  override readonly name = 'StalledError';
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Fields whose support comes later: refused with a clear message rather than ignored. */
export function assertSupported(hr: HelmRelease, engine: { separateStorage: boolean }): void {
  const unsupported: string[] = [];
  if (!engine.separateStorage && hr.spec?.storageNamespace && hr.spec.storageNamespace !== releaseNamespaceOf(hr)) {
    unsupported.push(
      'spec.storageNamespace different from the release namespace without fluxion-helm-helper (the helm CLI stores a release in its own namespace)',
    );
  }
  if (hr.spec?.dependsOn?.some((dependency) => dependency.readyExpr))
    unsupported.push('spec.dependsOn[].readyExpr (CEL readiness)');
  if (hr.spec?.chart?.spec.verify) unsupported.push('spec.chart.spec.verify');
  if (unsupported.length > 0)
    throw new StalledError(Reason.UnsupportedField, `not supported yet by this controller: ${unsupported.join(', ')}`);
}

const knownReasons = new Set<string>(Object.values(Reason));

export function reasonOf(error: unknown): string {
  const reason = (error as { reason?: unknown } | undefined)?.reason;
  return typeof reason === 'string' && knownReasons.has(reason) ? reason : Reason.InitFailed;
}
