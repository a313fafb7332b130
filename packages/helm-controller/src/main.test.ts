import { describe, expect, it } from 'vitest';
import { FlagError, parseFlagsOrExit } from '@fluxion/runtime';
import { helmControllerFlags, parseFeatureGates } from './main.ts';

describe('helm-controller flags', () => {
  it("takes Flux's flags and its own", () => {
    const flags = parseFlagsOrExit(helmControllerFlags, [
      '--concurrent=3',
      '--helm-concurrency=2',
      '--helm-path=/opt/helm',
      '--default-service-account=tenant',
      '--no-cross-namespace-refs',
      '--health-poll-interval=500ms',
    ]);
    expect(flags).toMatchObject({
      concurrent: 3,
      'helm-concurrency': 2,
      'helm-path': '/opt/helm',
      'default-service-account': 'tenant',
      'no-cross-namespace-refs': true,
      'health-poll-interval': 500,
    });
  });

  it('refuses an unknown feature gate by name', () => {
    expect(parseFeatureGates('')).toEqual({});
    expect(() => parseFeatureGates('OOMWatch=true')).toThrow(FlagError);
    expect(() => parseFeatureGates('OOMWatch=true')).toThrow('unknown feature gate "OOMWatch"');
  });
});
