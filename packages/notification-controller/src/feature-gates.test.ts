import { describe, expect, it } from 'vitest';
import { FeatureGateError, parseFeatureGates } from './feature-gates.ts';

describe('parseFeatureGates', () => {
  it("reads Flux's Name=bool list and names an unknown gate or a bad value", () => {
    expect(parseFeatureGates('CacheSecretsAndConfigMaps=true')).toEqual({ CacheSecretsAndConfigMaps: true });
    expect(parseFeatureGates('')).toEqual({ CacheSecretsAndConfigMaps: false });
    expect((parseFeatureGates('Nope=true') as FeatureGateError).message).toBe(
      '--feature-gates: unknown feature gate Nope (known: CacheSecretsAndConfigMaps)',
    );
    expect((parseFeatureGates('CacheSecretsAndConfigMaps=yes') as FeatureGateError).message).toBe(
      '--feature-gates: CacheSecretsAndConfigMaps must be true or false, not "yes"',
    );
  });
});
