import { describe, expect, it } from 'vitest';
import { mergeVariables, substituteVariables, SubstitutionError } from './substitute.ts';

const configMap = (data: Record<string, string>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings', namespace: 'apps', ...(annotations ? { annotations } : {}) },
  data,
});

describe('substituteVariables', () => {
  it('substitutes in the YAML text, so a number stays a number', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web-${ENV}' },
      spec: { replicas: '${REPLICAS}' },
    };
    const [result] = substituteVariables([deployment], mergeVariables({ ENV: 'prod', REPLICAS: '3' }), {
      strict: true,
    });
    expect(result).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web-prod' },
      spec: { replicas: 3 },
    });
  });

  it('skips objects annotated or labelled substitute: disabled', () => {
    const disabled = configMap({ script: 'echo ${HOME} $1' }, { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' });
    expect(substituteVariables([disabled], mergeVariables({}), { strict: true })).toEqual([disabled]);
  });

  it('names the object and the variable when one is not set', () => {
    const error = (() => {
      try {
        substituteVariables([configMap({ region: '${REGION}' })], mergeVariables({ OTHER: 'x' }), { strict: true });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SubstitutionError);
    expect((error as SubstitutionError).reason).toBe('BuildFailed');
    expect((error as Error).message).toBe(
      'variable substitution failed for ConfigMap/apps/settings: variable not set (strict mode): "REGION"',
    );
  });

  it('lets later sources win, removes newlines from values and checks names', () => {
    const merged = mergeVariables({ A: '1', B: 'x\ny' }, { A: '2' });
    expect(Object.fromEntries(merged)).toEqual({ A: '2', B: 'xy' });
    expect(() => mergeVariables({ 'bad-name': 'x' })).toThrow(
      "'bad-name' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'",
    );
  });
});
