import { describe, expect, it } from 'vitest';
import { watchScope } from './reflector.ts';

describe('watchScope', () => {
  it('watches only the runtime namespace unless --watch-all-namespaces, and passes the label selector through', () => {
    expect(
      watchScope({ watchAllNamespaces: false, runtimeNamespace: 'flux-system', watchLabelSelector: 'shard=a' }),
    ).toEqual({ namespace: 'flux-system', labelSelector: 'shard=a' });
    expect(watchScope({ watchAllNamespaces: true, runtimeNamespace: 'flux-system', watchLabelSelector: '' })).toEqual({
      namespace: undefined,
      labelSelector: undefined,
    });
  });
});
