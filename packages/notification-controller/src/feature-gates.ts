// --feature-gates, as Flux parses it: `Name=true,Other=false`; an unknown gate is an error naming it.
export const knownFeatureGates: Readonly<Record<string, boolean>> = {
  /** Flux caches the Secrets and ConfigMaps it reads; Fluxion reads them on demand and caches the built notifier. */
  CacheSecretsAndConfigMaps: false,
};

export class FeatureGateError extends Error {
  override readonly name = 'FeatureGateError';
}

export function parseFeatureGates(text: string): Record<string, boolean> | FeatureGateError {
  const gates: Record<string, boolean> = { ...knownFeatureGates };
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [name = '', value = ''] = entry.split('=', 2);
    if (!(name in knownFeatureGates))
      return new FeatureGateError(
        `--feature-gates: unknown feature gate ${name} (known: ${Object.keys(knownFeatureGates).join(', ')})`,
      );
    if (value !== 'true' && value !== 'false')
      return new FeatureGateError(`--feature-gates: ${name} must be true or false, not ${JSON.stringify(value)}`);
    gates[name] = value === 'true';
  }
  return gates;
}
