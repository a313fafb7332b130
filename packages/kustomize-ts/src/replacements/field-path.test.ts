import { describe, expect, it } from 'vitest';
import { lookupField, matchFields, readSlot, splitFieldPath } from './field-path.ts';

describe('splitFieldPath', () => {
  it('splits on dots but keeps list selectors whole and unwraps bracketed dotted keys', () => {
    expect(splitFieldPath('spec.template.spec.containers.[name=com.foo.app].image')).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      '[name=com.foo.app]',
      'image',
    ]);
    expect(splitFieldPath('metadata.annotations.[config.kubernetes.io/local]')).toEqual([
      'metadata',
      'annotations',
      'config.kubernetes.io/local',
    ]);
    expect(splitFieldPath('data.a\\.b')).toEqual(['data', 'a.b']);
  });
});

describe('lookupField', () => {
  it('matches list selectors exactly and takes - as the last element', () => {
    const object = {
      list: [
        { name: 'app-2', v: 2 },
        { name: 'app', v: 1 },
      ],
      args: ['a', 'b'],
    };
    expect(lookupField(object, ['list', '[name=app]', 'v'])).toBe(1);
    expect(lookupField(object, ['args', '-'])).toBe('b');
    expect(lookupField(object, ['missing', 'x'])).toBeUndefined();
  });
});

describe('matchFields', () => {
  it('matches list selectors as unanchored regular expressions and * as every element', () => {
    const object = {
      list: [
        { name: 'app', v: 1 },
        { name: 'app-sidecar', v: 2 },
        { name: 'db', v: 3 },
      ],
    };
    expect(matchFields(object, ['list', '[name=app]', 'v'], undefined).map(readSlot)).toEqual([1, 2]);
    expect(matchFields(object, ['list', '*', 'v'], undefined).map(readSlot)).toEqual([1, 2, 3]);
  });

  it('creates missing maps, list elements and leaves when asked', () => {
    const object: Record<string, unknown> = {};
    const slots = matchFields(object, ['spec', 'list', '[name=x]', 'value'], 'ScalarNode');
    expect(slots).toHaveLength(1);
    expect(object).toEqual({ spec: { list: [{ name: 'x', value: null }] } });
  });
});
